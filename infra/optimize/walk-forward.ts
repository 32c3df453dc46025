import { ValidationError } from "../../events/index.ts";

/** A window over the candles: [start, end) indexes. */
export interface CandleWindow {
  readonly start: number;
  readonly end: number;
}

export interface Fold {
  readonly fold: number;
  readonly train: CandleWindow;
  readonly test: CandleWindow;
}

export interface WalkForwardOptions {
  readonly mode: "rolling" | "anchored";
  readonly folds: number;
  /** Share of each fold's span used to train (rolling) or of the first span (anchored); default 0.7. */
  readonly trainFraction?: number;
  /** Fewest candles a train or test window may hold (default: two strategy bars' worth). */
  readonly minCandles: number;
}

/**
 * Walk-forward folds over `n` candles. The data is cut into `folds` equal test windows after an initial train
 * span; rolling: each fold trains on the span just before its test window (same length every fold); anchored: each
 * fold trains on everything from the start up to its test window.
 */
export function walkForwardFolds(n: number, o: WalkForwardOptions): Fold[] {
  const f = o.trainFraction ?? 0.7;
  if (!Number.isInteger(o.folds) || o.folds < 1) {
    throw new ValidationError("--folds must be a positive integer", [
      { path: "--folds", message: "invalid" },
    ]);
  }
  if (!(f > 0 && f < 1)) {
    throw new ValidationError("--train-fraction must be between 0 and 1", [
      { path: "--train-fraction", message: "invalid" },
    ]);
  }
  // One train span of length T, then `folds` test spans of length S, with T / (T + S) = f.
  const s = Math.floor(n / (o.folds + f / (1 - f)));
  const t = n - o.folds * s;
  if (s < o.minCandles || t < o.minCandles) {
    throw new ValidationError(
      `${n} candles are too few for ${o.folds} walk-forward folds: each test window would hold ${s} candles and the first train window ${t}, at least ${o.minCandles} each are needed`,
      [{ path: "--data", message: "too short for walk-forward" }],
    );
  }
  const folds: Fold[] = [];
  for (let i = 0; i < o.folds; i++) {
    const testStart = t + i * s;
    const train =
      o.mode === "anchored" ? { start: 0, end: testStart } : { start: testStart - t, end: testStart };
    folds.push({ fold: i + 1, train, test: { start: testStart, end: testStart + s } });
  }
  return folds;
}
