import { ValidationError } from "../errors/cryptofunk-error.ts";

/**
 * Canonical JSON (the RFC 8785 rules that matter here): object keys sorted by UTF-16 code units, no whitespace,
 * numbers in ECMAScript shortest form, -0 written as 0, `undefined` members dropped. NaN and Infinity have no JSON
 * form and are refused rather than silently written as null.
 */
export function canonicalJson(value: unknown): string {
  return write(value, "$");
}

function write(value: unknown, path: string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) {
        throw new ValidationError(`${path} is ${value}: not representable in canonical JSON`, [
          { path, message: "non-finite number" },
        ]);
      }
      return Object.is(value, -0) ? "0" : JSON.stringify(value);
    case "bigint":
      return value.toString();
    case "object": {
      if (Array.isArray(value)) {
        return `[${value.map((v, i) => (v === undefined ? "null" : write(v, `${path}[${i}]`))).join(",")}]`;
      }
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      const keys = Object.keys(value as object).sort();
      const parts: string[] = [];
      for (const k of keys) {
        const v = (value as Record<string, unknown>)[k];
        if (v === undefined || typeof v === "function") continue;
        parts.push(`${JSON.stringify(k)}:${write(v, `${path}.${k}`)}`);
      }
      return `{${parts.join(",")}}`;
    }
    default:
      throw new ValidationError(`${path} has type ${typeof value}: not JSON`, [
        { path, message: "not JSON" },
      ]);
  }
}
