import type { TradeAction } from "../../events/index.ts";
import type { Judgement } from "./agent-machine.ts";

/** x limited to [lo, hi]; NaN becomes 0 so an undefined ratio never leaks into a score. */
export function clamp(x: number, lo = -1, hi = 1): number {
  if (Number.isNaN(x)) return 0;
  return Math.min(hi, Math.max(lo, x));
}

/**
 * The sign of a − b, 0 when they differ by less than 1e-9 of their size: EMAs of a constant price differ from it
 * by float rounding (x·k + x·(1 − k) ≠ x), which must not read as a trend.
 */
export function compare(a: number, b: number): number {
  const d = a - b;
  return Math.abs(d) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) ? 0 : d > 0 ? 1 : -1;
}

/** Fixed-decimal text for reasoning (deterministic; null reads "n/a"). */
export function fmt(x: number | null, digits = 2): string {
  if (x === null || !Number.isFinite(x)) return "n/a";
  return x.toFixed(digits);
}

/** Signed fixed-decimal text: +0.42 / −0.17. */
export function signed(x: number, digits = 2): string {
  return `${x >= 0 ? "+" : ""}${x.toFixed(digits)}`;
}

/**
 * A score in [−1, 1] becomes an action: BUY beyond +threshold, SELL beyond −threshold, with confidence |score|;
 * inside the band HOLD, with confidence 1 − |score| / threshold (how firmly the agent sees nothing to do).
 */
export function actOnScore(score: number, threshold: number): { action: TradeAction; confidence: number } {
  const s = clamp(score);
  if (s > threshold) return { action: "BUY", confidence: Math.abs(s) };
  if (s < -threshold) return { action: "SELL", confidence: Math.abs(s) };
  return { action: "HOLD", confidence: threshold > 0 ? 1 - Math.abs(s) / threshold : 0 };
}

/** HOLD with confidence 0: the agent cannot judge this bar, and says why. */
export function cannotJudge(reason: string, features: Judgement["features"]): Judgement {
  return {
    action: "HOLD",
    confidence: 0,
    reasoning: `HOLD: ${reason}`,
    features: { ready: false, ...features },
  };
}
