import { z } from "zod";
import {
  agentName,
  decimalString,
  features,
  isoInstant,
  side,
  symbol,
  timeframe,
  tradeAction,
  unsignedDecimalString,
} from "./primitives.ts";

/** An agent's judgement of one bar (HOLD included). */
export const signalEmitted = z.object({
  agent: agentName,
  symbol,
  timeframe,
  /** Close time of the bar judged. */
  bar: isoInstant,
  action: tradeAction,
  confidence: z.number().min(0).max(1),
  reasoning: z.string(),
  features,
  /** Agents with veto power (risk) mark a veto here: the orchestrator may not act against it. */
  veto: z.boolean().optional(),
});

export const vote = z.object({
  agent: agentName,
  action: tradeAction,
  confidence: z.number().min(0).max(1),
  weight: z.number().nonnegative(),
  signalId: z.string(),
  veto: z.boolean().optional(),
});

export const decisionMade = z.object({
  symbol,
  timeframe,
  bar: isoInstant,
  action: tradeAction,
  /** Winning score ÷ sum of all scores (0 when nobody voted with confidence). */
  consensus: z.number().min(0).max(1),
  scores: z.object({ BUY: z.number(), SELL: z.number(), HOLD: z.number() }),
  /** Votes sorted by agent name, so the decision does not depend on arrival order. */
  votes: z.array(vote),
  missing: z.array(agentName),
  /** Reference price for sizing: the close of the bar decided on. */
  price: unsignedDecimalString,
  ruleVersion: z.string(),
  reasoning: z.string(),
});

export const riskCheck = z.object({
  rule: z.string(),
  passed: z.boolean(),
  limit: z.string().optional(),
  actual: z.string().optional(),
  message: z.string(),
});

export const riskApproved = z.object({
  decisionId: z.string(),
  symbol,
  side,
  quantity: unsignedDecimalString,
  price: unsignedDecimalString,
  notional: unsignedDecimalString,
  reduceOnly: z.boolean(),
  sizing: z.object({
    method: z.string(),
    kellyFraction: z.number(),
    edge: z.number(),
    sampleSize: z.number().int().nonnegative(),
    capsApplied: z.array(z.string()),
  }),
  stopLoss: unsignedDecimalString.optional(),
  takeProfit: unsignedDecimalString.optional(),
  trailingPct: z.number().nonnegative().optional(),
  checks: z.array(riskCheck),
});

export const riskRejected = z.object({
  decisionId: z.string(),
  symbol,
  action: tradeAction,
  reasons: z.array(riskCheck).min(1),
  tradingState: z.enum(["ACTIVE", "REDUCING", "HALTED"]),
});

export const tradingState = z.enum(["ACTIVE", "REDUCING", "HALTED"]);

export const tradingStateChanged = z.object({
  from: tradingState,
  to: tradingState,
  reason: z.string(),
});

export const circuitBreakerTripped = z.object({
  breaker: z.enum(["stoploss_guard", "drawdown_halt", "daily_loss", "cooldown", "volatility_halt"]),
  reason: z.string(),
  value: z.string().optional(),
  threshold: z.string().optional(),
  /** Event time until which it holds; absent when only an operator can reset it. */
  until: isoInstant.optional(),
});

export const circuitBreakerReset = z.object({
  breaker: z.enum(["stoploss_guard", "drawdown_halt", "daily_loss", "cooldown", "volatility_halt"]),
  reason: z.string(),
});

export const orderType = z.enum(["market", "limit", "stop_loss", "take_profit", "trailing_stop"]);

export const orderSubmitted = z.object({
  orderId: z.string(),
  /** Derived from the decision id, so a retry never doubles an order at the venue. */
  clientOrderId: z.string().min(1).max(36),
  decisionId: z.string().optional(),
  symbol,
  side,
  type: orderType,
  quantity: unsignedDecimalString,
  limitPrice: unsignedDecimalString.optional(),
  stopPrice: unsignedDecimalString.optional(),
  trailingPct: z.number().positive().optional(),
  reduceOnly: z.boolean(),
  venue: z.string(),
  /** A parent order whose fill activated this one (stops and take-profits). */
  parentOrderId: z.string().optional(),
});

export const orderAccepted = z.object({
  orderId: z.string(),
  clientOrderId: z.string(),
  venueOrderId: z.string(),
});

export const orderRejected = z.object({
  orderId: z.string(),
  clientOrderId: z.string(),
  reason: z.string(),
});

export const orderCancelled = z.object({
  orderId: z.string(),
  clientOrderId: z.string(),
  reason: z.string(),
  filledQuantity: unsignedDecimalString,
});

export const orderFilled = z.object({
  orderId: z.string(),
  clientOrderId: z.string(),
  fillId: z.string(),
  symbol,
  side,
  price: unsignedDecimalString,
  quantity: unsignedDecimalString,
  fee: unsignedDecimalString,
  feeCurrency: z.string(),
  liquidity: z.enum(["maker", "taker"]),
  cumulativeQuantity: unsignedDecimalString,
  remainingQuantity: unsignedDecimalString,
  partial: z.boolean(),
  fillModel: z.string(),
});

export const positionChanged = z.object({
  symbol,
  /** Signed: positive long, negative short. */
  quantity: decimalString,
  averagePrice: unsignedDecimalString,
  realizedPnl: decimalString,
  /** Realized P&L of this change alone (fees included). */
  realizedDelta: decimalString,
  cash: decimalString,
  fillId: z.string(),
  /** Set when this change closed (or flipped) a position: the closed trade. */
  closedTrade: z
    .object({
      entryPrice: unsignedDecimalString,
      exitPrice: unsignedDecimalString,
      quantity: unsignedDecimalString,
      side: z.enum(["long", "short"]),
      pnl: decimalString,
      openedAt: isoInstant,
      closedAt: isoInstant,
    })
    .optional(),
});

/** The portfolio marked to market at a bar's close: the risk agent's and the equity curve's input. */
export const portfolioValued = z.object({
  bar: isoInstant,
  cash: decimalString,
  equity: decimalString,
  peakEquity: decimalString,
  drawdown: z.number().min(0).max(1),
  exposure: unsignedDecimalString,
  positions: z.array(z.object({ symbol, quantity: decimalString, markPrice: unsignedDecimalString })),
  realizedPnl: decimalString,
  unrealizedPnl: decimalString,
  fees: unsignedDecimalString,
});

export const llmAnswered = z.object({
  requestId: z.string(),
  model: z.string(),
  promptHash: z.string(),
  answer: z.string(),
  latencyMs: z.number().nonnegative().optional(),
});

export const feedbackGiven = z.object({
  decisionId: z.string(),
  keyId: z.string(),
  rating: z.number().int().min(1).max(5),
  comment: z.string().max(2000).optional(),
  tags: z.array(z.string().max(50)).max(20),
});

export const timeframeSchema = timeframe;
