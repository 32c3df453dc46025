import { z } from "zod";
import { type FearGreedReading, fearGreedClassification, fearGreedToDraft } from "../../actors/index.ts";
import { createFeedPolicy, type FeedPolicyOptions } from "./feed-policy.ts";
import { type FetchLike, fetchJson } from "./fetch-json.ts";
import type { MarketSource } from "./market-source.ts";

/** alternative.me's /fng/ answer: values and timestamps (seconds) are strings. */
const fngAnswer = z.object({
  data: z.array(
    z.object({
      value: z.string().regex(/^\d{1,3}$/),
      value_classification: z.string().optional(),
      timestamp: z.string().regex(/^\d+$/),
    }),
  ),
});

export interface FearGreedOptions {
  /** API root (default https://api.alternative.me). */
  readonly baseUrl?: string;
  /** Readings to ask for (default 1: the latest). */
  readonly limit?: number;
  readonly policy?: FeedPolicyOptions;
  readonly fetch?: FetchLike;
}

/** Fetches Fear & Greed readings, oldest first. */
export async function fetchFearGreed(options: FearGreedOptions = {}): Promise<FearGreedReading[]> {
  return fetchWith(options, createFeedPolicy(options.policy));
}

async function fetchWith(options: FearGreedOptions, policy: ReturnType<typeof createFeedPolicy>) {
  const base = (options.baseUrl ?? "https://api.alternative.me").replace(/\/$/, "");
  const answer = await fetchJson(
    `${base}/fng/?limit=${options.limit ?? 1}`,
    fngAnswer,
    policy,
    options.fetch,
  );
  return answer.data
    .map((d) => {
      const value = Math.min(100, Number(d.value));
      return {
        at: Number(d.timestamp) * 1000,
        value,
        classification: d.value_classification ?? fearGreedClassification(value),
        source: "alternative.me",
      };
    })
    .sort((a, b) => a.at - b.at);
}

/** A polled Fear & Greed source: each reading once (newer than the last one emitted). */
export function createFearGreedSource(options: FearGreedOptions = {}): MarketSource {
  const policy = createFeedPolicy(options.policy);
  let last = Number.NEGATIVE_INFINITY;
  return {
    name: "fear-greed",
    async poll() {
      const fresh = (await fetchWith(options, policy)).filter((r) => r.at > last);
      const newest = fresh[fresh.length - 1];
      if (newest !== undefined) last = newest.at;
      return fresh.map(fearGreedToDraft);
    },
  };
}
