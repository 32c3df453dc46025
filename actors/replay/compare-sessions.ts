import type { AnyEvent, TradeAction } from "../../events/index.ts";
import { canonicalMetrics } from "../metrics/canonical-metrics.ts";
import { type MetricTrade, metricsInputFromEvents } from "../metrics/metrics-input.ts";
import { tradesFingerprint } from "../metrics/session-metrics.ts";
import { summariseSession } from "../session/session-summary.ts";

/** One bar where the two sessions decided differently. */
export interface DecisionChange {
  readonly bar: string;
  readonly parent: TradeAction | null;
  readonly child: TradeAction | null;
  readonly parentConsensus: number | null;
  readonly childConsensus: number | null;
}

/** One side of the comparison: what a session did, in the numbers people compare. */
export interface SessionSide {
  readonly sessionId: string | null;
  readonly decisions: { readonly BUY: number; readonly SELL: number; readonly HOLD: number };
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly pnl: string;
  readonly finalEquity: string;
  readonly fees: string;
  /** Largest drawdown of the equity marked at every bar (fraction). */
  readonly maxDrawdown: number;
  readonly winRate: number | null;
  readonly profitFactor: number | null;
  readonly tradesFingerprint: string;
  readonly closedTrades: readonly MetricTrade[];
}

export interface SessionComparison {
  readonly parent: SessionSide;
  readonly child: SessionSide;
  readonly decisionsCompared: number;
  readonly decisionsChanged: { readonly count: number; readonly list: readonly DecisionChange[] };
  readonly sameTrades: boolean;
}

function side(events: readonly AnyEvent[]): SessionSide {
  const s = summariseSession(events);
  const input = metricsInputFromEvents(events);
  const c = canonicalMetrics(input);
  return {
    sessionId: s.sessionId,
    decisions: { BUY: s.decisions.BUY, SELL: s.decisions.SELL, HOLD: s.decisions.HOLD },
    trades: s.trades,
    wins: s.wins,
    losses: s.losses,
    pnl: s.pnl,
    finalEquity: s.finalEquity,
    fees: s.fees,
    maxDrawdown: c.maxDrawdownMarked,
    winRate: c.winRate,
    profitFactor: c.profitFactor,
    tradesFingerprint: tradesFingerprint(input.trades),
    closedTrades: input.trades,
  };
}

function decisionsByBar(events: readonly AnyEvent[]) {
  const out = new Map<string, { action: TradeAction; consensus: number }>();
  for (const e of events) {
    if (e.type === "DecisionMade")
      out.set(e.data.bar, { action: e.data.action, consensus: e.data.consensus });
  }
  return out;
}

/**
 * What changed between a session and a what-if replay of it (same inputs, other parameters): the bars decided
 * differently, and trades, P&L and drawdown side by side. Pure: the gateway can serve it from two event lists.
 */
export function compareSessions(
  parentEvents: readonly AnyEvent[],
  childEvents: readonly AnyEvent[],
): SessionComparison {
  const a = decisionsByBar(parentEvents);
  const b = decisionsByBar(childEvents);
  const bars = [...new Set([...a.keys(), ...b.keys()])].sort();
  const list: DecisionChange[] = [];
  for (const bar of bars) {
    const x = a.get(bar);
    const y = b.get(bar);
    if (x?.action !== y?.action) {
      list.push({
        bar,
        parent: x?.action ?? null,
        child: y?.action ?? null,
        parentConsensus: x?.consensus ?? null,
        childConsensus: y?.consensus ?? null,
      });
    }
  }
  const parent = side(parentEvents);
  const child = side(childEvents);
  return {
    parent,
    child,
    decisionsCompared: bars.length,
    decisionsChanged: { count: list.length, list },
    sameTrades: parent.tradesFingerprint === child.tradesFingerprint,
  };
}
