import { describe, expect, it } from "vitest";
import { type AnyEventDraft, eventCatalog } from "../../events/index.ts";
import { marketFeed } from "./market-feed.ts";
import type { Candle, OrderBook } from "./market-records.ts";

const T0 = Date.UTC(2024, 0, 1);
const M = 60_000;
const bar = (i: number, close = "100"): Candle => ({
  openTime: T0 + i * M,
  closeTime: T0 + (i + 1) * M,
  open: "100",
  high: "101",
  low: "99",
  close,
  volume: "1",
  sourceBars: 1,
});
const book = (at: number): OrderBook => ({
  symbol: "BTC/USDT",
  venue: "binance",
  at,
  bids: [["99.9", "1"]],
  asks: [["100.1", "2"]],
});

const summary = (drafts: Iterable<AnyEventDraft>) =>
  [...drafts].map((d) => `${d.type}@${d.at.slice(11, 19)}`);

describe("marketFeed", () => {
  it("puts inputs with time ≤ a bar's close before that bar, and ends with MarketDataEnded", () => {
    const drafts = summary(
      marketFeed({
        symbol: "BTC/USDT",
        timeframe: "5m",
        candles: Array.from({ length: 10 }, (_, i) => bar(i)),
        books: [book(T0 + 5 * M), book(T0 + 5 * M + 1)],
        news: [
          { id: "n1", source: "wire", title: "Bitcoin up", publishedAt: T0 + 2 * M, currencies: ["BTC"] },
        ],
        fearGreed: [{ at: T0 + 5 * M, value: 40, classification: "Fear", source: "test" }],
        quotes: [
          { venue: "kraken", symbol: "BTC/USDT", bid: "99", ask: "101", quotedAt: T0 + 5 * M },
          { venue: "kraken", symbol: "BTC/USDT", bid: "99", ask: "101", quotedAt: T0 + 10 * M },
        ],
      }),
    );
    expect(drafts).toEqual([
      "NewsPublished@00:02:00",
      "OrderBookSnapshot@00:05:00",
      "VenueQuote@00:05:00",
      "FearGreedObserved@00:05:00",
      "CandleClosed@00:05:00",
      "OrderBookSnapshot@00:05:00",
      "VenueQuote@00:10:00",
      "CandleClosed@00:10:00",
      "MarketDataEnded@00:10:00",
    ]);
  });

  it("emits drafts that satisfy the event catalog", () => {
    const drafts = [
      ...marketFeed({
        symbol: "BTC/USDT",
        timeframe: "1m",
        candles: [bar(0), bar(1)],
        books: [book(T0)],
      }),
    ];
    for (const d of drafts) expect(() => eventCatalog[d.type].schema.parse(d.data)).not.toThrow();
    expect(drafts.at(-1)).toEqual({
      type: "MarketDataEnded",
      at: "2024-01-01T00:02:00.000Z",
      data: { bars: 2, lastBarClose: "2024-01-01T00:02:00.000Z" },
    });
    expect(drafts.find((d) => d.type === "CandleClosed")).toMatchObject({
      at: "2024-01-01T00:01:00.000Z",
      data: { openTime: "2024-01-01T00:00:00.000Z", closeTime: "2024-01-01T00:01:00.000Z", sourceBars: 1 },
    });
  });

  it("drops an incomplete trailing bar unless flushAtEnd", () => {
    const candles = Array.from({ length: 7 }, (_, i) => bar(i));
    const plain = summary(marketFeed({ symbol: "BTC/USDT", timeframe: "5m", candles }));
    expect(plain).toEqual(["CandleClosed@00:05:00", "MarketDataEnded@00:05:00"]);
    const flushed = [...marketFeed({ symbol: "BTC/USDT", timeframe: "5m", candles, flushAtEnd: true })];
    expect(flushed.at(-1)?.data).toEqual({ bars: 2, lastBarClose: "2024-01-01T00:10:00.000Z" });
  });

  it("refuses an input stream out of time order", () => {
    const run = () => [
      ...marketFeed({
        symbol: "BTC/USDT",
        timeframe: "1m",
        candles: [bar(0)],
        books: [book(T0 + M), book(T0)],
      }),
    ];
    expect(run).toThrow(/"books" is out of time order/);
  });

  it("ends an empty feed with MarketDataEnded of zero bars", () => {
    expect([...marketFeed({ symbol: "BTC/USDT", timeframe: "1m", candles: [] })]).toEqual([
      { type: "MarketDataEnded", at: "1970-01-01T00:00:00.000Z", data: { bars: 0 } },
    ]);
  });
});
