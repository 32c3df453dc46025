import { WSMA } from "trading-signals";

/**
 * RSI with Wilder's smoothing, built from trading-signals' WSMA (the same construction as its RSI class) so that
 * the average gain and loss are visible: a market that has not moved (both averages 0) reads 50, not the library's
 * 100, so flat prices are neutral rather than "overbought".
 */
export class WilderRsi {
  readonly #gain: WSMA;
  readonly #loss: WSMA;
  #previous: number | null = null;
  #value: number | null = null;

  constructor(readonly period: number) {
    this.#gain = new WSMA(period);
    this.#loss = new WSMA(period);
  }

  /** Adds a close; returns the RSI once `period` changes have been seen, else null. */
  add(close: number): number | null {
    const previous = this.#previous;
    this.#previous = close;
    if (previous === null) return null;
    const change = close - previous;
    this.#gain.add(Math.max(change, 0));
    this.#loss.add(Math.max(-change, 0));
    if (!this.#gain.isStable) return null;
    const gain = this.#gain.getResultOrThrow();
    const loss = this.#loss.getResultOrThrow();
    this.#value = loss === 0 ? (gain === 0 ? 50 : 100) : 100 - 100 / (1 + gain / loss);
    return this.#value;
  }

  get value(): number | null {
    return this.#value;
  }
}
