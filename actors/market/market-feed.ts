import { type AnyEventDraft, type Timeframe, ValidationError } from "../../events/index.ts";
import {
  candleToDraft,
  fearGreedToDraft,
  marketDataEndedDraft,
  newsToDraft,
  orderBookToDraft,
  quoteToDraft,
} from "./market-drafts.ts";
import type { Candle, FearGreedReading, NewsItem, OrderBook, Quote } from "./market-records.ts";
import { resampleCandles } from "./resample-candles.ts";

export interface MarketFeedInput {
  readonly symbol: string;
  /** The strategy timeframe: source candles are resampled to it. */
  readonly timeframe: Timeframe;
  /** Source bars in open-time order (any timeframe up to `timeframe`). */
  readonly candles: Iterable<Candle>;
  readonly books?: Iterable<OrderBook>;
  readonly quotes?: Iterable<Quote>;
  readonly news?: Iterable<NewsItem>;
  readonly fearGreed?: Iterable<FearGreedReading>;
  /** Emit an incomplete trailing bar at the end (only when the data is known to end there). */
  readonly flushAtEnd?: boolean;
}

interface Head {
  readonly time: number;
  readonly draft: AnyEventDraft;
}

interface Lane {
  readonly name: string;
  /** 0 for inputs, 1 for bars: at equal times inputs go first, so a bar never precedes what it could see. */
  readonly rank: number;
  readonly it: Iterator<Head>;
  head: Head | undefined;
  lastTime: number;
}

function* timed<T>(items: Iterable<T> | undefined, time: (x: T) => number, draft: (x: T) => AnyEventDraft) {
  if (items === undefined) return;
  for (const x of items) yield { time: time(x), draft: draft(x) };
}

/**
 * Merges market inputs into one chronological stream of drafts in the feed order of the session flow: candles
 * resampled to the strategy timeframe (CandleClosed at close time), and every book, quote, news item or Fear & Greed
 * reading whose time is ≤ a bar's close before that bar; ties among inputs keep the order books, quotes, news,
 * fear & greed. Ends with MarketDataEnded. Each input must be in time order (a ValidationError otherwise).
 */
export function* marketFeed(input: MarketFeedInput): Generator<AnyEventDraft> {
  const market = { symbol: input.symbol, timeframe: input.timeframe };
  const bars = resampleCandles(input.candles, input.timeframe, { flushAtEnd: input.flushAtEnd ?? false });
  const lanes: Lane[] = [
    lane(
      "books",
      0,
      timed(input.books, (b) => b.at, orderBookToDraft),
    ),
    lane(
      "quotes",
      0,
      timed(input.quotes, (q) => q.quotedAt, quoteToDraft),
    ),
    lane(
      "news",
      0,
      timed(input.news, (n) => n.publishedAt, newsToDraft),
    ),
    lane(
      "fearGreed",
      0,
      timed(input.fearGreed, (f) => f.at, fearGreedToDraft),
    ),
    lane(
      "candles",
      1,
      timed(
        bars,
        (c) => c.closeTime,
        (c) => candleToDraft(c, market),
      ),
    ),
  ];
  let count = 0;
  let lastClose: number | undefined;
  let lastTime = Number.NEGATIVE_INFINITY;
  for (;;) {
    let best: Lane | undefined;
    for (const l of lanes) {
      if (l.head === undefined) continue;
      if (best?.head === undefined || l.head.time < best.head.time) best = l;
      else if (l.head.time === best.head.time && l.rank < best.rank) best = l;
    }
    if (best?.head === undefined) break;
    const { time, draft } = best.head;
    advance(best);
    if (draft.type === "CandleClosed") {
      count += 1;
      lastClose = time;
    }
    lastTime = time;
    yield draft;
  }
  yield marketDataEndedDraft(count, lastClose, Number.isFinite(lastTime) ? lastTime : 0);
}

function lane(name: string, rank: number, it: Iterator<Head>): Lane {
  const l: Lane = { name, rank, it, head: undefined, lastTime: Number.NEGATIVE_INFINITY };
  advance(l);
  return l;
}

function advance(l: Lane): void {
  const next = l.it.next();
  if (next.done === true) {
    l.head = undefined;
    return;
  }
  if (next.value.time < l.lastTime) {
    throw new ValidationError(`market feed input "${l.name}" is out of time order`, [
      { path: l.name, message: `${new Date(next.value.time).toISOString()} after a later item` },
    ]);
  }
  l.lastTime = next.value.time;
  l.head = next.value;
}
