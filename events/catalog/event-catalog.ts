import type { z } from "zod";
import {
  candleClosed,
  candleClosedV1,
  fearGreedObserved,
  newsPublished,
  orderBookSnapshot,
  venueQuote,
} from "./market-events.ts";
import { timeframeMs } from "./primitives.ts";
import {
  commandAccepted,
  commandIssued,
  commandRejected,
  marketDataEnded,
  sessionCreated,
  sessionHalted,
  sessionPaused,
  sessionResumed,
  sessionStarted,
  sessionStopped,
  sessionStopping,
} from "./session-events.ts";
import { apiKeyIssued, apiKeyRevoked, authFailed, deadLettered, rateLimited } from "./system-events.ts";
import {
  circuitBreakerReset,
  circuitBreakerTripped,
  decisionMade,
  feedbackGiven,
  llmAnswered,
  orderAccepted,
  orderCancelled,
  orderFilled,
  orderRejected,
  orderSubmitted,
  portfolioValued,
  positionChanged,
  riskApproved,
  riskRejected,
  signalEmitted,
  tradingStateChanged,
} from "./trading-events.ts";

/** How one older version of a type's data becomes the next version. Pure. */
export type Upcaster = (data: unknown) => unknown;

export interface CatalogEntry<S extends z.ZodType = z.ZodType> {
  /** Current version: what writers append. */
  readonly v: number;
  readonly schema: S;
  readonly description: string;
  /** Older versions still readable: version → its schema and the upcaster to version + 1. */
  readonly history?: Readonly<Record<number, { readonly schema: z.ZodType; readonly upcast: Upcaster }>>;
}

function entry<S extends z.ZodType>(
  description: string,
  schema: S,
  v = 1,
  history?: CatalogEntry["history"],
): CatalogEntry<S> {
  return history === undefined ? { v, schema, description } : { v, schema, description, history };
}

/**
 * Every event type the system writes or reads, with its current version. Adding a version: bump `v`, move the old
 * schema into `history` with an upcaster to the next version, and regenerate docs (`npm run docs:events`).
 */
export const eventCatalog = {
  SessionCreated: entry("A session was created with its mode, market, strategy and capital.", sessionCreated),
  SessionStarted: entry("The session began trading.", sessionStarted),
  SessionPaused: entry("The session stopped acting on decisions until resumed.", sessionPaused),
  SessionResumed: entry("The session acts on decisions again.", sessionResumed),
  SessionHalted: entry("A circuit breaker halted the session until an operator resumes it.", sessionHalted),
  SessionStopping: entry("The session is winding down: no new entries.", sessionStopping),
  SessionStopped: entry("The session ended.", sessionStopped),
  CommandIssued: entry("An operator command (start, pause, resume, stop, flatten).", commandIssued),
  CommandAccepted: entry("The session accepted a command and changed state.", commandAccepted),
  CommandRejected: entry("The session refused a command, with the reason.", commandRejected),
  MarketDataEnded: entry("The feed has no more data for the session.", marketDataEnded),

  CandleClosed: entry("A bar closed (event time = close time).", candleClosed, 2, {
    1: {
      schema: candleClosedV1,
      // v1 carried only the open time: the close follows from the timeframe; raw bars count as one source bar.
      upcast: (data) => {
        const d = candleClosedV1.parse(data);
        const closeTime = new Date(Date.parse(d.openTime) + timeframeMs[d.timeframe]).toISOString();
        return { ...d, closeTime, sourceBars: 1 };
      },
    },
  }),
  OrderBookSnapshot: entry("A level-2 order book snapshot from a venue.", orderBookSnapshot),
  NewsPublished: entry("A news item was published.", newsPublished),
  FearGreedObserved: entry("A Fear & Greed index reading.", fearGreedObserved),
  VenueQuote: entry("Best bid and ask at one venue.", venueQuote),

  SignalEmitted: entry("An agent's judgement of one bar, HOLD included.", signalEmitted),
  DecisionMade: entry("The orchestrator's weighted vote over one bar's signals.", decisionMade),
  RiskApproved: entry("Risk approved a decision and sized the order.", riskApproved),
  RiskRejected: entry("Risk refused a decision, with every failed check.", riskRejected),
  TradingStateChanged: entry("ACTIVE, REDUCING or HALTED changed.", tradingStateChanged),
  CircuitBreakerTripped: entry("A protection tripped.", circuitBreakerTripped),
  CircuitBreakerReset: entry("A protection reset.", circuitBreakerReset),

  OrderSubmitted: entry("An order was sent to a venue.", orderSubmitted),
  OrderAccepted: entry("The venue acknowledged an order.", orderAccepted),
  OrderRejected: entry("The venue refused an order.", orderRejected),
  OrderCancelled: entry("An order was cancelled; its filled part stands.", orderCancelled),
  OrderFilled: entry("An order filled, wholly or in part.", orderFilled),
  PositionChanged: entry("A fill changed a position, its cash and realized P&L.", positionChanged),
  PortfolioValued: entry("The portfolio marked to market at a bar's close.", portfolioValued),

  LlmAnswered: entry("An LLM's answer, recorded so a replay needs no LLM.", llmAnswered),
  FeedbackGiven: entry("A person's rating of a decision.", feedbackGiven),
  DeadLettered: entry("A message that could not be used, with the reason.", deadLettered),
  ApiKeyIssued: entry("An API key was issued (the key itself is never recorded).", apiKeyIssued),
  ApiKeyRevoked: entry("An API key was revoked.", apiKeyRevoked),
  AuthFailed: entry("A request failed authentication or authorisation.", authFailed),
  RateLimited: entry("A request was refused by a rate limit.", rateLimited),
} as const satisfies Record<string, CatalogEntry>;

export type EventCatalog = typeof eventCatalog;
export type EventType = keyof EventCatalog;
/** Immutable all the way down: events are facts; folds build new objects instead of mutating them. */
export type DeepReadonly<T> = T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
export type EventData<T extends EventType> = DeepReadonly<z.infer<EventCatalog[T]["schema"]>>;

export const eventTypes = Object.keys(eventCatalog) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventCatalog, type);
}
