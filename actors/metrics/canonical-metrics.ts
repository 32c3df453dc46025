import { dec, decimalText, ZERO } from "../execution/exact-decimal.ts";
import { dayMs, finite, maxDrawdownFraction, mean, median, ratio, stdDev, utcDay } from "./metric-maths.ts";
import type { MetricsInput } from "./metrics-input.ts";

export interface CanonicalOptions {
  /** Annual risk-free rate as a fraction (0.03 = 3 %); default 0. Charged per day as rate ÷ 365. */
  readonly riskFreeRate?: number;
}

/** One point of the daily marked equity curve. */
export interface EquityMark {
  readonly at: string;
  readonly equity: number;
}

/** The canonical block: this system's own definitions, stated in docs/replay.md and in the report. */
export interface CanonicalMetrics {
  readonly riskFreeRate: number;
  readonly startEquity: string;
  readonly endEquity: string;
  readonly netProfit: string;
  readonly totalReturn: number | null;
  /** Span of the run in days (fractional). */
  readonly days: number;
  readonly dailyReturns: number;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  /** Annualised standard deviation of daily returns. */
  readonly volatility: number | null;
  /** Null for runs shorter than 30 days: annualising a few days says nothing. */
  readonly cagr: number | null;
  readonly calmar: number | null;
  /** From the equity marked at every bar. */
  readonly maxDrawdownMarked: number;
  /** From initial cash plus the closed trades' P&L, trade by trade. */
  readonly maxDrawdownRealised: number;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly winRate: number | null;
  readonly grossProfit: string;
  readonly grossLoss: string;
  readonly profitFactor: number | null;
  /** Mean net P&L per trade. */
  readonly expectancy: number | null;
  readonly averageWin: number | null;
  readonly averageLoss: number | null;
  readonly averageHoldingHours: number | null;
  readonly medianHoldingHours: number | null;
  /** Share of the marks with a position open. */
  readonly exposure: number | null;
  readonly fees: string;
  /** Σ price × quantity over every fill. */
  readonly turnover: string;
  /** turnover ÷ initial cash. */
  readonly turnoverRatio: number | null;
}

/**
 * Equity marked to market at each 00:00 UTC: the first point is the initial cash at the start, each midnight after it
 * takes the last valuation at or before it, and a last point marks the end when it is not a midnight.
 */
export function dailyEquity(input: MetricsInput): EquityMark[] {
  const start = Date.parse(input.start);
  const end = Date.parse(input.end);
  const marks: EquityMark[] = [{ at: input.start, equity: Number(input.initialCash) }];
  const vals = [...input.valuations].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  let i = 0;
  let last = Number(input.initialCash);
  let lastMidnight = start;
  for (let d = utcDay(start) + dayMs; d <= end; d += dayMs) {
    while (i < vals.length && Date.parse((vals[i] as { at: string }).at) <= d) {
      last = Number((vals[i] as { equity: string }).equity);
      i++;
    }
    marks.push({ at: new Date(d).toISOString(), equity: last });
    lastMidnight = d;
  }
  if (end > lastMidnight) {
    while (i < vals.length) {
      last = Number((vals[i] as { equity: string }).equity);
      i++;
    }
    marks.push({ at: input.end, equity: last });
  }
  return marks;
}

/** Returns between consecutive marks. */
export function returnsOf(marks: readonly EquityMark[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < marks.length; i++) {
    const prev = (marks[i - 1] as EquityMark).equity;
    out.push(prev === 0 ? 0 : (marks[i] as EquityMark).equity / prev - 1);
  }
  return out;
}

export function canonicalMetrics(input: MetricsInput, options: CanonicalOptions = {}): CanonicalMetrics {
  const rf = options.riskFreeRate ?? 0;
  const initial = dec(input.initialCash);
  const sortedVals = [...input.valuations].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const endEquity = sortedVals.length === 0 ? initial : dec((sortedVals.at(-1) as { equity: string }).equity);
  const marks = dailyEquity(input);
  const r = returnsOf(marks);
  const excess = r.map((x) => x - rf / 365);
  const sd = stdDev(excess, 1);
  const m = mean(excess);
  const downside =
    r.length === 0 ? null : Math.sqrt(excess.reduce((s, x) => s + Math.min(0, x) ** 2, 0) / r.length);
  const days = (Date.parse(input.end) - Date.parse(input.start)) / dayMs;
  const growth = initial.isZero() ? null : endEquity.div(initial).toNumber();
  const cagr = days < 30 || growth === null || growth <= 0 ? null : finite(growth ** (365 / days) - 1);
  const ddMarked = maxDrawdownFraction([initial.toNumber(), ...sortedVals.map((v) => Number(v.equity))]);

  const trades = [...input.trades].sort((a, b) =>
    a.closedAt < b.closedAt ? -1 : a.closedAt > b.closedAt ? 1 : 0,
  );
  let realised = initial;
  const realisedCurve = [initial.toNumber()];
  let grossProfit = ZERO;
  let grossLoss = ZERO;
  let net = ZERO;
  const winsPnl: number[] = [];
  const lossesPnl: number[] = [];
  const holding: number[] = [];
  for (const t of trades) {
    const p = dec(t.pnl);
    realised = realised.plus(p);
    realisedCurve.push(realised.toNumber());
    net = net.plus(p);
    if (p.gt(0)) {
      grossProfit = grossProfit.plus(p);
      winsPnl.push(p.toNumber());
    } else {
      grossLoss = grossLoss.plus(p);
      lossesPnl.push(p.toNumber());
    }
    holding.push((Date.parse(t.closedAt) - Date.parse(t.openedAt)) / 3_600_000);
  }
  let fees = ZERO;
  let turnover = ZERO;
  for (const f of input.fills) {
    fees = fees.plus(dec(f.fee));
    turnover = turnover.plus(dec(f.price).times(dec(f.quantity)).abs());
  }
  const n = trades.length;
  return {
    riskFreeRate: rf,
    startEquity: decimalText(initial),
    endEquity: decimalText(endEquity),
    netProfit: decimalText(endEquity.minus(initial)),
    totalReturn: growth === null ? null : finite(growth - 1),
    days,
    dailyReturns: r.length,
    sharpe: sd === null || sd === 0 || m === null ? null : finite((m / sd) * Math.sqrt(365)),
    sortino:
      downside === null || downside === 0 || m === null ? null : finite((m / downside) * Math.sqrt(365)),
    volatility: sd === null ? null : finite(sd * Math.sqrt(365)),
    cagr,
    calmar: cagr === null || ddMarked === 0 ? null : finite(cagr / ddMarked),
    maxDrawdownMarked: ddMarked,
    maxDrawdownRealised: maxDrawdownFraction(realisedCurve),
    trades: n,
    wins: winsPnl.length,
    losses: lossesPnl.length,
    winRate: n === 0 ? null : winsPnl.length / n,
    grossProfit: decimalText(grossProfit),
    grossLoss: decimalText(grossLoss),
    profitFactor: grossLoss.isZero() ? null : finite(grossProfit.div(grossLoss.abs()).toNumber()),
    expectancy: n === 0 ? null : net.div(n).toNumber(),
    averageWin: mean(winsPnl),
    averageLoss: mean(lossesPnl),
    averageHoldingHours: mean(holding),
    medianHoldingHours: median(holding),
    exposure: ratio(input.valuations.filter((v) => v.inMarket).length, input.valuations.length),
    fees: decimalText(fees),
    turnover: decimalText(turnover),
    turnoverRatio: initial.isZero() ? null : turnover.div(initial).toNumber(),
  };
}
