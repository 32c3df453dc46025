import { binance, binanceus, type Exchange } from "ccxt";
import { afterEach, describe, expect, it } from "vitest";
import { type AnyEventDraft, eventCatalog } from "../../events/index.ts";
import { ccxtMarketFeed, createCcxtMarketSource, rebaseExchangeUrls } from "./ccxt-market-source.ts";
import {
  type RecordedRoute,
  type RecordedServer,
  startRecordedServer,
} from "./fixtures/recorded-http-server.ts";

const T0 = Date.UTC(2021, 1, 19); // the first recorded bar opens here
const M = 60_000;

const venueRoutes = (prefix: string, name: string): Record<string, RecordedRoute> => ({
  [`${prefix}/api/v3/exchangeInfo`]: "binance-exchange-info.json",
  [`${prefix}/api/v3/klines`]: "binance-klines-btcusdt-1m.json",
  [`${prefix}/api/v3/depth`]: `${name}-depth-btcusdt.json`,
  [`${prefix}/api/v3/ticker/bookTicker`]: `${name}-book-ticker-btcusdt.json`,
});

let server: RecordedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Two ccxt venues speaking Binance's REST format, both pointed at the local recorder. */
async function venues(extra: Record<string, RecordedRoute> = {}) {
  server = await startRecordedServer({
    ...venueRoutes("", "binance"),
    ...venueRoutes("/us", "binanceus"),
    ...extra,
  });
  const make = (ex: Exchange, base: string) => {
    rebaseExchangeUrls(ex, base);
    return ex;
  };
  const opts = { timeout: 2_000, options: { fetchMarkets: { types: ["spot"] }, fetchCurrencies: false } };
  return [
    { venue: "binance", exchange: make(new binance(opts), server.baseUrl) },
    { venue: "binanceus", exchange: make(new binanceus(opts), `${server.baseUrl}/us`), takerFee: "0.006" },
  ];
}

const fast = { initialDelayMs: 5, maxDelayMs: 20, timeoutMs: 1_000 };

describe("createCcxtMarketSource against recorded Binance answers", () => {
  it("emits closed bars only, books and quotes of every venue, exact decimals", async () => {
    const source = createCcxtMarketSource({
      symbol: "BTC/USDT",
      timeframe: "1m",
      venues: await venues(),
      bookDepth: 5,
      backfillBars: 10,
      policy: fast,
    });
    // 00:04:30: the recorded 00:04 bar is still forming (it closes at 00:05).
    const drafts = await source.poll(T0 + 4 * M + 30_000);
    for (const d of drafts) expect(() => eventCatalog[d.type].schema.parse(d.data)).not.toThrow();
    const bars = drafts.filter((d) => d.type === "CandleClosed");
    expect(bars.map((b) => b.at)).toEqual([1, 2, 3, 4].map((i) => new Date(T0 + i * M).toISOString()));
    expect(bars[0]?.data).toEqual({
      symbol: "BTC/USDT",
      timeframe: "1m",
      openTime: "2021-02-19T00:00:00.000Z",
      closeTime: "2021-02-19T00:01:00.000Z",
      open: "51552.61",
      high: "51657.05",
      low: "51545",
      close: "51613.38",
      volume: "134.989218",
      sourceBars: 1,
    });
    const books = drafts.filter((d) => d.type === "OrderBookSnapshot");
    expect(books.map((b) => b.data.venue).sort()).toEqual(["binance", "binanceus"]);
    const main = books.find((b) => b.data.venue === "binance")?.data;
    expect(main?.bids).toHaveLength(5);
    expect(main?.bids[0]).toEqual(["51634.81", "0.05"]);
    expect(main?.asks[0]).toEqual(["51634.82", "0.04"]);
    const quotes = drafts.filter((d) => d.type === "VenueQuote").map((d) => d.data);
    expect(quotes).toContainEqual(
      expect.objectContaining({
        venue: "binance",
        bid: "51634.81",
        ask: "51634.82",
        bidSize: "1.20345",
        takerFee: "0.001",
      }),
    );
    expect(quotes).toContainEqual(
      expect.objectContaining({ venue: "binanceus", bid: "51101", ask: "51103.5", takerFee: "0.006" }),
    );
    expect(
      server?.requests.some((r) => r.startsWith("/api/v3/klines?") && r.includes("symbol=BTCUSDT")),
    ).toBe(true);
  });

  it("emits each bar once, and the forming bar once it has closed", async () => {
    const source = createCcxtMarketSource({
      symbol: "BTC/USDT",
      timeframe: "1m",
      venues: (await venues()).slice(0, 1),
      bookDepth: 0,
      quotes: false,
      backfillBars: 2,
      policy: fast,
    });
    const first = await source.poll(T0 + 4 * M + 30_000);
    expect(first.map((d) => d.at)).toEqual([T0 + 3 * M, T0 + 4 * M].map((t) => new Date(t).toISOString()));
    expect(await source.poll(T0 + 4 * M + 59_000)).toEqual([]);
    const later = await source.poll(T0 + 5 * M);
    expect(later.map((d) => (d.type === "CandleClosed" ? d.data.openTime : d.type))).toEqual([
      "2021-02-19T00:04:00.000Z",
    ]);
  });

  it("retries a failing venue call, and reports one that stays down without losing the others", async () => {
    let depthCalls = 0;
    const errors: string[] = [];
    const source = createCcxtMarketSource({
      symbol: "BTC/USDT",
      timeframe: "1m",
      venues: await venues({
        "/api/v3/depth": () => {
          depthCalls += 1;
          return depthCalls === 1
            ? { status: 503, body: { code: -1001, msg: "Internal error" } }
            : { body: { lastUpdateId: 1, bids: [["1", "2"]], asks: [["3", "4"]] } };
        },
        // binanceus' book never answers: the per-attempt timeout gives up.
        "/us/api/v3/depth": () => undefined,
      }),
      policy: { ...fast, timeoutMs: 1_500, attempts: 2 },
      onError: (venue, e) => errors.push(`${venue}: ${(e as Error).message}`),
    });
    const drafts = await source.poll(T0 + 10 * M);
    expect(depthCalls).toBe(2);
    expect(drafts.filter((d) => d.type === "OrderBookSnapshot").map((d) => d.data.venue)).toEqual([
      "binance",
    ]);
    expect(drafts.filter((d) => d.type === "VenueQuote")).toHaveLength(2);
    expect(errors).toEqual(["binanceus: Operation timed out after 1500ms"]);
  });
});

describe("ccxtMarketFeed", () => {
  it("polls until stopped and ends with MarketDataEnded, in feed order", async () => {
    let now = T0 + 4 * M + 30_000;
    const drafts: AnyEventDraft[] = [];
    for await (const d of ccxtMarketFeed({
      symbol: "BTC/USDT",
      timeframe: "1m",
      venues: (await venues()).slice(0, 1),
      bookDepth: 3,
      backfillBars: 1,
      policy: fast,
      intervalMs: 1,
      maxPolls: 2,
      clock: () => {
        const t = now;
        now += 60_000;
        return t;
      },
    })) {
      drafts.push(d);
    }
    expect(drafts.map((d) => `${d.type}@${d.at.slice(11, 19)}`)).toEqual([
      "CandleClosed@00:04:00",
      "OrderBookSnapshot@00:04:30",
      "VenueQuote@00:04:30",
      "CandleClosed@00:05:00",
      "OrderBookSnapshot@00:05:30",
      "VenueQuote@00:05:30",
      "MarketDataEnded@00:05:30",
    ]);
    expect(drafts.at(-1)?.data).toEqual({ bars: 2, lastBarClose: "2021-02-19T00:05:00.000Z" });
  });
});
