import { Decimal } from "decimal.js";
import { ValidationError } from "../../events/index.ts";

const plainDecimal = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const looseDecimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A price or quantity as a plain decimal string ("5.0E-4" → "0.0005", 0.1 → "0.1", "51552.610" → "51552.61"),
 * exact: strings are never routed through a float, and a number is read by its shortest round-trip form.
 */
export function toDecimalString(value: string | number): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw invalid(String(value));
    value = String(value);
  }
  const text = value.trim();
  if (plainDecimal.test(text)) return trimFraction(text);
  if (!looseDecimal.test(text)) throw invalid(value);
  const fixed = new Decimal(text).toFixed();
  return fixed === "-0" ? "0" : fixed;
}

function trimFraction(text: string): string {
  const dot = text.indexOf(".");
  if (dot < 0) return text === "-0" ? "0" : text;
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48) end -= 1;
  if (end === dot + 1) end = dot;
  const out = text.slice(0, end);
  return out === "-0" ? "0" : out;
}

function invalid(value: string): ValidationError {
  return new ValidationError(`not a decimal number: ${JSON.stringify(value)}`, [
    { path: "value", message: "expected a decimal number" },
  ]);
}

/**
 * Compares two non-negative plain decimal strings (the `unsignedDecimalString` form: no sign, no leading zeros)
 * without parsing them: a hot path of the resampler.
 */
export function compareDecimalStrings(a: string, b: string): number {
  if (a === b) return 0;
  const da = a.indexOf(".");
  const db = b.indexOf(".");
  const ia = da < 0 ? a.length : da;
  const ib = db < 0 ? b.length : db;
  if (ia !== ib) return ia < ib ? -1 : 1;
  for (let i = 0; i < ia; i += 1) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  const fa = da < 0 ? "" : a.slice(da + 1);
  const fb = db < 0 ? "" : b.slice(db + 1);
  const n = Math.max(fa.length, fb.length);
  for (let i = 0; i < n; i += 1) {
    const ca = i < fa.length ? fa.charCodeAt(i) : 48;
    const cb = i < fb.length ? fb.charCodeAt(i) : 48;
    if (ca !== cb) return ca < cb ? -1 : 1;
  }
  return 0;
}
