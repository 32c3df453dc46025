import { setTimeout as sleep } from "node:timers/promises";
import { marketDataEndedDraft } from "../../actors/index.ts";
import type { AnyEventDraft } from "../../events/index.ts";
import type { MarketSource } from "./market-source.ts";

export interface LiveMarketFeedOptions {
  readonly sources: readonly MarketSource[];
  /** Pause between polls (default 5 s). */
  readonly intervalMs?: number;
  /** Stops the feed; it then ends with MarketDataEnded. */
  readonly signal?: AbortSignal;
  /** Stop after this many polls (tests, bounded runs). */
  readonly maxPolls?: number;
  /** The wall clock (default Date.now): live feeds are the edge where time is read. */
  readonly clock?: () => number;
  /** A source failed this poll (after its retries); the others' drafts still flow. */
  readonly onError?: (source: string, error: unknown) => void;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Polls every source each interval and yields their drafts in feed order: by event time, inputs before the
 * CandleClosed of the same instant. Event time never goes backwards: an item that arrives after later events
 * (news published before the last bar but fetched after it) is stamped with the last emitted time; its data keeps
 * the original time (publishedAt, quotedAt). Ends with MarketDataEnded when stopped.
 */
export async function* liveMarketFeed(options: LiveMarketFeedOptions): AsyncGenerator<AnyEventDraft> {
  const clock = options.clock ?? Date.now;
  const interval = options.intervalMs ?? 5_000;
  let lastAt = Number.NEGATIVE_INFINITY;
  let bars = 0;
  let lastClose: number | undefined;
  for (let polls = 0; options.maxPolls === undefined || polls < options.maxPolls; polls += 1) {
    if (options.signal?.aborted === true) break;
    if (polls > 0) {
      try {
        await sleep(interval, undefined, options.signal === undefined ? {} : { signal: options.signal });
      } catch {
        break; // aborted while waiting
      }
    }
    const now = clock();
    const settled = await Promise.allSettled(options.sources.map((s) => s.poll(now)));
    const drafts: { t: number; rank: number; draft: AnyEventDraft }[] = [];
    settled.forEach((r, i) => {
      if (r.status === "rejected") options.onError?.((options.sources[i] as MarketSource).name, r.reason);
      else
        for (const d of r.value)
          drafts.push({ t: Date.parse(d.at), rank: d.type === "CandleClosed" ? 1 : 0, draft: d });
    });
    drafts.sort((a, b) => a.t - b.t || a.rank - b.rank);
    for (const { t, draft } of drafts) {
      if (draft.type === "CandleClosed") {
        bars += 1;
        lastClose = t;
      }
      if (t < lastAt) {
        yield { ...draft, at: iso(lastAt) } as AnyEventDraft;
      } else {
        lastAt = t;
        yield draft;
      }
    }
  }
  yield marketDataEndedDraft(bars, lastClose, Number.isFinite(lastAt) ? lastAt : clock());
}
