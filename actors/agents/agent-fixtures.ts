import { readFileSync } from "node:fs";
import type { AnyEvent } from "../../events/index.ts";
import type { Candle } from "../market/market-records.ts";
import { createSeededRandom } from "../market/seeded-random.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import { defaultStrategy, parseStrategy } from "../strategy/strategy-config.ts";
import { stored } from "../testing/decider-spec.ts";

// Inputs for the agents' spec tests: bars on a 1-minute grid from 2024-01-01, and books, news and quotes timed
// relative to a bar's close. Test support only (no production code imports it).

export const t0 = Date.parse("2024-01-01T00:00:00.000Z");
const minute = 60_000;

/** The session every agent spec runs in (BTC/USDT, 1m, default strategy unless overridden). */
export function specSetup(strategy: unknown = {}): SessionSetup {
  return {
    sessionId: "spec",
    mode: "backtest",
    symbol: "BTC/USDT",
    timeframe: "1m",
    strategy: strategy === defaultStrategy ? defaultStrategy : parseStrategy(strategy),
    initialCash: "10000",
    quoteCurrency: "USDT",
  };
}

/** Close time of bar i (ISO). */
export const closeOf = (i: number): string => new Date(t0 + (i + 1) * minute).toISOString();

export interface Ohlcv {
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

const px = (x: number) => x.toFixed(2);

/** CandleClosed of bar i. */
export function candle(
  i: number,
  b: Ohlcv,
  market: { symbol?: string; timeframe?: "1m" | "5m" } = {},
): AnyEvent {
  return stored(
    "CandleClosed",
    {
      symbol: market.symbol ?? "BTC/USDT",
      timeframe: market.timeframe ?? "1m",
      openTime: new Date(t0 + i * minute).toISOString(),
      closeTime: closeOf(i),
      open: px(b.open),
      high: px(b.high),
      low: px(b.low),
      close: px(b.close),
      volume: b.volume.toFixed(4),
      sourceBars: 1,
    },
    closeOf(i),
  );
}

/** Bars from a close path: each opens at the previous close, with a range of `range` beyond open and close. */
export function barsFromCloses(
  closes: readonly number[],
  options: { range?: number; volume?: number; from?: number } = {},
) {
  const range = options.range ?? 5;
  let prev = closes[0] ?? 100;
  return closes.map((close, k) => {
    const open = prev;
    prev = close;
    const b = {
      open,
      high: Math.max(open, close) + range,
      low: Math.min(open, close) - range,
      close,
      volume: options.volume ?? 10,
    };
    return candle((options.from ?? 0) + k, b);
  });
}

/** A seeded random walk of closes (steps of ±`step` scaled by a normal draw), with an optional drift per bar. */
export function randomWalk(
  seed: number,
  n: number,
  options: { start?: number; step?: number; drift?: number } = {},
) {
  const rng = createSeededRandom(seed, 11);
  const out: number[] = [];
  let x = options.start ?? 30_000;
  for (let i = 0; i < n; i += 1) {
    x = Math.max(1, x + (options.drift ?? 0) + (options.step ?? 20) * rng.normal());
    out.push(x);
  }
  return out;
}

/** Seeded OHLCV bars from a random walk: ranges and volumes vary bar by bar. */
export function randomBars(
  seed: number,
  n: number,
  options: { start?: number; step?: number; drift?: number } = {},
) {
  const rng = createSeededRandom(seed, 12);
  const closes = randomWalk(seed, n, options);
  let prev = options.start ?? 30_000;
  return closes.map((close, i) => {
    const open = prev;
    prev = close;
    const wick = Math.abs(rng.normal()) * (options.step ?? 20) * 0.5;
    return candle(i, {
      open,
      high: Math.max(open, close) + wick,
      low: Math.min(open, close) - wick,
      close,
      volume: 5 + 10 * rng.next(),
    });
  });
}

type Level = readonly [number, number];

/** OrderBookSnapshot `msBeforeClose` before bar i's close (best first). */
export function book(
  i: number,
  bids: readonly Level[],
  asks: readonly Level[],
  msBeforeClose = 0,
  venue = "binance",
) {
  const at = new Date(t0 + (i + 1) * minute - msBeforeClose).toISOString();
  const side = (levels: readonly Level[]) =>
    levels.map(([p, q]) => [px(p), q.toFixed(4)] as [string, string]);
  return stored(
    "OrderBookSnapshot",
    {
      symbol: "BTC/USDT",
      venue,
      bids: side(bids),
      asks: side(asks),
      depth: Math.max(bids.length, asks.length, 1),
    },
    at,
  );
}

/** `n` levels from `best` stepping `tick` away from the price, every one of size `qty` unless overridden by index. */
export function levels(
  best: number,
  tick: number,
  n: number,
  qty: number,
  sizes: Record<number, number> = {},
): Level[] {
  return Array.from({ length: n }, (_, k) => [best + k * tick, sizes[k] ?? qty] as const);
}

/** NewsPublished `hoursBeforeClose` before bar i's close. */
export function news(
  i: number,
  id: string,
  title: string,
  hoursBeforeClose = 0,
  currencies: string[] = ["BTC"],
) {
  const at = new Date(t0 + (i + 1) * minute - hoursBeforeClose * 3_600_000).toISOString();
  return stored("NewsPublished", { newsId: id, source: "spec", title, publishedAt: at, currencies }, at);
}

/** FearGreedObserved at bar i's close. */
export function fearGreed(i: number, value: number, msBeforeClose = 0) {
  const at = new Date(t0 + (i + 1) * minute - msBeforeClose).toISOString();
  return stored("FearGreedObserved", { value, classification: "spec", source: "spec" }, at);
}

/** VenueQuote `msBeforeClose` before bar i's close. */
export function quote(
  i: number,
  venue: string,
  bid: number,
  ask: number,
  msBeforeClose = 0,
  takerFee?: string,
) {
  const at = new Date(t0 + (i + 1) * minute - msBeforeClose).toISOString();
  return stored(
    "VenueQuote",
    {
      venue,
      symbol: "BTC/USDT",
      bid: px(bid),
      ask: px(ask),
      quotedAt: at,
      ...(takerFee === undefined ? {} : { takerFee }),
    },
    at,
  );
}

/** The shared real week: BTC/USDT 1m from 2021-02-19, 10,080 bars (../shared/data, read-only). */
export function realWeekCandles(): Candle[] {
  const file = new URL("../../../shared/data/btcusdt-1m-2021-02-19.csv", import.meta.url);
  const lines = readFileSync(file, "utf8").trim().split("\n").slice(1);
  return lines.map((line) => {
    const [t, open, high, low, close, volume] = line.split(",") as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    return {
      openTime: Number(t),
      closeTime: Number(t) + 60_000,
      open,
      high,
      low,
      close,
      volume,
      sourceBars: 1,
    };
  });
}
