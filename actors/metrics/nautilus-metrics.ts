import { dec, decimalText, ZERO } from "../execution/exact-decimal.ts";
import { dayMs, finite, mean, stdDev, utcDay } from "./metric-maths.ts";
import type { MetricsInput, MetricTrade } from "./metrics-input.ts";

/**
 * NautilusTrader's portfolio statistics (nautilus_trader/analysis/statistics): returns are each position's realized
 * return at its close, summed per close time; Sharpe, Sortino and volatility downsample them into daily bins (every
 * calendar day from the first close to the last, empty days 0) and annualise with √252; win rate, expectancy and the
 * averages come from realized P&Ls (a P&L of exactly 0 counts as a loser there). Their NaN is null here.
 */
export interface NautilusMetrics {
  readonly period: number;
  readonly pnlTotal: string;
  readonly pnlPct: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly returnsVolatility: number | null;
  readonly profitFactor: number | null;
  readonly riskReturnRatio: number | null;
  readonly winRate: number;
  readonly expectancy: number;
  readonly avgWinner: number;
  readonly avgLoser: number;
  readonly maxWinner: number;
  readonly maxLoser: number;
}

/** A position's realized return: the price move from entry to exit in its favour, fees aside (Nautilus Position). */
export function realizedReturn(t: MetricTrade): number {
  const entry = dec(t.entryPrice);
  if (entry.isZero()) return 0;
  const move = dec(t.exitPrice).minus(entry).div(entry);
  return (t.side === "long" ? move : move.neg()).toNumber();
}

/** Realized returns summed per close time, in time order. */
export function returnsByCloseTime(trades: readonly MetricTrade[]): { at: number; r: number }[] {
  const byTime = new Map<number, number>();
  for (const t of trades) {
    const at = Date.parse(t.closedAt);
    byTime.set(at, (byTime.get(at) ?? 0) + realizedReturn(t));
  }
  return [...byTime].sort((a, b) => a[0] - b[0]).map(([at, r]) => ({ at, r }));
}

/** pandas `resample("1D").sum()`: one bin per UTC day from the first to the last, empty days 0. */
export function dailyBins(returns: readonly { at: number; r: number }[]): number[] {
  if (returns.length === 0) return [];
  const first = utcDay((returns[0] as { at: number }).at);
  const last = utcDay((returns.at(-1) as { at: number }).at);
  const bins = new Array<number>((last - first) / dayMs + 1).fill(0);
  for (const { at, r } of returns) {
    const i = (utcDay(at) - first) / dayMs;
    bins[i] = (bins[i] as number) + r;
  }
  return bins;
}

export function nautilusMetrics(input: MetricsInput, period = 252): NautilusMetrics {
  const raw = returnsByCloseTime(input.trades);
  const rawR = raw.map((x) => x.r);
  const daily = dailyBins(raw);
  const m = mean(daily);
  const sd = stdDev(daily, 1);
  const downside =
    daily.length === 0
      ? null
      : Math.sqrt(daily.filter((x) => x < 0).reduce((s, x) => s + x * x, 0) / daily.length);
  const pos = rawR.filter((x) => x >= 0).reduce((s, x) => s + x, 0);
  const neg = rawR.filter((x) => x < 0).reduce((s, x) => s + x, 0);
  const rawMean = mean(rawR);
  const rawSd = stdDev(rawR, 1);

  const pnls = input.trades.map((t) => Number(t.pnl));
  const winners = pnls.filter((p) => p > 0);
  const losers = pnls.filter((p) => p <= 0);
  const winRate = pnls.length === 0 ? 0 : winners.length / Math.max(1, pnls.length);
  const avgWinner = mean(winners) ?? 0;
  const avgLoser = mean(losers) ?? 0;
  let total = ZERO;
  for (const t of input.trades) total = total.plus(dec(t.pnl));
  const start = Number(input.initialCash);
  return {
    period,
    pnlTotal: decimalText(total),
    pnlPct: start === 0 ? null : finite((total.toNumber() / start) * 100),
    sharpe: m === null || sd === null || sd === 0 ? null : finite((m / sd) * Math.sqrt(period)),
    sortino:
      m === null || downside === null || downside === 0 ? null : finite((m / downside) * Math.sqrt(period)),
    returnsVolatility: sd === null ? null : finite(sd * Math.sqrt(period)),
    profitFactor: raw.length === 0 || neg === 0 ? null : finite(Math.abs(pos / neg)),
    riskReturnRatio: rawMean === null || rawSd === null || rawSd === 0 ? null : finite(rawMean / rawSd),
    winRate,
    expectancy: pnls.length === 0 ? 0 : avgWinner * winRate + avgLoser * (1 - winRate),
    avgWinner,
    avgLoser,
    maxWinner: winners.length === 0 ? 0 : Math.max(...winners),
    maxLoser: losers.length === 0 ? 0 : Math.min(...losers),
  };
}
