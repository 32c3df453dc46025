import { WSMA } from "trading-signals";

export interface HighLowClose {
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/** ADX with its directional indicators, in points (0–100). */
export interface AdxReading {
  readonly adx: number;
  readonly pdi: number;
  readonly mdi: number;
}

/**
 * Wilder's ADX from real high, low and close, built from trading-signals' WSMA (Wilder smoothing, seeded with the
 * mean of the first `period` values). Differs from the library's ADX class in two edges: directional movement and
 * true range start at the second bar (Wilder's book; the library counts the first bar's range with no movement), and
 * a market with no range (ATR 0) reads DX 0 instead of the library's NaN, which would poison every later value.
 */
export class WilderAdx {
  readonly #tr: WSMA;
  readonly #plus: WSMA;
  readonly #minus: WSMA;
  readonly #dx: WSMA;
  #previous: HighLowClose | null = null;
  #reading: AdxReading | null = null;

  constructor(readonly period: number) {
    this.#tr = new WSMA(period);
    this.#plus = new WSMA(period);
    this.#minus = new WSMA(period);
    this.#dx = new WSMA(period);
  }

  /** Adds a bar; returns the reading once 2 × period bars have been seen, else null. */
  add(bar: HighLowClose): AdxReading | null {
    const prev = this.#previous;
    this.#previous = bar;
    if (prev === null) return null;
    const up = bar.high - prev.high;
    const down = prev.low - bar.low;
    const tr = Math.max(bar.high - bar.low, Math.abs(bar.high - prev.close), Math.abs(bar.low - prev.close));
    this.#tr.add(tr);
    this.#plus.add(up > down && up > 0 ? up : 0);
    this.#minus.add(down > up && down > 0 ? down : 0);
    if (!this.#tr.isStable) return null;
    const atr = this.#tr.getResultOrThrow();
    const pdi = atr > 0 ? (100 * this.#plus.getResultOrThrow()) / atr : 0;
    const mdi = atr > 0 ? (100 * this.#minus.getResultOrThrow()) / atr : 0;
    const dx = pdi + mdi > 0 ? (100 * Math.abs(pdi - mdi)) / (pdi + mdi) : 0;
    this.#dx.add(dx);
    if (!this.#dx.isStable) return null;
    this.#reading = { adx: this.#dx.getResultOrThrow(), pdi, mdi };
    return this.#reading;
  }

  get reading(): AdxReading | null {
    return this.#reading;
  }
}
