import { type AnyEventDraft, type Timeframe, timeframeMs, ValidationError } from "../../events/index.ts";
import {
  candleToDraft,
  fearGreedClassification,
  fearGreedToDraft,
  marketDataEndedDraft,
  newsToDraft,
  orderBookToDraft,
  quoteToDraft,
} from "./market-drafts.ts";
import type { Candle, OrderBook, Quote } from "./market-records.ts";
import { createCandleResampler } from "./resample-candles.ts";
import { createSeededRandom, type SeededRandom } from "./seeded-random.ts";
import { type HeadlineTone, syntheticHeadline } from "./synthetic-headlines.ts";

export const marketRegimes = ["trend-up", "trend-down", "range", "high-volatility"] as const;
export type MarketRegime = (typeof marketRegimes)[number];

/** A synthetic 1-minute bar with the regime that generated it (ground truth for tests). */
export interface SyntheticBar extends Candle {
  readonly regime: MarketRegime;
  readonly jump: boolean;
}

interface RegimeModel {
  /** Drift of the log price per minute. */
  readonly drift: number;
  /** Volatility of the log price per minute. */
  readonly vol: number;
  readonly jumpChance: number;
  readonly meanBars: number;
  readonly volumeFactor: number;
  /** Where the chain goes when it leaves this regime (weights in `marketRegimes` order). */
  readonly next: readonly [number, number, number, number];
}

const MINUTE = 60_000;

/** Per-minute parameters; a 1,000-bar trend moves the price by about 6 %, a high-volatility bar by 0.22 %. */
const regimeModels: Readonly<Record<MarketRegime, RegimeModel>> = {
  "trend-up": {
    drift: 6e-5,
    vol: 7e-4,
    jumpChance: 4e-4,
    meanBars: 900,
    volumeFactor: 1.2,
    next: [0, 0.25, 0.5, 0.25],
  },
  "trend-down": {
    drift: -6e-5,
    vol: 8e-4,
    jumpChance: 5e-4,
    meanBars: 900,
    volumeFactor: 1.3,
    next: [0.2, 0, 0.5, 0.3],
  },
  range: {
    drift: 0,
    vol: 5e-4,
    jumpChance: 2e-4,
    meanBars: 1200,
    volumeFactor: 0.8,
    next: [0.4, 0.4, 0, 0.2],
  },
  "high-volatility": {
    drift: 0,
    vol: 2.2e-3,
    jumpChance: 3e-3,
    meanBars: 300,
    volumeFactor: 2.2,
    next: [0.3, 0.3, 0.4, 0],
  },
};

/** A range pulls the log price back to where the range began; a very weak global pull keeps a long run realistic. */
const RANGE_PULL = 0.02;
const GLOBAL_PULL = 1e-5;

export interface SyntheticCandleOptions {
  readonly seed: number;
  /** Number of 1-minute bars. */
  readonly bars: number;
  /** First bar's open time (ISO or ms); default 2024-01-01T00:00:00.000Z. Floored to the minute. */
  readonly start?: string | number;
  /** Opening price in USDT; default 30,000. */
  readonly startPrice?: number;
  /** Regime the chain starts in; default range. */
  readonly startRegime?: MarketRegime;
}

const defaultStart = Date.UTC(2024, 0, 1);

function startTime(start: string | number | undefined, period: number): number {
  const t = start === undefined ? defaultStart : typeof start === "number" ? start : Date.parse(start);
  if (!Number.isFinite(t)) {
    throw new ValidationError(`synthetic market start is not a time: ${String(start)}`, [
      { path: "start", message: "expected an ISO instant or ms since the epoch" },
    ]);
  }
  return Math.floor(t / period) * period;
}

/** Integer hundredths (cents) → canonical decimal string ("30000", "30000.5", "30000.55"). */
function cents(c: number): string {
  const whole = Math.floor(c / 100);
  const frac = c - whole * 100;
  if (frac === 0) return String(whole);
  return frac % 10 === 0 ? `${whole}.${frac / 10}` : `${whole}.${frac < 10 ? "0" : ""}${frac}`;
}

/** A non-negative quantity to `dp` decimals (at least one unit), canonical (no trailing zeros). */
function qty(x: number, dp: number): string {
  const scale = 10 ** dp;
  const units = Math.max(1, Math.round(x * scale));
  const whole = Math.floor(units / scale);
  let frac = units - whole * scale;
  if (frac === 0) return String(whole);
  let digits = dp;
  while (frac % 10 === 0) {
    frac /= 10;
    digits -= 1;
  }
  // 10^digits + frac, minus its leading 1: the fraction zero-padded to `digits`.
  return `${whole}.${String(10 ** digits + frac).slice(1)}`;
}

/**
 * Seeded 1-minute bars: a geometric random walk whose drift and volatility follow a Markov chain of regimes (trend up,
 * trend down, range, high volatility), with jumps and volume that rises with the size of the move. Lazy: a million
 * bars never sit in memory.
 */
export function* syntheticCandles(options: SyntheticCandleOptions): Generator<SyntheticBar> {
  const rng = createSeededRandom(options.seed, 1);
  const p0 = options.startPrice ?? 30_000;
  const x0 = Math.log(p0);
  let x = x0;
  let anchor = x0;
  let regime: MarketRegime = options.startRegime ?? "range";
  let prevClose = Math.round(p0 * 100);
  let t = startTime(options.start, MINUTE);
  for (let i = 0; i < options.bars; i += 1) {
    const m = regimeModels[regime];
    if (rng.next() < 1 / m.meanBars) {
      regime = nextRegime(rng, m);
      anchor = x;
    }
    const model = regimeModels[regime];
    const pull = -GLOBAL_PULL * (x - x0) + (regime === "range" ? -RANGE_PULL * (x - anchor) : 0);
    const jump = rng.next() < model.jumpChance;
    const r = model.drift + pull + model.vol * rng.normal() + (jump ? 0.012 * rng.normal() : 0);
    x += r;
    const open = prevClose;
    const close = Math.max(1, Math.round(Math.exp(x) * 100));
    const wick = model.vol * 0.6;
    const high = Math.max(
      open,
      close,
      Math.round(Math.max(open, close) * Math.exp(Math.abs(rng.normal()) * wick)),
    );
    const low = Math.max(
      1,
      Math.min(open, close, Math.round(Math.min(open, close) * Math.exp(-Math.abs(rng.normal()) * wick))),
    );
    const move = Math.abs(close - open) / open;
    const volume =
      20 * Math.exp(0.35 * rng.normal()) * (1 + move / 0.001) * model.volumeFactor * (jump ? 4 : 1);
    yield {
      openTime: t,
      closeTime: t + MINUTE,
      open: cents(open),
      high: cents(high),
      low: cents(low),
      close: cents(close),
      volume: qty(volume, 6),
      sourceBars: 1,
      regime,
      jump,
    };
    prevClose = close;
    t += MINUTE;
  }
}

function nextRegime(rng: SeededRandom, m: RegimeModel): MarketRegime {
  let u = rng.next();
  for (let k = 0; k < marketRegimes.length; k += 1) {
    u -= m.next[k] as number;
    if (u < 0) return marketRegimes[k] as MarketRegime;
  }
  return "range";
}

export interface SyntheticMarketOptions {
  readonly seed: number;
  /** Number of strategy-timeframe bars (CandleClosed events); the 1-minute source has bars × minutes per bar. */
  readonly bars: number;
  readonly symbol?: string;
  /** Strategy timeframe; default 1m. */
  readonly timeframe?: Timeframe;
  /** First bar's open time; floored to the timeframe. Default 2024-01-01T00:00:00.000Z. */
  readonly start?: string | number;
  readonly startPrice?: number;
  /** L2 books: every N minutes (default one per strategy bar), `levels` per side (default 20); false for none. */
  readonly books?: { readonly every?: number; readonly levels?: number; readonly venue?: string } | false;
  /** Quotes on binance, kraken and coinbase every N minutes (default one per strategy bar); false for none. */
  readonly quotes?: { readonly every?: number } | false;
  /** News items: on average `perDay` (default 24); false for none. */
  readonly news?: { readonly perDay?: number } | false;
  /** Fear & Greed readings every day (default) or hour; false for none. */
  readonly fearGreed?: { readonly every?: "1d" | "1h" } | false;
}

const venues = [
  { venue: "binance", takerFee: "0.001", offset: 0 },
  { venue: "kraken", takerFee: "0.0026", offset: 1 },
  { venue: "coinbase", takerFee: "0.006", offset: 2 },
] as const;

const toneOdds: Readonly<Record<MarketRegime, readonly [number, number]>> = {
  // [P(positive), P(negative)]; the rest is neutral.
  "trend-up": [0.75, 0.1],
  "trend-down": [0.1, 0.75],
  range: [0.3, 0.3],
  "high-volatility": [0.2, 0.6],
};

const fearGreedBias: Readonly<Record<MarketRegime, number>> = {
  "trend-up": 15,
  "trend-down": -15,
  range: 0,
  "high-volatility": -10,
};

interface Timed {
  readonly time: number;
  /** Tie order at equal times: books, quotes, news, fear & greed (as in marketFeed). */
  readonly rank: number;
  readonly draft: AnyEventDraft;
}

/**
 * A seeded synthetic market as feed drafts, in the feed order of the session flow: books, quotes, news and Fear &
 * Greed readings with time ≤ a bar's close come before its CandleClosed (resampled to `timeframe`), MarketDataEnded
 * last. The same options give the same drafts. Candles do not depend on the other options (each part draws from its
 * own random stream), so a run without books has the same prices as one with them.
 */
export function* syntheticMarket(options: SyntheticMarketOptions): Generator<AnyEventDraft> {
  const symbol = options.symbol ?? "BTC/USDT";
  const timeframe = options.timeframe ?? "1m";
  const period = timeframeMs[timeframe];
  const perBar = period / MINUTE;
  const start = startTime(options.start, period);
  const market = { symbol, timeframe };
  const resampler = createCandleResampler(timeframe);
  const bookRng = createSeededRandom(options.seed, 2);
  const quoteRng = createSeededRandom(options.seed, 3);
  const newsRng = createSeededRandom(options.seed, 4);
  const fgRng = createSeededRandom(options.seed, 5);
  const books = options.books === false ? undefined : (options.books ?? {});
  const bookEvery = books?.every ?? perBar;
  const levels = books?.levels ?? 20;
  const quotes = options.quotes === false ? undefined : (options.quotes ?? {});
  const quoteEvery = quotes?.every ?? perBar;
  const news = options.news === false ? undefined : (options.news ?? {});
  const newsChance = (news?.perDay ?? 24) / 1440;
  const fg = options.fearGreed === false ? undefined : (options.fearGreed ?? {});
  const fgPeriod = fg?.every === "1h" ? 3_600_000 : 86_400_000;
  let momentum = 0;
  let newsCount = 0;
  let emitted = 0;
  let lastClose: number | undefined;
  const side: Timed[] = [];

  const source = syntheticCandles({
    seed: options.seed,
    bars: options.bars * perBar,
    start,
    ...(options.startPrice === undefined ? {} : { startPrice: options.startPrice }),
  });
  let prevClose = options.startPrice ?? 30_000;
  for (const bar of source) {
    const t = bar.closeTime;
    const price = Number(bar.close);
    const minute = t / MINUTE;
    // Momentum with a one-day half-life drives Fear & Greed.
    momentum = momentum * 0.99952 + Math.log(price / prevClose);
    prevClose = price;
    if (news !== undefined && newsRng.next() < newsChance) {
      newsCount += 1;
      const [pPos, pNeg] = toneOdds[bar.regime];
      const u = newsRng.next();
      const tone: HeadlineTone = u < pPos ? "positive" : u < pPos + pNeg ? "negative" : "neutral";
      const item = {
        id: `syn-${options.seed}-${newsCount}`,
        source: "Synthetic Wire",
        title: syntheticHeadline(newsRng, tone, price),
        publishedAt: bar.openTime + newsRng.int(0, MINUTE - 1),
        currencies: ["BTC"],
      };
      side.push({ time: item.publishedAt, rank: 2, draft: newsToDraft(item) });
    }
    if (books !== undefined && minute % bookEvery === 0) {
      for (const book of syntheticBooks(bookRng, symbol, books.venue ?? "binance", bar, levels)) {
        side.push({ time: book.at, rank: 0, draft: orderBookToDraft(book) });
      }
    }
    if (quotes !== undefined && minute % quoteEvery === 0) {
      for (const q of syntheticQuotes(quoteRng, symbol, t, Math.round(price * 100))) {
        side.push({ time: t, rank: 1, draft: quoteToDraft(q) });
      }
    }
    if (fg !== undefined && t % fgPeriod === 0) {
      const raw = 50 + 500 * momentum + fearGreedBias[bar.regime] + 5 * fgRng.normal();
      const value = Math.min(100, Math.max(0, Math.round(raw)));
      const reading = { at: t, value, classification: fearGreedClassification(value), source: "synthetic" };
      side.push({ time: t, rank: 3, draft: fearGreedToDraft(reading) });
    }
    if (side.length > 1) side.sort((a, b) => a.time - b.time || a.rank - b.rank);
    for (const s of side) yield s.draft;
    side.length = 0;
    for (const c of resampler.push(bar)) {
      emitted += 1;
      lastClose = c.closeTime;
      yield candleToDraft(c, market);
    }
  }
  yield marketDataEndedDraft(emitted, lastClose, lastClose ?? start);
}

/**
 * The book at a bar's close around its close price: lognormal level sizes leaning with the trend, an occasional wall
 * (25×) or large order (7×), and now and then a spoof: a huge order shown 3 s before the close that is gone at it.
 */
function syntheticBooks(
  rng: SeededRandom,
  symbol: string,
  venue: string,
  bar: SyntheticBar,
  levels: number,
): OrderBook[] {
  const mid = Math.round(Number(bar.close) * 100);
  const hv = bar.regime === "high-volatility";
  const halfSpread = rng.int(1, hv ? 20 : 4);
  const bids = bookSide(rng, mid - halfSpread, -1, bar.regime === "trend-up" ? 1.6 : 1, levels);
  const asks = bookSide(rng, mid + halfSpread, 1, bar.regime === "trend-down" ? 1.6 : 1, levels);
  for (const side of [bids, asks]) {
    if (side.length > 4 && rng.chance(0.08)) (side[rng.int(3, side.length - 1)] as [number, number])[1] *= 25;
    if (side.length > 1 && rng.chance(0.15)) (side[rng.int(1, side.length - 1)] as [number, number])[1] *= 7;
  }
  const book: OrderBook = {
    symbol,
    venue,
    at: bar.closeTime,
    bids: formatLevels(bids),
    asks: formatLevels(asks),
  };
  if (!rng.chance(0.05)) return [book];
  // A spoof leans against the move: a fake bid wall in a fall, a fake ask wall in a rise.
  const spoofBids = bar.regime === "trend-down" || (bar.regime !== "trend-up" && rng.chance(0.5));
  const target = spoofBids ? bids : asks;
  const level = target[Math.min(target.length - 1, rng.int(1, 4))];
  if (level === undefined) return [book];
  const shown = formatLevels(target.map(([p, q]) => [p, p === level[0] ? q + 30 : q] as [number, number]));
  const spoofed: OrderBook = {
    ...book,
    at: bar.closeTime - 3000,
    bids: spoofBids ? shown : book.bids,
    asks: spoofBids ? book.asks : shown,
  };
  return [spoofed, book];
}

/** One side in integer cents from the best price outward: lognormal sizes, 1–10 USDT between levels. */
function bookSide(
  rng: SeededRandom,
  best: number,
  dir: 1 | -1,
  lean: number,
  levels: number,
): [number, number][] {
  const out: [number, number][] = [];
  let p = best;
  for (let i = 0; i < levels && p > 0; i += 1) {
    out.push([p, Math.exp(0.8 * rng.normal() - 0.5) * lean]);
    p += dir * rng.int(100, 1000);
  }
  return out;
}

function formatLevels(levels: readonly (readonly [number, number])[]): (readonly [string, string])[] {
  const out: (readonly [string, string])[] = new Array(levels.length);
  for (let i = 0; i < levels.length; i += 1) {
    const [p, q] = levels[i] as readonly [number, number];
    out[i] = [cents(p), qty(q, 4)];
  }
  return out;
}

/** Quotes on three venues around the price; about 1 in 250 is a dislocation of 1–2 % on kraken or coinbase. */
function syntheticQuotes(rng: SeededRandom, symbol: string, at: number, price: number): Quote[] {
  const dislocated = rng.chance(0.004) ? rng.int(1, 2) : 0;
  const shift = dislocated === 0 ? 0 : (rng.chance(0.5) ? 1 : -1) * (0.01 + 0.01 * rng.next());
  return venues.map((v) => {
    const noise = v.offset === 0 ? 0 : 0.0002 * rng.normal();
    const mid = price * (1 + noise + (v.offset === dislocated ? shift : 0));
    const half = Math.max(1, Math.round(price * 0.00005 * (1 + rng.next())));
    const bid = Math.round(mid) - half;
    return {
      venue: v.venue,
      symbol,
      bid: cents(bid),
      ask: cents(bid + 2 * half),
      bidSize: qty(Math.exp(rng.normal()), 4),
      askSize: qty(Math.exp(rng.normal()), 4),
      quotedAt: at,
      takerFee: v.takerFee,
    };
  });
}
