import type { Exchange } from "ccxt";
import type { IPolicy } from "cockatiel";
import { candleToDraft, orderBookToDraft, quoteToDraft, toDecimalString } from "../../actors/index.ts";
import { type AnyEventDraft, type Timeframe, timeframeMs } from "../../events/index.ts";
import { createFeedPolicy, type FeedPolicyOptions } from "./feed-policy.ts";
import { type LiveMarketFeedOptions, liveMarketFeed } from "./live-market-feed.ts";
import type { MarketSource } from "./market-source.ts";

export interface CcxtVenue {
  /** Venue name in events (binance, kraken…). */
  readonly venue: string;
  readonly exchange: Exchange;
  /** Taker fee as a decimal fraction; default the market's `taker` from ccxt. */
  readonly takerFee?: string;
}

export interface CcxtMarketSourceOptions {
  /** Unified symbol (BTC/USDT). */
  readonly symbol: string;
  /** Candle timeframe (the strategy's; fetched at that timeframe, one source bar each). */
  readonly timeframe: Timeframe;
  /** The first venue gives candles; every venue gives books and quotes. */
  readonly venues: readonly CcxtVenue[];
  /** Levels per book side (default 20); 0 for no books. */
  readonly bookDepth?: number;
  /** Quotes from each venue (default true). */
  readonly quotes?: boolean;
  /** Closed bars emitted on the first poll (history for warm-up; default 1). */
  readonly backfillBars?: number;
  readonly policy?: FeedPolicyOptions;
  /** A venue call failed after retries (the poll goes on without it). */
  readonly onError?: (venue: string, error: unknown) => void;
}

type Num = number | string | undefined | null;

const dec = (x: Num): string | undefined =>
  x === undefined || x === null || x === ""
    ? undefined
    : toDecimalString(typeof x === "number" ? x : String(x));

/**
 * Live candles, books and quotes through ccxt on several venues. A bar is emitted only once closed: its close time
 * (open + timeframe) is at or before `now`; the exchange's still-forming last bar is left for a later poll.
 */
export function createCcxtMarketSource(options: CcxtMarketSourceOptions): MarketSource {
  const period = timeframeMs[options.timeframe];
  const policy: IPolicy = createFeedPolicy(options.policy);
  const depth = options.bookDepth ?? 20;
  const market = { symbol: options.symbol, timeframe: options.timeframe };
  const loaded = new Set<string>();
  let lastOpen: number | undefined;

  const call = <T>(fn: () => Promise<T>): Promise<T> => policy.execute(fn);
  const load = async (v: CcxtVenue): Promise<void> => {
    if (loaded.has(v.venue)) return;
    await call(() => v.exchange.loadMarkets());
    loaded.add(v.venue);
  };

  const candles = async (v: CcxtVenue, now: number): Promise<AnyEventDraft[]> => {
    const since = lastOpen === undefined ? undefined : lastOpen + period;
    const limit = lastOpen === undefined ? (options.backfillBars ?? 1) + 1 : 1000;
    const rows = await call(() => v.exchange.fetchOHLCV(options.symbol, options.timeframe, since, limit));
    const closed = rows
      .filter(
        (r) =>
          typeof r[0] === "number" && r[0] + period <= now && (lastOpen === undefined || r[0] > lastOpen),
      )
      .sort((a, b) => (a[0] as number) - (b[0] as number));
    const keep = lastOpen === undefined ? closed.slice(-(options.backfillBars ?? 1)) : closed;
    const out: AnyEventDraft[] = [];
    for (const [t, o, h, l, c, vol] of keep) {
      const openTime = t as number;
      out.push(
        candleToDraft(
          {
            openTime,
            closeTime: openTime + period,
            open: dec(o) ?? "0",
            high: dec(h) ?? "0",
            low: dec(l) ?? "0",
            close: dec(c) ?? "0",
            volume: dec(vol) ?? "0",
            sourceBars: 1,
          },
          market,
        ),
      );
      lastOpen = openTime;
    }
    return out;
  };

  const book = async (v: CcxtVenue, now: number): Promise<AnyEventDraft> => {
    const ob = await call(() => v.exchange.fetchOrderBook(options.symbol, depth));
    const levels = (side: readonly (readonly Num[])[]) =>
      side.slice(0, depth).map(([p, q]) => [dec(p) ?? "0", dec(q) ?? "0"] as const);
    return orderBookToDraft({
      symbol: options.symbol,
      venue: v.venue,
      at: ob.timestamp ?? now,
      bids: levels(ob.bids),
      asks: levels(ob.asks),
    });
  };

  const quote = async (v: CcxtVenue, now: number): Promise<AnyEventDraft | undefined> => {
    const ticker = await call(async () =>
      v.exchange.has["fetchBidsAsks"] === true
        ? (await v.exchange.fetchBidsAsks([options.symbol]))[options.symbol]
        : v.exchange.fetchTicker(options.symbol),
    );
    const bid = dec(ticker?.bid);
    const ask = dec(ticker?.ask);
    if (ticker === undefined || bid === undefined || ask === undefined) return undefined;
    const fee = v.takerFee ?? dec(v.exchange.markets?.[options.symbol]?.taker);
    const bidSize = dec(ticker.bidVolume);
    const askSize = dec(ticker.askVolume);
    return quoteToDraft({
      venue: v.venue,
      symbol: options.symbol,
      bid,
      ask,
      quotedAt: ticker.timestamp ?? now,
      ...(bidSize === undefined ? {} : { bidSize }),
      ...(askSize === undefined ? {} : { askSize }),
      ...(fee === undefined ? {} : { takerFee: fee }),
    });
  };

  return {
    name: `ccxt:${options.venues.map((v) => v.venue).join(",")}`,
    async poll(now) {
      const tasks: { venue: string; run: Promise<AnyEventDraft | AnyEventDraft[] | undefined> }[] = [];
      // Markets first (once per venue): a venue that cannot load them sits this poll out.
      const ready = await Promise.allSettled(options.venues.map(load));
      ready.forEach((r, i) => {
        if (r.status === "rejected") options.onError?.((options.venues[i] as CcxtVenue).venue, r.reason);
      });
      const up = options.venues.filter((v) => loaded.has(v.venue));
      const [first] = options.venues;
      if (first !== undefined && loaded.has(first.venue))
        tasks.push({ venue: first.venue, run: candles(first, now) });
      for (const v of up) {
        if (depth > 0) tasks.push({ venue: v.venue, run: book(v, now) });
        if (options.quotes !== false) tasks.push({ venue: v.venue, run: quote(v, now) });
      }
      const settled = await Promise.allSettled(tasks.map((t) => t.run));
      const out: AnyEventDraft[] = [];
      settled.forEach((r, i) => {
        if (r.status === "rejected") options.onError?.((tasks[i] as (typeof tasks)[number]).venue, r.reason);
        else if (Array.isArray(r.value)) out.push(...r.value);
        else if (r.value !== undefined) out.push(r.value);
      });
      return out;
    },
  };
}

/** A live feed of ccxt venues alone (see createCcxtMarketSource and liveMarketFeed). */
export function ccxtMarketFeed(
  options: CcxtMarketSourceOptions & Omit<LiveMarketFeedOptions, "sources">,
): AsyncGenerator<AnyEventDraft> {
  return liveMarketFeed({ ...options, sources: [createCcxtMarketSource(options)] });
}

/**
 * Points every REST base URL of a ccxt exchange at `baseUrl` (a local recorder in tests, a testnet or a proxy),
 * keeping each URL's path.
 */
export function rebaseExchangeUrls(exchange: Exchange, baseUrl: string): void {
  const api = exchange.urls["api"] as Record<string, unknown> | string;
  const base = baseUrl.replace(/\/$/, "");
  const rebase = (u: string) => u.replace(/^https?:\/\/[^/]+/, base);
  if (typeof api === "string") {
    (exchange.urls as Record<string, unknown>)["api"] = rebase(api);
    return;
  }
  for (const [k, u] of Object.entries(api)) if (typeof u === "string") api[k] = rebase(u);
}
