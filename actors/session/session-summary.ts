import type { AnyEvent, EventEnvelope, NewEvent, SessionStatus, TradeAction } from "../../events/index.ts";
import { dec, decimalText, type ExactDecimal, ZERO } from "../execution/exact-decimal.ts";

/** What a session did, in the numbers `cryptofunk demo` prints. Money is decimal strings in the quote currency. */
export interface SessionSummary {
  readonly sessionId: string | null;
  /** The last lifecycle status seen (null before SessionCreated). */
  readonly status: SessionStatus | null;
  /** Strategy bars (CandleClosed of the session's timeframe). */
  readonly bars: number;
  readonly signals: number;
  readonly decisions: { readonly total: number } & Readonly<Record<TradeAction, number>>;
  readonly riskApproved: number;
  readonly riskRejected: number;
  readonly orders: number;
  readonly fills: number;
  /** Closed (or flipped) positions. */
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly initialCash: string;
  /** Equity at the last valuation (the initial cash before any). */
  readonly finalEquity: string;
  /** finalEquity − initialCash. */
  readonly pnl: string;
  /** Largest drawdown from the equity peak seen at any valuation, as a fraction (0.05 = 5 %). */
  readonly maxDrawdown: number;
  /** Sum of every fill's fee. */
  readonly fees: string;
  readonly events: number;
  readonly firstBar: string | null;
  readonly lastBar: string | null;
}

/** An incremental summary: `add` each event as it is appended, read `summary()` at any time. */
export interface SessionSummariser {
  add(event: AnyEvent | NewEvent): void;
  summary(): SessionSummary;
}

const lifecycle: Partial<Record<AnyEvent["type"], SessionStatus>> = {
  SessionCreated: "created",
  SessionStarted: "running",
  SessionPaused: "paused",
  SessionResumed: "running",
  SessionHalted: "halted",
  SessionStopping: "stopping",
  SessionStopped: "stopped",
};

/** Starts an incremental summary (what the in-process scheduler keeps, so a long backtest need not hold its events). */
export function createSessionSummariser(): SessionSummariser {
  let sessionId: string | null = null;
  let status: SessionStatus | null = null;
  let timeframe: string | null = null;
  let bars = 0;
  let signals = 0;
  const decisions = { total: 0, BUY: 0, SELL: 0, HOLD: 0 };
  let riskApproved = 0;
  let riskRejected = 0;
  let orders = 0;
  let fills = 0;
  let trades = 0;
  let wins = 0;
  let losses = 0;
  let initialCash: ExactDecimal = ZERO;
  let finalEquity: ExactDecimal | null = null;
  let maxDrawdown = 0;
  let fees: ExactDecimal = ZERO;
  let events = 0;
  let firstBar: string | null = null;
  let lastBar: string | null = null;

  const add = (event: AnyEvent | NewEvent): void => {
    events++;
    const e = event as EventEnvelope;
    const next = lifecycle[e.type];
    if (next !== undefined) status = next;
    const x = event as AnyEvent;
    switch (x.type) {
      case "SessionCreated":
        sessionId = x.sessionId;
        timeframe = x.data.timeframe;
        initialCash = dec(x.data.initialCash);
        break;
      case "CandleClosed":
        if (timeframe === null || x.data.timeframe === timeframe) {
          bars++;
          firstBar ??= x.data.closeTime;
          lastBar = x.data.closeTime;
        }
        break;
      case "SignalEmitted":
        signals++;
        break;
      case "DecisionMade":
        decisions.total++;
        decisions[x.data.action]++;
        break;
      case "RiskApproved":
        riskApproved++;
        break;
      case "RiskRejected":
        riskRejected++;
        break;
      case "OrderSubmitted":
        orders++;
        break;
      case "OrderFilled":
        fills++;
        fees = fees.plus(dec(x.data.fee));
        break;
      case "PositionChanged": {
        const closed = x.data.closedTrade;
        if (closed !== undefined) {
          trades++;
          if (dec(closed.pnl).gt(0)) wins++;
          else losses++;
        }
        break;
      }
      case "PortfolioValued":
        finalEquity = dec(x.data.equity);
        if (x.data.drawdown > maxDrawdown) maxDrawdown = x.data.drawdown;
        break;
      default:
        break;
    }
  };

  return {
    add,
    summary() {
      const equity = finalEquity ?? initialCash;
      return {
        sessionId,
        status,
        bars,
        signals,
        decisions: { ...decisions },
        riskApproved,
        riskRejected,
        orders,
        fills,
        trades,
        wins,
        losses,
        initialCash: decimalText(initialCash),
        finalEquity: decimalText(equity),
        pnl: decimalText(equity.minus(initialCash)),
        maxDrawdown,
        fees: decimalText(fees),
        events,
        firstBar,
        lastBar,
      };
    },
  };
}

/** The summary of a session's events, as a pure fold (in log order). */
export function summariseSession(events: Iterable<AnyEvent | NewEvent>): SessionSummary {
  const s = createSessionSummariser();
  for (const e of events) s.add(e);
  return s.summary();
}
