import { createHash } from "node:crypto";
import Sentiment from "sentiment";
import { mean, standardDeviation } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { type AnyEventDraft, canonicalJson, eventCatalog } from "../../events/index.ts";
import { createSeededRandom } from "./seeded-random.ts";
import { headlineTemplates } from "./synthetic-headlines.ts";
import { marketRegimes, syntheticCandles, syntheticMarket } from "./synthetic-market.ts";

const digest = (drafts: Iterable<AnyEventDraft>): string => {
  const h = createHash("sha256");
  for (const d of drafts) h.update(canonicalJson(d)).update("\n");
  return h.digest("hex");
};

describe("createSeededRandom", () => {
  it("is deterministic per seed and stream, and uniform enough", () => {
    const a = createSeededRandom(42);
    const b = createSeededRandom(42);
    const xs = Array.from({ length: 10_000 }, () => a.next());
    expect(Array.from({ length: 10_000 }, () => b.next())).toEqual(xs);
    expect(createSeededRandom(43).next()).not.toBe(xs[0]);
    expect(createSeededRandom(42, 1).next()).not.toBe(xs[0]);
    expect(Math.abs(mean(xs) - 0.5)).toBeLessThan(0.01);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const n = createSeededRandom(1);
    const zs = Array.from({ length: 20_000 }, () => n.normal());
    expect(Math.abs(mean(zs))).toBeLessThan(0.03);
    expect(Math.abs(standardDeviation(zs) - 1)).toBeLessThan(0.03);
  });
});

describe("syntheticCandles", () => {
  it("passes through every regime with the expected character", () => {
    const bars = [...syntheticCandles({ seed: 7, bars: 100_000 })];
    const byRegime = Object.fromEntries(marketRegimes.map((r) => [r, [] as number[]]));
    let malformed = 0;
    for (const b of bars) {
      const [o, h, l, c] = [Number(b.open), Number(b.high), Number(b.low), Number(b.close)];
      byRegime[b.regime]?.push(Math.log(c / o));
      if (h < Math.max(o, c) || l > Math.min(o, c) || !(Number(b.volume) > 0)) malformed += 1;
    }
    expect(malformed).toBe(0);
    for (const r of marketRegimes) expect(byRegime[r]?.length ?? 0).toBeGreaterThan(2_000);
    const up = byRegime["trend-up"] as number[];
    const down = byRegime["trend-down"] as number[];
    const range = byRegime.range as number[];
    const hv = byRegime["high-volatility"] as number[];
    expect(mean(up)).toBeGreaterThan(2e-5);
    expect(mean(down)).toBeLessThan(-2e-5);
    expect(standardDeviation(hv)).toBeGreaterThan(2 * standardDeviation(range));
    expect(bars.some((b) => b.jump)).toBe(true);
    // A realistic price: starts at 30,000 and stays within a plausible band.
    expect(bars[0]?.open).toBe("30000");
    const closes = bars.map((b) => Number(b.close));
    expect(Math.min(...closes)).toBeGreaterThan(10_000);
    expect(Math.max(...closes)).toBeLessThan(90_000);
  });
});

describe("syntheticMarket", () => {
  it("gives the same events for the same seed, and others for another seed", () => {
    const opts = { seed: 11, bars: 3_000 };
    expect(digest(syntheticMarket(opts))).toBe(digest(syntheticMarket(opts)));
    expect(digest(syntheticMarket({ ...opts, seed: 12 }))).not.toBe(digest(syntheticMarket(opts)));
  });

  it("keeps prices independent of the other parts", () => {
    const closes = (books: boolean) =>
      [...syntheticMarket({ seed: 3, bars: 500, ...(books ? {} : { books: false, news: false }) })]
        .filter((d) => d.type === "CandleClosed")
        .map((d) => d.data);
    expect(closes(false)).toEqual(closes(true));
  });

  it("emits valid drafts in feed order with every kind of input", () => {
    const drafts = [...syntheticMarket({ seed: 5, bars: (4 * 24 * 60) / 15, timeframe: "15m" })];
    const counts: Record<string, number> = {};
    let lastAt = "";
    let lastBarClose = "";
    for (const d of drafts) {
      counts[d.type] = (counts[d.type] ?? 0) + 1;
      expect(() => eventCatalog[d.type].schema.parse(d.data)).not.toThrow();
      expect(d.at >= lastAt).toBe(true);
      // Nothing timed at or before a bar's close may follow that bar.
      if (d.type !== "CandleClosed" && d.type !== "MarketDataEnded") expect(d.at > lastBarClose).toBe(true);
      if (d.type === "CandleClosed") {
        expect(d.data.timeframe).toBe("15m");
        expect(d.data.sourceBars).toBe(15);
        expect(d.at).toBe(d.data.closeTime);
        lastBarClose = d.at;
      }
      lastAt = d.at;
    }
    expect(counts.CandleClosed).toBe(384);
    expect(counts.OrderBookSnapshot).toBeGreaterThanOrEqual(384);
    expect(counts.VenueQuote).toBe(384 * 3);
    expect(counts.FearGreedObserved).toBe(4);
    expect(counts.NewsPublished).toBeGreaterThan(50);
    expect(drafts.at(-1)).toEqual({
      type: "MarketDataEnded",
      at: "2024-01-05T00:00:00.000Z",
      data: { bars: 384, lastBarClose: "2024-01-05T00:00:00.000Z" },
    });
  });

  it("builds books best-first with walls, large orders and spoofs that vanish", () => {
    const books = [...syntheticMarket({ seed: 9, bars: 3_000, quotes: false, news: false, fearGreed: false })]
      .filter((d) => d.type === "OrderBookSnapshot")
      .map((d) => ({ at: Date.parse(d.at), ...d.data }));
    let walls = 0;
    let spoofs = 0;
    for (const [k, b] of books.entries()) {
      const bids = b.bids.map(([p]) => Number(p));
      const asks = b.asks.map(([p]) => Number(p));
      expect(b.bids).toHaveLength(20);
      expect(bids).toEqual([...bids].sort((x, y) => y - x));
      expect(asks).toEqual([...asks].sort((x, y) => x - y));
      expect(bids[0]).toBeLessThan(asks[0] as number);
      const sizes = [...b.bids, ...b.asks].map(([, q]) => Number(q));
      if (Math.max(...sizes) > 10 * mean(sizes)) walls += 1;
      const next = books[k + 1];
      if (next !== undefined && next.at - b.at === 3000) {
        const gone = [...b.bids, ...b.asks].some(([p, q]) => {
          const later = [...next.bids, ...next.asks].find(([p2]) => p2 === p);
          return later !== undefined && Number(q) - Number(later[1]) >= 30 - 1e-9;
        });
        expect(gone).toBe(true);
        spoofs += 1;
      }
    }
    expect(walls).toBeGreaterThan(50);
    expect(spoofs).toBeGreaterThan(50);
  });

  it("quotes three venues with occasional spreads beyond fees", () => {
    const quotes = [...syntheticMarket({ seed: 2, bars: 5_000, books: false, news: false, fearGreed: false })]
      .filter((d) => d.type === "VenueQuote")
      .map((d) => d.data);
    expect(new Set(quotes.map((q) => q.venue))).toEqual(new Set(["binance", "kraken", "coinbase"]));
    let opportunities = 0;
    for (let i = 0; i < quotes.length; i += 3) {
      const group = quotes.slice(i, i + 3);
      for (const buy of group) {
        for (const sell of group) {
          const edge = Number(sell.bid) / Number(buy.ask) - 1 - Number(buy.takerFee) - Number(sell.takerFee);
          if (buy !== sell && edge > 0.001) opportunities += 1;
        }
      }
      for (const q of group) expect(Number(q.ask)).toBeGreaterThan(Number(q.bid));
    }
    expect(opportunities).toBeGreaterThan(5);
    expect(opportunities).toBeLessThan(100);
  });

  it("writes news whose lexicon score follows the regime's tone", () => {
    const s = new Sentiment();
    for (const [tone, templates] of Object.entries(headlineTemplates)) {
      for (const t of templates) {
        const score = s.analyze(
          t({ price: "30,000", amount: "100", company: "Acme", exchange: "ExampleX" }),
        ).score;
        if (tone === "positive") expect(score).toBeGreaterThan(0);
        if (tone === "negative") expect(score).toBeLessThan(0);
        if (tone === "neutral") expect(score).toBe(0);
      }
    }
    const drafts = [
      ...syntheticMarket({ seed: 4, bars: 60_000, books: false, quotes: false, fearGreed: false }),
    ];
    // Average headline score over the hour before each bar vs the return of the hour: they should agree in sign.
    let agree = 0;
    let total = 0;
    let score = 0;
    let open: number | undefined;
    for (const d of drafts) {
      if (d.type === "NewsPublished") score += s.analyze(d.data.title).score;
      if (d.type === "CandleClosed") {
        const t = Date.parse(d.at);
        open ??= Number(d.data.open);
        if (t % 3_600_000 === 0) {
          const ret = Number(d.data.close) - open;
          if (score !== 0 && Math.abs(ret) > 0.004 * open) {
            total += 1;
            if (Math.sign(score) === Math.sign(ret)) agree += 1;
          }
          score = 0;
          open = undefined;
        }
      }
    }
    expect(total).toBeGreaterThan(50);
    expect(agree / total).toBeGreaterThan(0.6);
  });

  it("reads Fear & Greed daily by default, hourly on request, within 0..100", () => {
    const read = (every?: "1h") =>
      [
        ...syntheticMarket({
          seed: 8,
          bars: 2 * 1440,
          books: false,
          quotes: false,
          news: false,
          ...(every ? { fearGreed: { every } } : {}),
        }),
      ]
        .filter((d) => d.type === "FearGreedObserved")
        .map((d) => d.data.value);
    expect(read()).toHaveLength(2);
    const hourly = read("1h");
    expect(hourly).toHaveLength(48);
    for (const v of hourly) expect(v >= 0 && v <= 100).toBe(true);
    expect(new Set(hourly).size).toBeGreaterThan(5);
  });
});
