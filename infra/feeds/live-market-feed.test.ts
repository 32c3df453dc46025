import { describe, expect, it } from "vitest";
import { candleToDraft, newsToDraft } from "../../actors/index.ts";
import type { AnyEventDraft } from "../../events/index.ts";
import { liveMarketFeed } from "./live-market-feed.ts";
import type { MarketSource } from "./market-source.ts";

const T0 = Date.UTC(2024, 0, 1);
const M = 60_000;
const bar = (i: number) =>
  candleToDraft(
    {
      openTime: T0 + i * M,
      closeTime: T0 + (i + 1) * M,
      open: "1",
      high: "1",
      low: "1",
      close: "1",
      volume: "1",
      sourceBars: 1,
    },
    { symbol: "BTC/USDT", timeframe: "1m" },
  );
const news = (id: string, at: number) =>
  newsToDraft({ id, source: "wire", title: "Bitcoin news", publishedAt: at, currencies: ["BTC"] });

/** A source that answers one scripted batch per poll. */
const scripted = (name: string, batches: (AnyEventDraft[] | Error)[]): MarketSource => {
  let k = 0;
  return {
    name,
    async poll() {
      const b = batches[k++] ?? [];
      if (b instanceof Error) throw b;
      return b;
    },
  };
};

async function collect(feed: AsyncIterable<AnyEventDraft>) {
  const out: AnyEventDraft[] = [];
  for await (const d of feed) out.push(d);
  return out;
}

describe("liveMarketFeed", () => {
  it("orders each poll (inputs before the bar of the same instant), keeps event time monotonic, ends with MarketDataEnded", async () => {
    const errors: string[] = [];
    const drafts = await collect(
      liveMarketFeed({
        sources: [
          scripted("candles", [[bar(0)], [bar(1)]]),
          scripted("news", [[news("a", T0 + M)], new Error("down"), [news("late", T0 + 30_000)]]),
        ],
        intervalMs: 1,
        maxPolls: 3,
        clock: () => T0 + 2 * M,
        onError: (s, e) => errors.push(`${s}: ${(e as Error).message}`),
      }),
    );
    expect(drafts.map((d) => `${d.type}@${d.at.slice(11, 19)}`)).toEqual([
      "NewsPublished@00:01:00",
      "CandleClosed@00:01:00",
      "CandleClosed@00:02:00",
      // Published before the last bar but fetched after it: stamped now-monotonic, its data keeps the real time.
      "NewsPublished@00:02:00",
      "MarketDataEnded@00:02:00",
    ]);
    const late = drafts[3];
    expect(late?.type === "NewsPublished" && late.data.publishedAt).toBe("2024-01-01T00:00:30.000Z");
    expect(drafts.at(-1)?.data).toEqual({ bars: 2, lastBarClose: "2024-01-01T00:02:00.000Z" });
    expect(errors).toEqual(["news: down"]);
  });

  it("stops on abort, even while waiting, and still ends with MarketDataEnded", async () => {
    const ctl = new AbortController();
    const feed = liveMarketFeed({
      sources: [scripted("candles", [[bar(0)], [bar(1)]])],
      intervalMs: 60_000,
      signal: ctl.signal,
      clock: () => T0 + 5 * M,
    });
    const first = await feed.next();
    expect(first.value?.type).toBe("CandleClosed");
    setTimeout(() => ctl.abort(), 20);
    const rest = [];
    for await (const d of { [Symbol.asyncIterator]: () => feed }) rest.push(d);
    expect(rest.map((d) => d.type)).toEqual(["MarketDataEnded"]);
  });
});
