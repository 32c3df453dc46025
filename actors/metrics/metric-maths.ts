/** Small statistics the metric blocks share. Every function returns null where the figure has no value. */

/** A finite number or null: NaN and ±Infinity never reach JSON. */
export function finite(x: number | null | undefined): number | null {
  return x === null || x === undefined || !Number.isFinite(x) ? null : x;
}

export function mean(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Standard deviation with `ddof` (1: sample, as pandas; 0: population, as numpy). Null below ddof + 1 values. */
export function stdDev(xs: readonly number[], ddof: 0 | 1): number | null {
  if (xs.length <= ddof) return null;
  const m = mean(xs) as number;
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - ddof));
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** a ÷ b, or null when b is 0 (or either is null). */
export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0) return null;
  return finite(a / b);
}

export const dayMs = 86_400_000;

/** Midnight UTC of the day holding `ms`. */
export function utcDay(ms: number): number {
  return Math.floor(ms / dayMs) * dayMs;
}

/** Largest fall from a running peak, as a fraction of the peak (0 when it never falls). */
export function maxDrawdownFraction(values: readonly number[]): number {
  let peak = Number.NEGATIVE_INFINITY;
  let worst = 0;
  for (const v of values) {
    if (v > peak) peak = v;
    if (peak > 0) worst = Math.max(worst, (peak - v) / peak);
  }
  return worst;
}
