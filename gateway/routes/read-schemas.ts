import { z } from "zod";
import { token } from "../../events/index.ts";

// Response and query schemas of the read API: the projections' views as the wire shows them (decimal strings for
// money and quantities, ISO-8601 instants).

/** Arrays as the projections return them (readonly). */
const list = <T extends z.ZodType>(item: T) => z.array(item).readonly();
const iso = z.string().describe("ISO-8601 instant");
const dec = z.string().describe("decimal string");
const n = z.number();

/** A page of rows with the total across pages. */
export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: list(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
const instant = z.iso.datetime({ offset: true }).describe("ISO-8601 instant");
export const timeRange = z.object({
  from: instant.optional().describe("at or after"),
  to: instant.optional().describe("before"),
});
export const sessionParams = z.object({ sessionId: token });

export const sessionView = z.object({
  sessionId: z.string(),
  mode: z.string(),
  symbols: list(z.string()),
  timeframe: z.string(),
  initialCash: dec,
  quoteCurrency: z.string(),
  strategy: z.unknown(),
  strategyVersion: z.string(),
  source: z.unknown(),
  parentSessionId: z.string().nullable(),
  label: z.string().nullable(),
  status: z.string(),
  statusReason: z.string().nullable(),
  createdAt: iso,
  startedAt: iso.nullable(),
  stoppedAt: iso.nullable(),
  finalEquity: dec.nullable(),
  updatedAt: iso,
  seq: n,
});

export const decisionView = z.object({
  decisionId: z.string(),
  sessionId: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  bar: iso,
  action: z.string(),
  consensus: n,
  scores: z.object({ BUY: n, SELL: n, HOLD: n }),
  missing: list(z.string()),
  price: dec,
  ruleVersion: z.string(),
  reasoning: z.string(),
  at: iso,
  correlationId: z.string(),
  causationId: z.string().nullable(),
  seq: n,
});

export const voteView = z.object({
  agent: z.string(),
  action: z.string(),
  confidence: n,
  weight: n,
  signalId: z.string(),
  veto: z.boolean(),
});

export const verdictView = z.object({
  verdictId: z.string(),
  decisionId: z.string(),
  verdict: z.enum(["approved", "rejected"]),
  symbol: z.string(),
  action: z.string().nullable(),
  side: z.string().nullable(),
  quantity: dec.nullable(),
  price: dec.nullable(),
  notional: dec.nullable(),
  reduceOnly: z.boolean().nullable(),
  sizing: z.unknown(),
  stopLoss: dec.nullable(),
  takeProfit: dec.nullable(),
  trailingPct: n.nullable(),
  checks: z.unknown(),
  tradingState: z.string().nullable(),
  at: iso,
  correlationId: z.string(),
  causationId: z.string().nullable(),
  seq: n,
});

export const feedbackView = z.object({
  keyId: z.string(),
  rating: z.number().int(),
  comment: z.string().nullable(),
  tags: list(z.string()),
  at: iso,
  seq: n,
});

export const decisionWithVotes = decisionView.extend({
  votes: list(voteView),
  verdict: verdictView.nullable(),
  feedback: list(feedbackView).describe("the latest feedback of each key"),
});

export const decisionReview = decisionView.extend({
  feedback: z.object({ count: n, averageRating: n, lowestRating: n, lastAt: iso }),
});

export const signalView = z.object({
  signalId: z.string(),
  sessionId: z.string(),
  agent: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  bar: iso,
  action: z.string(),
  confidence: n,
  reasoning: z.string(),
  features: z.record(z.string(), z.unknown()),
  veto: z.boolean(),
  at: iso,
  correlationId: z.string(),
  causationId: z.string().nullable(),
  seq: n,
});

export const orderView = z.object({
  orderId: z.string(),
  sessionId: z.string(),
  clientOrderId: z.string(),
  decisionId: z.string().nullable(),
  parentOrderId: z.string().nullable(),
  symbol: z.string(),
  side: z.string(),
  type: z.string(),
  quantity: dec,
  limitPrice: dec.nullable(),
  stopPrice: dec.nullable(),
  trailingPct: n.nullable(),
  reduceOnly: z.boolean(),
  venue: z.string(),
  status: z.string(),
  venueOrderId: z.string().nullable(),
  filledQuantity: dec,
  statusReason: z.string().nullable(),
  submittedAt: iso,
  updatedAt: iso,
  submittedEventId: z.string(),
  correlationId: z.string(),
  causationId: z.string().nullable(),
  seq: n,
});

export const fillView = z.object({
  fillId: z.string(),
  sessionId: z.string(),
  orderId: z.string(),
  clientOrderId: z.string(),
  symbol: z.string(),
  side: z.string(),
  price: dec,
  quantity: dec,
  fee: dec,
  feeCurrency: z.string(),
  liquidity: z.string(),
  cumulativeQuantity: dec,
  remainingQuantity: dec,
  partial: z.boolean(),
  fillModel: z.string(),
  at: iso,
  correlationId: z.string(),
  causationId: z.string().nullable(),
  seq: n,
});

export const barView = z.object({
  eventId: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  openTime: iso,
  closeTime: iso,
  open: dec,
  high: dec,
  low: dec,
  close: dec,
  volume: dec,
  seq: n,
});

export const orderExplanation = z.object({
  order: orderView,
  fills: list(fillView),
  parent: orderView.nullable(),
  verdict: verdictView.nullable(),
  decision: decisionView.nullable(),
  votes: list(voteView.extend({ signal: signalView.nullable(), bar: barView.nullable() })),
  chain: list(z.string()).describe("event ids from the order back to the bars"),
});

export const positionView = z.object({
  symbol: z.string(),
  quantity: dec,
  averagePrice: dec,
  realizedPnl: dec,
  cash: dec,
  lastFillId: z.string(),
  updatedAt: iso,
  seq: n,
});

export const equityPoint = z.object({
  bar: iso,
  cash: dec,
  equity: dec,
  peakEquity: dec,
  drawdown: n,
  exposure: dec,
  realizedPnl: dec,
  unrealizedPnl: dec,
  fees: dec,
  positions: z.unknown(),
  seq: n,
});

export const tradeView = z.object({
  tradeId: z.string(),
  symbol: z.string(),
  side: z.string(),
  entryPrice: dec,
  exitPrice: dec,
  quantity: dec,
  pnl: dec,
  openedAt: iso,
  closedAt: iso,
  fillId: z.string(),
  seq: n,
});

export const metricsSummary = z.object({
  sessionId: z.string(),
  initialCash: dec.nullable(),
  equity: dec.nullable(),
  totalReturn: dec.nullable(),
  maxDrawdown: n,
  realizedPnl: dec.nullable(),
  fees: dec.nullable(),
  bars: n,
  trades: n,
  wins: n,
  losses: n,
  winRate: n,
  grossProfit: dec,
  grossLoss: dec,
  profitFactor: dec.nullable(),
  decisions: z.object({ BUY: n, SELL: n, HOLD: n }),
  orders: n,
  fills: n,
});

export const agentStatusView = z.object({
  agent: z.string(),
  lastSignalId: z.string(),
  bar: iso,
  action: z.string(),
  confidence: n,
  reasoning: z.string(),
  ready: z.boolean(),
  signals: n,
  seq: n,
});

export const breakerView = z.object({
  breaker: z.string(),
  tripped: z.boolean(),
  reason: z.string(),
  value: z.string().nullable(),
  threshold: z.string().nullable(),
  until: iso.nullable(),
  trips: n,
  at: iso,
  seq: n,
});

export const tradingStateView = z.object({
  sessionId: z.string(),
  state: z.string(),
  previous: z.string().nullable(),
  reason: z.string().nullable(),
  since: iso.nullable(),
  breakers: list(breakerView),
});

export const auditEntryView = z.object({
  auditId: z.string(),
  sessionId: z.string(),
  kind: z.string(),
  actor: z.string().nullable(),
  action: z.string(),
  outcome: z.string(),
  reason: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  at: iso,
  recordedAt: iso,
  correlationId: z.string(),
  causationId: z.string().nullable(),
  eventId: z.string(),
  seq: n,
});

export const deadLetterView = z.object({
  deadLetterId: z.string(),
  sessionId: z.string(),
  reason: z.string(),
  originalSubject: z.string(),
  originalSeq: n.nullable(),
  refusedBy: z.string(),
  payload: z.string(),
  payloadBytes: n,
  at: iso,
  eventId: z.string(),
  seq: n,
});
