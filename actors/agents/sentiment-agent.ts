import type { SessionSetup } from "../session/session-setup.ts";
import type { SentimentParams } from "../strategy/strategy-config.ts";
import { type AgentLogic, createAgentMachine, createAgentSpec } from "./agent-machine.ts";
import { scoreText } from "./crypto-lexicon.ts";
import { actOnScore, cannotJudge, fmt, signed } from "./signal-score.ts";

interface ScoredNews {
  readonly id: string;
  readonly title: string;
  readonly publishedMs: number;
  readonly sentiment: number;
}

interface SentimentState {
  /** News of the session's base currency (or untagged), oldest first, within maxNewsAgeHours of the last bar. */
  news: ScoredNews[];
  readonly seen: Set<string>;
  /** Fear & Greed readings by event time, newest last (a few kept). */
  fearGreed: { readonly atMs: number; readonly value: number }[];
}

const hourMs = 3_600_000;

export const sentimentLogic: AgentLogic<SentimentParams, SentimentState> = {
  name: "sentiment",
  version: "sentiment-v1",
  inputs: ["NewsPublished", "FearGreedObserved"],
  init: () => ({ news: [], seen: new Set(), fearGreed: [] }),
  observe(s, event, { symbol }) {
    if (event.type === "NewsPublished") {
      const d = event.data;
      const base = symbol.split("/")[0] ?? symbol;
      // Untagged news is about the market as a whole; tagged news counts only for the traded base currency.
      if (d.currencies.length > 0 && !d.currencies.some((c) => c.toUpperCase() === base)) return;
      if (s.seen.has(d.newsId)) return;
      s.seen.add(d.newsId);
      const text = d.body === undefined ? d.title : `${d.title}. ${d.body}`;
      s.news.push({
        id: d.newsId,
        title: d.title,
        publishedMs: Date.parse(d.publishedAt),
        sentiment: scoreText(text).normalised,
      });
    } else if (event.type === "FearGreedObserved") {
      s.fearGreed.push({ atMs: Date.parse(event.at), value: event.data.value });
      if (s.fearGreed.length > 8) s.fearGreed.shift();
    }
  },
  judge(s, bar, { params: p }) {
    const maxAgeMs = p.maxNewsAgeHours * hourMs;
    // Bounded memory: news older than the window can never count again (bars only move forward).
    const dropped = s.news.filter((n) => bar.closeMs - n.publishedMs > maxAgeMs);
    if (dropped.length > 0) {
      s.news = s.news.filter((n) => bar.closeMs - n.publishedMs <= maxAgeMs);
      for (const n of dropped) s.seen.delete(n.id);
    }
    // Only news published at or before the close counts, weighted by e^(−age_h / decayHours).
    let weighted = 0;
    let weights = 0;
    let counted = 0;
    let freshest: ScoredNews | null = null;
    for (const n of s.news) {
      if (n.publishedMs > bar.closeMs) continue;
      const w = Math.exp(-(bar.closeMs - n.publishedMs) / hourMs / p.decayHours);
      weighted += w * n.sentiment;
      weights += w;
      counted += 1;
      if (freshest === null || n.publishedMs >= freshest.publishedMs) freshest = n;
    }
    const news = counted > 0 && weights > 0 ? weighted / weights : null;
    let fg: number | null = null;
    for (const r of s.fearGreed) if (r.atMs <= bar.closeMs && bar.closeMs - r.atMs <= maxAgeMs) fg = r.value;
    const fgScore = fg === null ? null : (fg - 50) / 50;
    const features = { newsScore: news, newsCount: counted, fearGreed: fg, fearGreedScore: fgScore };
    if (news === null && fgScore === null) {
      return cannotJudge(`no news or Fear & Greed reading in the last ${p.maxNewsAgeHours} h`, features);
    }
    // A missing part counts as neutral (0), as the formula has it: overall = 0.6·news + 0.4·(FG − 50)/50.
    const overall = p.newsWeight * (news ?? 0) + p.fearGreedWeight * (fgScore ?? 0);
    const { action, confidence } = actOnScore(overall, p.actThreshold);
    const newsText =
      news === null
        ? "no news"
        : `news ${signed(news)} over ${counted} item${counted === 1 ? "" : "s"} (latest: "${freshest?.title ?? ""}")`;
    const fgText = fg === null ? "no Fear & Greed" : `Fear & Greed ${fg} → ${signed(fgScore ?? 0)}`;
    return {
      action,
      confidence,
      reasoning: `${action}: overall ${signed(overall)} = ${fmt(p.newsWeight)}·news + ${fmt(p.fearGreedWeight)}·F&G, threshold ±${fmt(p.actThreshold)} (${newsText}; ${fgText})`,
      features: { ready: true, ...features, overall },
    };
  },
  minActConfidence: (p) => p.actThreshold,
};

/** The sentiment agent's machine: lexicon-scored news with time decay, and Fear & Greed (DESIGN §5). */
export const sentimentAgent = createAgentMachine(sentimentLogic);

/** The sentiment agent's ActorSpec for a session. */
export function createSentimentAgentSpec(setup: SessionSetup) {
  return createAgentSpec(sentimentLogic, sentimentAgent, setup, setup.strategy.agents.sentiment);
}
