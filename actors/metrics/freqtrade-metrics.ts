import { dec, decimalText, ZERO } from "../execution/exact-decimal.ts";
import { dayMs, finite, stdDev } from "./metric-maths.ts";
import type { MetricsInput, MetricTrade } from "./metrics-input.ts";

/**
 * freqtrade's published formulas (freqtrade/data/metrics.py and its backtest report): trade P&L over the starting
 * balance, spread over the whole days of the backtest, annualised with √365; population standard deviations; its
 * sentinels kept (−100 when a deviation or drawdown is zero, 0 without trades) so the figures compare with its output.
 */
export interface FreqtradeMetrics {
  readonly trades: number;
  readonly profitTotalAbs: string;
  readonly profitTotal: number | null;
  readonly days: number;
  readonly cagr: number | null;
  readonly sharpe: number;
  readonly sortino: number;
  readonly calmar: number;
  readonly profitFactor: number;
  readonly expectancy: number;
  readonly expectancyRatio: number;
  readonly winrate: number;
  readonly wins: number;
  readonly draws: number;
  readonly losses: number;
  readonly maxDrawdownAbs: number;
  /** Relative account drawdown at the largest absolute drawdown (freqtrade's max_drawdown_account). */
  readonly maxDrawdownAccount: number;
  /** Largest relative account drawdown (freqtrade's max_relative_drawdown). */
  readonly maxRelativeDrawdown: number;
}

interface Drawdown {
  readonly abs: number;
  readonly account: number;
}

/**
 * freqtrade's drawdown over the cumulative trade P&L (sorted by close): the running high starts at the first trade,
 * not at zero, and a series whose worst point is its first raises "no losing trade" there, which its callers read as 0.
 */
export function freqtradeDrawdown(
  trades: readonly MetricTrade[],
  startingBalance: number,
  relative: boolean,
): Drawdown | null {
  if (trades.length === 0) return null;
  let cum = 0;
  let high = Number.NEGATIVE_INFINITY;
  const dd: number[] = [];
  const rel: number[] = [];
  for (const t of sortByClose(trades)) {
    cum += Number(t.pnl);
    high = Math.max(high, cum);
    dd.push(cum - high);
    rel.push(
      startingBalance !== 0
        ? (startingBalance + high - (startingBalance + cum)) / (startingBalance + high)
        : (high - cum) / high,
    );
  }
  // pandas idxmin / idxmax: the first position of the extreme.
  let idx = 0;
  for (let i = 1; i < dd.length; i++) {
    if (relative ? (rel[i] as number) > (rel[idx] as number) : (dd[i] as number) < (dd[idx] as number))
      idx = i;
  }
  if (idx === 0) return null;
  return { abs: Math.abs(dd[idx] as number), account: rel[idx] as number };
}

function sortByClose(trades: readonly MetricTrade[]): MetricTrade[] {
  return [...trades].sort((a, b) => (a.closedAt < b.closedAt ? -1 : a.closedAt > b.closedAt ? 1 : 0));
}

export function freqtradeMetrics(input: MetricsInput): FreqtradeMetrics {
  const start = Number(input.initialCash);
  const trades = input.trades;
  const n = trades.length;
  const pnls = trades.map((t) => Number(t.pnl));
  let total = ZERO;
  for (const t of trades) total = total.plus(dec(t.pnl));
  const spanMs = Date.parse(input.end) - Date.parse(input.start);
  // Python's timedelta.days: whole days, floored.
  const days = Math.floor(spanMs / dayMs);
  const degenerate = n === 0 || spanMs === 0;
  const daysPeriod = Math.max(1, days);
  const ratios = pnls.map((p) => p / start);
  const sumRatio = ratios.reduce((s, x) => s + x, 0);
  const expectedMean = sumRatio / daysPeriod;

  let sharpe = 0;
  let sortino = 0;
  let calmar = 0;
  if (!degenerate) {
    const up = stdDev(ratios, 0) as number;
    sharpe = up !== 0 ? (expectedMean / up) * Math.sqrt(365) : -100;
    const down = stdDev(
      ratios.filter((_, i) => (pnls[i] as number) < 0),
      0,
    );
    sortino = down !== null && down !== 0 ? (expectedMean / down) * Math.sqrt(365) : -100;
    const mdd = freqtradeDrawdown(trades, start, false)?.account ?? 0;
    calmar = mdd !== 0 ? (((total.toNumber() / start / daysPeriod) * 100) / mdd) * Math.sqrt(365) : -100;
  }

  const winners = pnls.filter((p) => p > 0);
  const losers = pnls.filter((p) => p < 0);
  const profitSum = winners.reduce((s, x) => s + x, 0);
  const lossSum = Math.abs(losers.reduce((s, x) => s + x, 0));
  let expectancy = 0;
  let expectancyRatio = 100;
  if (n > 0) {
    const avgWin = winners.length > 0 ? profitSum / winners.length : 0;
    const avgLoss = losers.length > 0 ? lossSum / losers.length : 0;
    const winrate = winners.length / n;
    const loserate = losers.length / n;
    expectancy = winrate * avgWin - loserate * avgLoss;
    if (avgLoss > 0) expectancyRatio = (1 + avgWin / avgLoss) * winrate - 1;
  }
  const finalBalance = start + total.toNumber();
  const dd = freqtradeDrawdown(trades, start, false);
  const ddRel = freqtradeDrawdown(trades, start, true);
  return {
    trades: n,
    profitTotalAbs: decimalText(total),
    profitTotal: start === 0 ? null : finite(total.toNumber() / start),
    days,
    cagr: days <= 0 || start === 0 ? null : finite((finalBalance / start) ** (1 / (days / 365)) - 1),
    sharpe,
    sortino,
    calmar,
    profitFactor: lossSum !== 0 ? profitSum / lossSum : 0,
    expectancy,
    expectancyRatio,
    winrate: n === 0 ? 0 : winners.length / n,
    wins: winners.length,
    draws: n - winners.length - losers.length,
    losses: losers.length,
    maxDrawdownAbs: dd?.abs ?? 0,
    maxDrawdownAccount: dd?.account ?? 0,
    maxRelativeDrawdown: ddRel?.account ?? 0,
  };
}
