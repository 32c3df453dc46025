import { Decimal } from "decimal.js";
import { type Timeframe, timeframeMs, ValidationError } from "../../events/index.ts";
import { compareDecimalStrings } from "./decimal-string.ts";
import type { Candle } from "./market-records.ts";

/** An incremental resampler: push source bars in open-time order, receive the target bars that have closed. */
export interface CandleResampler {
  readonly timeframe: Timeframe;
  /** Adds one source bar; returns the target bars completed by it (zero, one, or two after a gap). */
  push(candle: Candle): Candle[];
  /**
   * Ends the input at a known end: returns the pending target bar even if incomplete (its closeTime is still the
   * boundary, sourceBars tells how much of it was seen). Only call this when no more data can come for it.
   */
  flush(): Candle | undefined;
  /** The target bar being built, if any (for inspection; not yet closed). */
  pending(): Candle | undefined;
}

interface Building {
  openTime: number;
  closeTime: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: Decimal | string;
  sourceBars: number;
  lastSourceClose: number;
}

/**
 * Creates a pure incremental resampler to `timeframe`, aligned to UTC boundaries (floor(openTime / period)). A target
 * bar is emitted once a source bar closing at or after its boundary has been seen, or when a later bar shows that
 * it has ended (after a gap); never earlier, so no consumer can see a bar before its close.
 */
export function createCandleResampler(timeframe: Timeframe): CandleResampler {
  const period = timeframeMs[timeframe];
  let cur: Building | undefined;
  let lastOpen = Number.NEGATIVE_INFINITY;

  const finish = (b: Building): Candle => ({
    openTime: b.openTime,
    closeTime: b.closeTime,
    open: b.open,
    high: b.high,
    low: b.low,
    close: b.close,
    volume: typeof b.volume === "string" ? b.volume : b.volume.toFixed(),
    sourceBars: b.sourceBars,
  });

  return {
    timeframe,
    push(c) {
      if (c.openTime <= lastOpen) {
        throw new ValidationError(`source bars out of order at ${new Date(c.openTime).toISOString()}`, [
          { path: "openTime", message: "must increase strictly" },
        ]);
      }
      if (c.closeTime - c.openTime > period) {
        throw new ValidationError(
          `a ${c.closeTime - c.openTime} ms bar cannot be resampled to ${timeframe}`,
          [{ path: "timeframe", message: "target timeframe is shorter than the source" }],
        );
      }
      lastOpen = c.openTime;
      const out: Candle[] = [];
      const start = Math.floor(c.openTime / period) * period;
      if (cur !== undefined && start !== cur.openTime) {
        // A bar beyond the boundary proves the pending one has ended (the source had a gap at its end).
        out.push(finish(cur));
        cur = undefined;
      }
      if (cur === undefined) {
        cur = {
          openTime: start,
          closeTime: start + period,
          open: c.open,
          high: c.high,
          low: c.low,
          close: c.close,
          volume: c.volume,
          sourceBars: c.sourceBars,
          lastSourceClose: c.closeTime,
        };
      } else {
        if (compareDecimalStrings(c.high, cur.high) > 0) cur.high = c.high;
        if (compareDecimalStrings(c.low, cur.low) < 0) cur.low = c.low;
        cur.close = c.close;
        cur.volume = (typeof cur.volume === "string" ? new Decimal(cur.volume) : cur.volume).plus(c.volume);
        cur.sourceBars += c.sourceBars;
        cur.lastSourceClose = c.closeTime;
      }
      if (cur.lastSourceClose >= cur.closeTime) {
        out.push(finish(cur));
        cur = undefined;
      }
      return out;
    },
    flush() {
      if (cur === undefined) return undefined;
      const b = finish(cur);
      cur = undefined;
      return b;
    },
    pending() {
      return cur === undefined ? undefined : finish(cur);
    },
  };
}

export interface ResampleOptions {
  /** Emit the incomplete trailing bar at the end of the input (only when the data is known to end there). */
  readonly flushAtEnd?: boolean;
}

/** Resamples a stream of source bars (open-time order) to `timeframe`, lazily. */
export function* resampleCandles(
  candles: Iterable<Candle>,
  timeframe: Timeframe,
  options: ResampleOptions = {},
): Generator<Candle> {
  const resampler = createCandleResampler(timeframe);
  for (const c of candles) yield* resampler.push(c);
  if (options.flushAtEnd === true) {
    const last = resampler.flush();
    if (last !== undefined) yield last;
  }
}
