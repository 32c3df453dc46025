import type { AgentStatus, Bar, Decision, EquityPoint, EventEnvelope, Fill, Vote } from "../api/api-types.ts";

/** What the session page keeps current from its stream; the rest (orders, positions…) is re-read when it changes. */
export interface SessionLiveState {
  /** The charted symbol and timeframe (the session's first symbol). */
  readonly symbol: string;
  readonly timeframe: string;
  /** Bars of the charted symbol, oldest first, one per close time. */
  readonly candles: readonly Bar[];
  /** Equity marks, oldest first, one per bar. */
  readonly equity: readonly EquityPoint[];
  /** Newest first, at most `feedLimit`. */
  readonly decisions: readonly Decision[];
  readonly agents: readonly AgentStatus[];
  /** Fills of the charted symbol (the chart's buy/sell markers). */
  readonly fills: readonly Fill[];
  readonly status: string;
  readonly tradingState: string;
  /** The last stream sequence applied (the resume point). */
  readonly lastSeq: number;
}

/** Parts of the page an event invalidates: the first six are applied here, the others are re-read from the API. */
export type LivePart =
  | "candles"
  | "equity"
  | "decisions"
  | "agents"
  | "status"
  | "fills"
  | "orders"
  | "positions"
  | "tradingState"
  | "session"
  | "metrics";

export const feedLimit = 100;

const sessionStatusOf: Readonly<Record<string, string>> = {
  SessionStarted: "running",
  SessionPaused: "paused",
  SessionResumed: "running",
  SessionHalted: "halted",
  SessionStopping: "stopping",
  SessionStopped: "stopped",
};

/** Applies one stream event; returns the new state and the parts that changed. Pure; replays are no-ops. */
export function applySessionEvent(
  state: SessionLiveState,
  e: EventEnvelope,
): { state: SessionLiveState; changed: ReadonlySet<LivePart> } {
  const changed = new Set<LivePart>();
  if (e.seq <= state.lastSeq) return { state, changed };
  let next: SessionLiveState = { ...state, lastSeq: e.seq };
  const d = e.data;
  switch (e.type) {
    case "CandleClosed": {
      if (d.symbol !== state.symbol || d.timeframe !== state.timeframe) break;
      const bar: Bar = {
        symbol: String(d.symbol),
        timeframe: String(d.timeframe),
        openTime: String(d.openTime),
        closeTime: String(d.closeTime ?? e.at),
        open: String(d.open),
        high: String(d.high),
        low: String(d.low),
        close: String(d.close),
        volume: String(d.volume),
        seq: e.seq,
      };
      next = { ...next, candles: upsertByTime(state.candles, bar, (b) => b.closeTime) };
      changed.add("candles");
      break;
    }
    case "PortfolioValued": {
      const point: EquityPoint = {
        bar: String(d.bar),
        equity: String(d.equity),
        drawdown: Number(d.drawdown),
        seq: e.seq,
      };
      next = { ...next, equity: upsertByTime(state.equity, point, (p) => p.bar) };
      changed.add("equity").add("metrics");
      break;
    }
    case "DecisionMade": {
      const decision: Decision = {
        decisionId: e.id,
        sessionId: e.sessionId,
        symbol: String(d.symbol),
        timeframe: String(d.timeframe),
        bar: String(d.bar),
        action: String(d.action),
        consensus: Number(d.consensus),
        scores: d.scores as Decision["scores"],
        missing: (d.missing as string[]) ?? [],
        price: String(d.price),
        reasoning: String(d.reasoning ?? ""),
        at: e.at,
        seq: e.seq,
        votes: (d.votes as Vote[]) ?? [],
      };
      const rest = state.decisions.filter((x) => x.decisionId !== decision.decisionId);
      next = { ...next, decisions: [decision, ...rest].slice(0, feedLimit) };
      changed.add("decisions").add("metrics");
      break;
    }
    case "SignalEmitted": {
      const agent = String(d.agent);
      const before = state.agents.find((a) => a.agent === agent);
      const status: AgentStatus = {
        agent,
        bar: String(d.bar),
        action: String(d.action),
        confidence: Number(d.confidence),
        reasoning: String(d.reasoning ?? ""),
        ready: before?.ready ?? true,
        signals: (before?.signals ?? 0) + 1,
        seq: e.seq,
      };
      const agents = [...state.agents.filter((a) => a.agent !== agent), status].sort((a, b) =>
        a.agent < b.agent ? -1 : 1,
      );
      next = { ...next, agents };
      changed.add("agents");
      break;
    }
    case "TradingStateChanged":
      next = { ...next, tradingState: String(d.to) };
      changed.add("tradingState");
      break;
    case "CircuitBreakerTripped":
    case "CircuitBreakerReset":
      changed.add("tradingState");
      break;
    case "OrderSubmitted":
    case "OrderAccepted":
    case "OrderRejected":
    case "OrderCancelled":
      changed.add("orders");
      break;
    case "OrderFilled": {
      if (d.symbol === state.symbol && !state.fills.some((f) => f.fillId === d.fillId)) {
        const fill: Fill = {
          fillId: String(d.fillId),
          orderId: String(d.orderId),
          symbol: String(d.symbol),
          side: String(d.side),
          price: String(d.price),
          quantity: String(d.quantity),
          fee: String(d.fee),
          feeCurrency: String(d.feeCurrency),
          at: e.at,
          seq: e.seq,
        };
        next = { ...next, fills: [...state.fills, fill] };
        changed.add("fills");
      }
      changed.add("orders").add("positions").add("metrics");
      break;
    }
    case "PositionChanged":
      changed.add("positions");
      break;
    case "CommandAccepted":
    case "CommandRejected":
      changed.add("session");
      break;
    default: {
      const status = sessionStatusOf[e.type];
      if (status !== undefined) {
        next = { ...next, status };
        changed.add("status").add("session");
      }
    }
  }
  return { state: next, changed };
}

/** Inserts or replaces by time key, keeping the list sorted oldest first (appends in the usual case). */
function upsertByTime<T>(list: readonly T[], item: T, key: (x: T) => string): T[] {
  const k = key(item);
  const last = list[list.length - 1];
  if (last === undefined || key(last) < k) return [...list, item];
  const out = list.filter((x) => key(x) !== k);
  out.push(item);
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
