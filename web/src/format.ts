// Display formatting of the API's values. Money and prices arrive as exact decimal strings: they are shown by
// rounding the string's digits (never through a float), so what the table shows is what the ledger holds.

/** Rounds a decimal string half away from zero to `digits` places, with thousands separators ("1,234.50"). */
export function formatDecimal(value: string | null | undefined, digits = 2): string {
  if (value === null || value === undefined || value === "") return "—";
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(value.trim());
  if (m === null) return value;
  const sign = m[1] === "-" ? "-" : "";
  let int = (m[2] || "0").replace(/^0+(?=\d)/, "");
  const frac = m[3] ?? "";
  let kept = frac.slice(0, digits).padEnd(digits, "0");
  if ((frac[digits] ?? "0") >= "5") {
    // Carry the rounding through the kept digits and into the integer part.
    const all = (int + kept).split("").map(Number);
    let i = all.length - 1;
    while (i >= 0) {
      if (all[i] === 9) {
        all[i] = 0;
        i--;
      } else {
        all[i] = (all[i] ?? 0) + 1;
        break;
      }
    }
    const joined = (i < 0 ? "1" : "") + all.join("");
    int = joined.slice(0, joined.length - digits) || "0";
    kept = joined.slice(joined.length - digits);
  }
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const zero = /^[0,]*$/.test(grouped) && /^0*$/.test(kept);
  return `${zero ? "" : sign}${grouped}${digits > 0 ? `.${kept}` : ""}`;
}

/** A signed amount: "+12.30" or "-4.00" (zero unsigned). */
export function formatSigned(value: string | null | undefined, digits = 2): string {
  const s = formatDecimal(value, digits);
  if (s === "—" || s.startsWith("-") || /^[0,.]*$/.test(s)) return s;
  return `+${s}`;
}

/** A fraction as a percentage: 0.1234 → "12.34%". */
export function formatPercent(fraction: number | null | undefined, digits = 2): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return "—";
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** An instant as "2024-01-02 03:04" (UTC, sortable, the market's clock). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 16).replace("T", " ");
}

/** The difference of two decimal strings (b − a) as a decimal string, exact (scaled integers, no floats). */
export function subtractDecimal(b: string, a: string): string {
  const scale = Math.max(fractionDigits(a), fractionDigits(b));
  const diff = scaled(b, scale) - scaled(a, scale);
  const neg = diff < 0n;
  const digits = (neg ? -diff : diff).toString().padStart(scale + 1, "0");
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale);
  return `${neg ? "-" : ""}${int}${scale > 0 ? `.${frac}` : ""}`;
}

function fractionDigits(v: string): number {
  const dot = v.indexOf(".");
  return dot < 0 ? 0 : v.length - dot - 1;
}

function scaled(v: string, scale: number): bigint {
  const neg = v.startsWith("-");
  const [int = "0", frac = ""] = v.replace(/^[+-]/, "").split(".");
  const n = BigInt((int || "0") + frac.padEnd(scale, "0"));
  return neg ? -n : n;
}

/** A confidence or consensus in [0, 1] as a whole percentage. */
export function formatConfidence(x: number | null | undefined): string {
  return formatPercent(x, 0);
}
