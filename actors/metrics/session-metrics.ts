import { createHash } from "node:crypto";
import { canonicalJson } from "../../events/index.ts";
import { type CanonicalMetrics, type CanonicalOptions, canonicalMetrics } from "./canonical-metrics.ts";
import { type FreqtradeMetrics, freqtradeMetrics } from "./freqtrade-metrics.ts";
import type { MetricsInput, MetricTrade } from "./metrics-input.ts";
import { type NautilusMetrics, nautilusMetrics } from "./nautilus-metrics.ts";

/** The three labelled metric blocks of a run. */
export interface SessionMetrics {
  readonly canonical: CanonicalMetrics;
  readonly freqtrade: FreqtradeMetrics;
  readonly nautilus: NautilusMetrics;
}

export interface MetricsOptions extends CanonicalOptions {
  /** NautilusTrader's annualisation period in days (its default 252). */
  readonly nautilusPeriod?: number;
}

export function computeMetrics(input: MetricsInput, options: MetricsOptions = {}): SessionMetrics {
  return {
    canonical: canonicalMetrics(input, options),
    freqtrade: freqtradeMetrics(input),
    nautilus: nautilusMetrics(input, options.nautilusPeriod ?? 252),
  };
}

/**
 * sha256 over the canonical JSON of the closed trades, ordered by close time then by content (trades closed at one
 * instant have no order of their own): equal trades, equal fingerprint.
 */
export function tradesFingerprint(trades: readonly MetricTrade[]): string {
  const keyed = trades.map((t) => ({ at: t.closedAt, text: canonicalJson(t) }));
  keyed.sort((a, b) =>
    a.at !== b.at ? (a.at < b.at ? -1 : 1) : a.text < b.text ? -1 : a.text > b.text ? 1 : 0,
  );
  return `sha256:${createHash("sha256")
    .update(`[${keyed.map((k) => k.text).join(",")}]`)
    .digest("hex")}`;
}
