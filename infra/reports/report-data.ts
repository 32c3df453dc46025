import {
  type AgentAccuracy,
  dailyEquity,
  type EquityMark,
  type MetricTrade,
  type MonthlyReturn,
  metricsInputFromEvents,
  monthlyReturns,
  type SessionMetrics,
  type SessionSummary,
  voteAccuracy,
} from "../../actors/index.ts";
import type { AnyEvent } from "../../events/index.ts";
import { thin } from "./svg-chart.ts";

/** Everything a report shows, as JSON (the HTML is drawn from exactly this). */
export interface ReportData {
  readonly title: string;
  readonly run: Readonly<Record<string, string | number>>;
  readonly summary: SessionSummary;
  readonly metrics: SessionMetrics;
  /** Equity marked at each bar (thinned to at most 2,000 points). */
  readonly equity: readonly { readonly at: string; readonly equity: number }[];
  readonly drawdown: readonly { readonly at: string; readonly drawdown: number }[];
  readonly daily: readonly EquityMark[];
  readonly monthly: readonly MonthlyReturn[];
  readonly price: readonly { readonly at: string; readonly close: number }[];
  readonly fills: readonly {
    readonly at: string;
    readonly price: number;
    readonly side: "buy" | "sell";
    readonly quantity: string;
  }[];
  readonly trades: readonly MetricTrade[];
  readonly agents: readonly AgentAccuracy[];
  readonly barsAhead: number;
}

export interface ReportOptions {
  readonly title: string;
  /** Facts about the run shown at the top (session, data checksum, fingerprint …). */
  readonly run: Readonly<Record<string, string | number>>;
  readonly summary: SessionSummary;
  readonly metrics: SessionMetrics;
  /** Bars ahead by which an agent's call is judged (default 5). */
  readonly barsAhead?: number;
}

const maxPoints = 2000;

/** The report's data from a session's events and its computed metrics. */
export function buildReportData(events: readonly AnyEvent[], o: ReportOptions): ReportData {
  const barsAhead = o.barsAhead ?? 5;
  let timeframe: string | null = null;
  const equity: { at: string; equity: number }[] = [];
  const drawdown: { at: string; drawdown: number }[] = [];
  const price: { at: string; close: number }[] = [];
  const fills: { at: string; price: number; side: "buy" | "sell"; quantity: string }[] = [];
  for (const e of events) {
    switch (e.type) {
      case "SessionCreated":
        timeframe = e.data.timeframe;
        break;
      case "PortfolioValued":
        equity.push({ at: e.data.bar, equity: Number(e.data.equity) });
        drawdown.push({ at: e.data.bar, drawdown: -e.data.drawdown });
        break;
      case "CandleClosed":
        if (timeframe === null || e.data.timeframe === timeframe) {
          price.push({ at: e.data.closeTime, close: Number(e.data.close) });
        }
        break;
      case "OrderFilled":
        fills.push({ at: e.at, price: Number(e.data.price), side: e.data.side, quantity: e.data.quantity });
        break;
      default:
        break;
    }
  }
  const input = metricsInputFromEvents(events);
  const daily = dailyEquity(input);
  return {
    title: o.title,
    run: o.run,
    summary: o.summary,
    metrics: o.metrics,
    equity: thin(equity, maxPoints),
    drawdown: thin(drawdown, maxPoints),
    daily,
    monthly: monthlyReturns(daily),
    price: thin(price, maxPoints),
    fills: thin(fills, 500),
    trades: input.trades,
    agents: voteAccuracy(events, barsAhead),
    barsAhead,
  };
}
