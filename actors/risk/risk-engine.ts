import { Decimal } from "decimal.js";
import type {
  AnyEvent,
  AnyEventDraft,
  EventData,
  EventType,
  SessionStatus,
  Timeframe,
} from "../../events/index.ts";
import type { ActorSpec } from "../runtime/machine-driver.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import type { ExecutionParams, RiskParams, TrendParams } from "../strategy/strategy-config.ts";
import {
  activeBreaker,
  addMinutes,
  type BreakerState,
  type BreakerStep,
  checkDailyLoss,
  checkVolatility,
  type DayState,
  dailyLossPct,
  expireBreakers,
  noBreakers,
  recordClosedTrade,
  recordDayEquity,
  resetBreaker,
  tripBreaker,
} from "./circuit-breakers.ts";
import { type DeciderStep, deciderMachine } from "./decider-machine.ts";
import { addClosedTrade, emptyTradeStats, estimateKelly, type TradeStats } from "./kelly-sizing.ts";
import {
  drawdownPct,
  evaluatePreTrade,
  type PositionMark,
  type TradingState,
  tradingStateForDrawdown,
} from "./risk-rules.ts";

/** A decision waiting for the valuation of its bar (see `decideRiskEngine`). */
interface PendingDecision {
  readonly id: string;
  readonly correlationId: string;
  readonly at: string;
  readonly data: EventData<"DecisionMade">;
}

export interface RiskEngineInput {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly initialCash: string;
  readonly params: RiskParams;
  readonly execution: Pick<
    ExecutionParams,
    "allowShort" | "quantityDecimals" | "priceDecimals" | "takerFeePct" | "slippageBps"
  >;
  readonly trend: Pick<TrendParams, "stopLossPct" | "takeProfitPct" | "trailingStopPct">;
}

/** The risk engine's state: JSON only (decimal strings), so a persisted snapshot restores exactly. */
export interface RiskEngineContext extends RiskEngineInput {
  readonly session: SessionStatus;
  readonly tradingState: TradingState;
  /** False after an operator resumed a drawdown halt, until the drawdown falls back under the limit. */
  readonly drawdownHaltArmed: boolean;
  readonly cash: string;
  readonly equity: string;
  readonly drawdown: number;
  /** The bar of the latest valuation (null before the first). */
  readonly valuedBar: string | null;
  readonly positions: readonly PositionMark[];
  readonly day: DayState;
  readonly stats: TradeStats;
  readonly breakers: BreakerState;
  /** Open stop-loss and trailing-stop orders, and fills of them not yet seen as a position change. */
  readonly stopOrders: readonly string[];
  readonly stopFills: readonly string[];
  /** Bars of the entries approved within the last hour. */
  readonly recentEntries: readonly string[];
  readonly pending: readonly PendingDecision[];
}

export type RiskEngineStep = DeciderStep<RiskEngineContext>;

export function initialRiskEngineContext(input: RiskEngineInput): RiskEngineContext {
  return {
    ...input,
    session: "created",
    tradingState: "ACTIVE",
    drawdownHaltArmed: true,
    cash: input.initialCash,
    equity: input.initialCash,
    drawdown: 0,
    valuedBar: null,
    positions: [],
    day: { key: null, startEquity: input.initialCash, lastEquity: input.initialCash },
    stats: emptyTradeStats,
    breakers: noBreakers,
    stopOrders: [],
    stopFills: [],
    recentEntries: [],
    pending: [],
  };
}

const sessionStatusOf: Partial<Record<EventType, SessionStatus>> = {
  SessionStarted: "running",
  SessionPaused: "paused",
  SessionResumed: "running",
  SessionHalted: "halted",
  SessionStopping: "stopping",
  SessionStopped: "stopped",
};

/**
 * The risk engine's decider. Every event first resets the timed breakers its time has passed; then:
 * - DecisionMade BUY/SELL → RiskApproved or RiskRejected (HOLD → nothing). A decision on bar t is judged once the
 *   valuation of bar t has been seen (execution values each bar after filling the orders of the previous one), so the
 *   verdict does not depend on whether the decision or the valuation arrived first; if the next bar closes first, it
 *   is judged then with what is known. Before any valuation at all it is judged at once (cash = initial cash).
 * - PortfolioValued → equity, drawdown, trading state (TradingStateChanged), drawdown halt, daily-loss limit.
 * - PositionChanged → positions, cash; a closed trade feeds Kelly, the cooldown and the stop-loss guard.
 * - CandleClosed → volatility halt; Session* and CommandAccepted → session status; a resume resets a drawdown halt.
 */
export function decideRiskEngine(context: RiskEngineContext, event: AnyEvent): RiskEngineStep {
  const expired = expireBreakers(context.breakers, event.at);
  const ctx = expired.state === context.breakers ? context : { ...context, breakers: expired.state };
  const step = handle(ctx, event);
  return { context: step.context, outputs: [...expired.outputs, ...step.outputs] };
}

function handle(context: RiskEngineContext, event: AnyEvent): RiskEngineStep {
  const status = sessionStatusOf[event.type];
  if (status !== undefined) return { context: { ...context, session: status }, outputs: [] };
  switch (event.type) {
    case "DecisionMade":
      return onDecision(context, {
        id: event.id,
        correlationId: event.correlationId,
        at: event.at,
        data: event.data,
      });
    case "PortfolioValued":
      return onValuation(context, event.data, event.at);
    case "PositionChanged":
      return onPositionChanged(context, event.data, event.at);
    case "CandleClosed":
      return onCandle(context, event.data);
    case "CommandAccepted":
      return onCommand(context, event.data, event.at);
    case "OrderSubmitted":
      return event.data.type === "stop_loss" || event.data.type === "trailing_stop"
        ? { context: { ...context, stopOrders: [...context.stopOrders, event.data.orderId] }, outputs: [] }
        : { context, outputs: [] };
    case "OrderFilled":
      return onOrderFilled(context, event.data);
    case "OrderCancelled":
    case "OrderRejected": {
      const orderId = event.data.orderId;
      return {
        context: { ...context, stopOrders: context.stopOrders.filter((o) => o !== orderId) },
        outputs: [],
      };
    }
    default:
      return { context, outputs: [] };
  }
}

function withBreakers(
  context: RiskEngineContext,
  step: BreakerStep,
  outputs: AnyEventDraft[],
): RiskEngineStep {
  return { context: { ...context, breakers: step.state }, outputs: [...outputs, ...step.outputs] };
}

function onDecision(context: RiskEngineContext, decision: PendingDecision): RiskEngineStep {
  if (decision.data.action === "HOLD") return { context, outputs: [] };
  if (context.valuedBar !== null && context.valuedBar < decision.data.bar) {
    return { context: { ...context, pending: [...context.pending, decision] }, outputs: [] };
  }
  return judge(context, decision);
}

/** Judges the pending decisions whose bar is due. */
function judgePending(context: RiskEngineContext, isDue: (bar: string) => boolean): RiskEngineStep {
  const due = context.pending.filter((d) => isDue(d.data.bar));
  if (due.length === 0) return { context, outputs: [] };
  let ctx: RiskEngineContext = { ...context, pending: context.pending.filter((d) => !due.includes(d)) };
  const outputs: AnyEventDraft[] = [];
  for (const d of due) {
    const step = judge(ctx, d);
    ctx = step.context;
    outputs.push(...step.outputs);
  }
  return { context: ctx, outputs };
}

/**
 * A verdict answers its decision whichever event (the decision, the bar's valuation, the next bar) let it be judged:
 * naming the decision as its cause keeps the verdict's id independent of arrival order.
 */
function judge(context: RiskEngineContext, decision: PendingDecision): RiskEngineStep {
  const step = judgeNow(context, decision);
  const cause = { id: decision.id, correlationId: decision.correlationId };
  return { context: step.context, outputs: step.outputs.map((o) => ({ ...o, cause })) };
}

function judgeNow(context: RiskEngineContext, decision: PendingDecision): RiskEngineStep {
  const d = decision.data;
  if (d.action === "HOLD") return { context, outputs: [] };
  const hourAgo = addMinutes(d.bar, -60);
  const recentEntries = context.recentEntries.filter((t) => t > hourAgo && t <= d.bar);
  const marked = context.positions.map((p) => (p.symbol === d.symbol ? { ...p, mark: d.price } : p));
  const verdict = evaluatePreTrade({
    action: d.action,
    symbol: d.symbol,
    price: d.price,
    positions: marked,
    equity: context.equity,
    cash: context.cash,
    session: context.session,
    tradingState: context.tradingState,
    drawdown: context.drawdown,
    dailyLossPct: dailyLossPct(context.day),
    activeBreakers: context.breakers.active.map((b) => b.breaker),
    entriesLastHour: recentEntries.length,
    // Learning phase: no Kelly verdict until the session has closed kellyMinTrades trades of its own.
    estimate:
      context.stats.trades < context.params.kellyMinTrades
        ? null
        : estimateKelly(context.stats, context.params),
    params: context.params,
    execution: context.execution,
    trend: context.trend,
  });
  if (!verdict.approved) {
    const out: AnyEventDraft = {
      type: "RiskRejected",
      at: decision.at,
      data: {
        decisionId: decision.id,
        symbol: d.symbol,
        action: d.action,
        reasons: verdict.checks.filter((c) => !c.passed),
        tradingState: context.tradingState,
      },
    };
    return { context: { ...context, recentEntries }, outputs: [out] };
  }
  const out: AnyEventDraft = {
    type: "RiskApproved",
    at: decision.at,
    data: {
      decisionId: decision.id,
      symbol: d.symbol,
      side: verdict.intent.side,
      quantity: verdict.quantity.toFixed(),
      price: d.price,
      notional: verdict.notional.toFixed(),
      reduceOnly: verdict.intent.reduceOnly,
      sizing: verdict.sizing,
      ...(verdict.stopLoss === undefined ? {} : { stopLoss: verdict.stopLoss }),
      ...(verdict.takeProfit === undefined ? {} : { takeProfit: verdict.takeProfit }),
      ...(verdict.trailingPct === undefined ? {} : { trailingPct: verdict.trailingPct }),
      checks: verdict.checks,
    },
  };
  const entries = verdict.intent.reduceOnly ? recentEntries : [...recentEntries, d.bar];
  return { context: { ...context, recentEntries: entries }, outputs: [out] };
}

function onValuation(
  context: RiskEngineContext,
  v: EventData<"PortfolioValued">,
  at: string,
): RiskEngineStep {
  let ctx: RiskEngineContext = {
    ...context,
    cash: v.cash,
    equity: v.equity,
    drawdown: v.drawdown,
    valuedBar: context.valuedBar === null || v.bar > context.valuedBar ? v.bar : context.valuedBar,
    positions: v.positions.map((p) => ({ symbol: p.symbol, quantity: p.quantity, mark: p.markPrice })),
    day: recordDayEquity(context.day, v.bar, v.equity),
  };
  const outputs: AnyEventDraft[] = [];
  const daily = checkDailyLoss(ctx.breakers, ctx.day, ctx.params, at);
  ctx = { ...ctx, breakers: daily.state };
  outputs.push(...daily.outputs);
  const state = updateTradingState(ctx, at);
  ctx = state.context;
  outputs.push(...state.outputs);
  const valuedBar = ctx.valuedBar;
  const pending = judgePending(ctx, (bar) => valuedBar !== null && bar <= valuedBar);
  return { context: pending.context, outputs: [...outputs, ...pending.outputs] };
}

/** Drawdown → trading state; reaching maxDrawdownPct trips the drawdown halt (HALTED until an operator resumes). */
function updateTradingState(context: RiskEngineContext, at: string): RiskEngineStep {
  const pct = drawdownPct(context.drawdown);
  const max = context.params.maxDrawdownPct;
  let ctx: RiskEngineContext = context;
  const outputs: AnyEventDraft[] = [];
  if (pct < max && !ctx.drawdownHaltArmed) ctx = { ...ctx, drawdownHaltArmed: true };
  if (pct >= max && ctx.drawdownHaltArmed && activeBreaker(ctx.breakers, "drawdown_halt") === undefined) {
    const trip = tripBreaker(
      ctx.breakers,
      {
        breaker: "drawdown_halt",
        reason: `drawdown ${pct.toFixed(2)}% ≥ ${max}%: halted until an operator resumes`,
        value: pct.toFixed(4),
        threshold: String(max),
      },
      at,
    );
    ctx = { ...ctx, breakers: trip.state, drawdownHaltArmed: false };
    outputs.push(...trip.outputs);
  }
  const halted = activeBreaker(ctx.breakers, "drawdown_halt") !== undefined;
  const fromDrawdown = tradingStateForDrawdown(ctx.drawdown, ctx.params);
  // After a resume the drawdown may still be past the limit: trade reduce-only until it recovers.
  const target: TradingState = halted ? "HALTED" : fromDrawdown === "HALTED" ? "REDUCING" : fromDrawdown;
  return changeTradingState(ctx, target, `drawdown ${pct.toFixed(2)}%`, at, outputs);
}

function changeTradingState(
  context: RiskEngineContext,
  to: TradingState,
  why: string,
  at: string,
  outputs: AnyEventDraft[],
): RiskEngineStep {
  if (to === context.tradingState) return { context, outputs };
  const p = context.params;
  const rule =
    to === "HALTED"
      ? `≥ ${p.maxDrawdownPct}% halts`
      : to === "REDUCING"
        ? `≥ ${p.reducingDrawdownPct}% allows only risk-reducing orders`
        : `< ${p.reducingDrawdownPct}% trades normally`;
  const change: AnyEventDraft = {
    type: "TradingStateChanged",
    at,
    data: { from: context.tradingState, to, reason: `${why} (${rule})` },
  };
  return { context: { ...context, tradingState: to }, outputs: [...outputs, change] };
}

function onPositionChanged(
  context: RiskEngineContext,
  p: EventData<"PositionChanged">,
  at: string,
): RiskEngineStep {
  const others = context.positions.filter((x) => x.symbol !== p.symbol);
  const mark = context.positions.find((x) => x.symbol === p.symbol)?.mark ?? p.averagePrice;
  const positions = new Decimal(p.quantity).isZero()
    ? others
    : [...others, { symbol: p.symbol, quantity: p.quantity, mark }];
  const stopExit = context.stopFills.includes(p.fillId);
  const ctx: RiskEngineContext = {
    ...context,
    positions,
    cash: p.cash,
    stopFills: context.stopFills.filter((f) => f !== p.fillId),
  };
  const trade = p.closedTrade;
  if (trade === undefined) return { context: ctx, outputs: [] };
  const entryNotional = new Decimal(trade.entryPrice).mul(trade.quantity).toFixed();
  const withStats = { ...ctx, stats: addClosedTrade(ctx.stats, trade.pnl, entryNotional) };
  const step = recordClosedTrade(
    withStats.breakers,
    { pnl: trade.pnl, closedAt: trade.closedAt, stopExit },
    context.params,
    at,
  );
  return withBreakers(withStats, step, []);
}

function onOrderFilled(context: RiskEngineContext, f: EventData<"OrderFilled">): RiskEngineStep {
  if (!context.stopOrders.includes(f.orderId)) return { context, outputs: [] };
  const done = new Decimal(f.remainingQuantity).isZero();
  return {
    context: {
      ...context,
      stopFills: [...context.stopFills, f.fillId],
      stopOrders: done ? context.stopOrders.filter((o) => o !== f.orderId) : context.stopOrders,
    },
    outputs: [],
  };
}

function onCandle(context: RiskEngineContext, bar: EventData<"CandleClosed">): RiskEngineStep {
  if (bar.symbol !== context.symbol || bar.timeframe !== context.timeframe) return { context, outputs: [] };
  // The next bar closed before the valuation of a pending decision's bar arrived: judge it with what is known.
  const pending = judgePending(context, (decided) => decided < bar.closeTime);
  const step = checkVolatility(pending.context.breakers, bar, context.params);
  return withBreakers(pending.context, step, pending.outputs);
}

function onCommand(context: RiskEngineContext, c: EventData<"CommandAccepted">, at: string): RiskEngineStep {
  const ctx: RiskEngineContext = { ...context, session: c.to };
  if (c.command !== "resume" || activeBreaker(ctx.breakers, "drawdown_halt") === undefined) {
    return { context: ctx, outputs: [] };
  }
  const reset = resetBreaker(ctx.breakers, "drawdown_halt", `operator resume (command ${c.commandId})`, at);
  const resumed: RiskEngineContext = { ...ctx, breakers: reset.state };
  const fromDrawdown = tradingStateForDrawdown(resumed.drawdown, resumed.params);
  const to: TradingState = fromDrawdown === "HALTED" ? "REDUCING" : fromDrawdown;
  return changeTradingState(
    resumed,
    to,
    `operator resume at drawdown ${drawdownPct(resumed.drawdown).toFixed(2)}%`,
    at,
    reset.outputs,
  );
}

const riskEngineAccepts = [
  "DecisionMade",
  "PositionChanged",
  "PortfolioValued",
  "CandleClosed",
  "OrderSubmitted",
  "OrderFilled",
  "OrderCancelled",
  "OrderRejected",
  "SessionStarted",
  "SessionPaused",
  "SessionResumed",
  "SessionHalted",
  "SessionStopping",
  "SessionStopped",
  "CommandAccepted",
] as const satisfies readonly EventType[];

/** The risk engine as an XState machine (a live actor folding `decideRiskEngine`). */
export const riskEngineMachine = deciderMachine("risk", initialRiskEngineContext, decideRiskEngine);

/** The risk engine of a session (writer `risk`). */
export function createRiskEngineSpec(setupData: SessionSetup): ActorSpec<RiskEngineInput> {
  const { risk, execution, agents } = setupData.strategy;
  return {
    writer: "risk",
    machine: riskEngineMachine,
    input: {
      symbol: setupData.symbol,
      timeframe: setupData.timeframe,
      initialCash: setupData.initialCash,
      params: risk,
      execution: {
        allowShort: execution.allowShort,
        quantityDecimals: execution.quantityDecimals,
        priceDecimals: execution.priceDecimals,
        takerFeePct: execution.takerFeePct,
        slippageBps: execution.slippageBps,
      },
      trend: {
        stopLossPct: agents.trend.stopLossPct,
        takeProfitPct: agents.trend.takeProfitPct,
        trailingStopPct: agents.trend.trailingStopPct,
      },
    },
    accepts: riskEngineAccepts,
    machineVersion: "risk-engine/2",
  };
}
