import { z } from "zod";
import { type NewsItem, newsToDraft } from "../../actors/index.ts";
import { createFeedPolicy, type FeedPolicyOptions } from "./feed-policy.ts";
import { type FetchLike, fetchJson } from "./fetch-json.ts";
import type { MarketSource } from "./market-source.ts";

/** The part of CryptoPanic's /api/v1/posts/ answer the feed uses (other fields are ignored). */
const postsAnswer = z.object({
  results: z.array(
    z.object({
      id: z.union([z.number(), z.string()]),
      title: z.string().min(1),
      published_at: z.string(),
      url: z.string().optional(),
      source: z.object({ title: z.string().optional(), domain: z.string().optional() }).optional(),
      currencies: z.array(z.object({ code: z.string() })).nullish(),
      votes: z.object({ positive: z.number().optional(), negative: z.number().optional() }).optional(),
    }),
  ),
});

export interface CryptoPanicOptions {
  /** API root (default https://cryptopanic.com). */
  readonly baseUrl?: string;
  readonly authToken: string;
  /** Currency codes to filter on (default BTC). */
  readonly currencies?: readonly string[];
  readonly policy?: FeedPolicyOptions;
  readonly fetch?: FetchLike;
}

/** Fetches the latest public posts (oldest first) as NewsItems; votes become a provider sentiment in [-1, 1]. */
export async function fetchCryptoPanicNews(options: CryptoPanicOptions): Promise<NewsItem[]> {
  return fetchWith(options, createFeedPolicy(options.policy));
}

async function fetchWith(options: CryptoPanicOptions, policy: ReturnType<typeof createFeedPolicy>) {
  const base = (options.baseUrl ?? "https://cryptopanic.com").replace(/\/$/, "");
  const query = new URLSearchParams({
    auth_token: options.authToken,
    currencies: (options.currencies ?? ["BTC"]).join(","),
    public: "true",
  });
  const answer = await fetchJson(`${base}/api/v1/posts/?${query}`, postsAnswer, policy, options.fetch);
  const items: NewsItem[] = [];
  for (const p of answer.results) {
    const publishedAt = Date.parse(p.published_at);
    if (!Number.isFinite(publishedAt)) continue;
    const pos = p.votes?.positive ?? 0;
    const neg = p.votes?.negative ?? 0;
    items.push({
      id: `cryptopanic-${p.id}`,
      source: p.source?.title ?? p.source?.domain ?? "CryptoPanic",
      title: p.title,
      publishedAt,
      currencies: (p.currencies ?? []).map((c) => c.code),
      ...(p.url === undefined ? {} : { url: p.url }),
      ...(pos + neg > 0 ? { providerSentiment: (pos - neg) / (pos + neg) } : {}),
    });
  }
  return items.sort((a, b) => a.publishedAt - b.publishedAt || a.id.localeCompare(b.id));
}

/** A polled CryptoPanic-style news source: each post once (remembered by id), oldest first. */
export function createCryptoPanicSource(options: CryptoPanicOptions): MarketSource {
  const policy = createFeedPolicy(options.policy);
  const seen = new Set<string>();
  return {
    name: "cryptopanic",
    async poll() {
      const fresh = (await fetchWith(options, policy)).filter((n) => !seen.has(n.id));
      for (const n of fresh) seen.add(n.id);
      // The API pages the latest posts: older ids can never come back, so the memory stays bounded.
      if (seen.size > 10_000) for (const id of [...seen].slice(0, seen.size - 5_000)) seen.delete(id);
      return fresh.map(newsToDraft);
    },
  };
}
