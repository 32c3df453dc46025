import { Decimal } from "decimal.js";
import type { EventData, SessionStatus, Side, TradeAction } from "../../events/index.ts";
import type { ExecutionParams, RiskParams, TrendParams } from "../strategy/strategy-config.ts";
import { type BreakerName, breakerNames } from "./circuit-breakers.ts";
import { type KellyEstimate, sizeEntry } from "./kelly-sizing.ts";

/**
 * The risk rules: the ONE module the risk agent (a voter) and the risk engine (the pre-trade gate) both judge by.
 * Pure functions of numbers and event data; no clock, no state of their own.
 */

export type TradingState = "ACTIVE" | "REDUCING" | "HALTED";

/** Drawdown as a fraction of equity (0..1, as PortfolioValued carries it) → the percentage the limits speak in. */
export function drawdownPct(drawdown: number): number {
  return drawdown * 100;
}

/**
 * The trading state the drawdown alone calls for: HALTED at maxDrawdownPct, REDUCING (only risk-reducing orders) at
 * reducingDrawdownPct, ACTIVE below.
 */
export function tradingStateForDrawdown(drawdown: number, params: RiskParams): TradingState {
  const pct = drawdownPct(drawdown);
  if (pct >= params.maxDrawdownPct) return "HALTED";
  if (pct >= params.reducingDrawdownPct) return "REDUCING";
  return "ACTIVE";
}

/** Drawdown percentage at which the risk agent vetoes: vetoAtDrawdownShare × maxDrawdownPct. */
export function vetoDrawdownPct(params: RiskParams): number {
  return params.vetoAtDrawdownShare * params.maxDrawdownPct;
}

/** How close the drawdown is to the hard limit, 0 (no drawdown) .. 1 (at or beyond maxDrawdownPct). */
export function closenessToLimit(drawdown: number, params: RiskParams): number {
  return Math.min(1, Math.max(0, drawdownPct(drawdown) / params.maxDrawdownPct));
}

export interface VetoJudgement {
  readonly action: TradeAction;
  readonly veto: boolean;
  readonly confidence: number;
  readonly reasoning: string;
}

/**
 * The risk agent's vote from the portfolio state: past the veto drawdown it asks to close what is open (SELL a long,
 * BUY back a short) with a veto; otherwise HOLD. Confidence is the closeness to the drawdown limit, so a HOLD leans
 * harder against new entries as the drawdown grows, and a veto is the more certain the nearer the limit.
 */
export function judgePortfolio(
  state: { readonly drawdown: number; readonly positionQuantity: number },
  params: RiskParams,
): VetoJudgement {
  const pct = drawdownPct(state.drawdown);
  const confidence = round4(closenessToLimit(state.drawdown, params));
  const limit = vetoDrawdownPct(params);
  const ddText = `drawdown ${pct.toFixed(2)}% (veto at ${limit.toFixed(2)}%, limit ${params.maxDrawdownPct}%)`;
  if (pct >= limit && state.positionQuantity > 0) {
    return { action: "SELL", veto: true, confidence, reasoning: `${ddText}: close the long position` };
  }
  if (pct >= limit && state.positionQuantity < 0) {
    return { action: "BUY", veto: true, confidence, reasoning: `${ddText}: cover the short position` };
  }
  if (pct >= limit) {
    return { action: "HOLD", veto: false, confidence, reasoning: `${ddText}: flat, no new entries advised` };
  }
  return { action: "HOLD", veto: false, confidence, reasoning: `${ddText}: within limits` };
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

// ---- Pre-trade checks (the risk engine's gate) ----

export type RiskCheck = EventData<"RiskApproved">["checks"][number];
export type ApprovalSizing = EventData<"RiskApproved">["sizing"];

/** Which session states let an order through: entries only while created/running; reductions also while stopping. */
const entrySessionStates: readonly SessionStatus[] = ["created", "running"];
const reduceSessionStates: readonly SessionStatus[] = ["created", "running", "stopping"];

export interface OrderIntent {
  readonly side: Side;
  /** A SELL while long closes the long; a BUY while short covers the short. */
  readonly reduceOnly: boolean;
  /** The direction of the position the order opens or adds to (entries), or closes (reductions). */
  readonly direction: "long" | "short";
}

/** What a BUY or SELL decision means given the signed position of its symbol. */
export function classifyDecision(action: "BUY" | "SELL", position: Decimal): OrderIntent {
  if (action === "BUY") {
    return position.lt(0)
      ? { side: "buy", reduceOnly: true, direction: "short" }
      : { side: "buy", reduceOnly: false, direction: "long" };
  }
  return position.gt(0)
    ? { side: "sell", reduceOnly: true, direction: "long" }
    : { side: "sell", reduceOnly: false, direction: "short" };
}

export interface PositionMark {
  readonly symbol: string;
  readonly quantity: string;
  readonly mark: string;
}

export interface PreTradeInput {
  readonly action: "BUY" | "SELL";
  readonly symbol: string;
  readonly price: string;
  /** Signed positions of every symbol with their marks (the decision's symbol is marked at the decision price). */
  readonly positions: readonly PositionMark[];
  readonly equity: string;
  readonly cash: string;
  readonly session: SessionStatus;
  readonly tradingState: TradingState;
  readonly drawdown: number;
  readonly dailyLossPct: Decimal;
  readonly activeBreakers: readonly BreakerName[];
  /** Entries approved within the hour up to the decision's bar. */
  readonly entriesLastHour: number;
  readonly estimate: KellyEstimate | null;
  readonly params: RiskParams;
  readonly execution: Pick<
    ExecutionParams,
    "allowShort" | "quantityDecimals" | "priceDecimals" | "takerFeePct" | "slippageBps"
  >;
  readonly trend: Pick<TrendParams, "stopLossPct" | "takeProfitPct" | "trailingStopPct">;
}

export interface PreTradeVerdict {
  readonly approved: boolean;
  readonly intent: OrderIntent;
  readonly checks: RiskCheck[];
  readonly quantity: Decimal;
  readonly notional: Decimal;
  readonly sizing: ApprovalSizing;
  readonly stopLoss?: string;
  readonly takeProfit?: string;
  readonly trailingPct?: number;
}

function check(rule: string, passed: boolean, message: string, limit?: string, actual?: string): RiskCheck {
  return {
    rule,
    passed,
    message,
    ...(limit === undefined ? {} : { limit }),
    ...(actual === undefined ? {} : { actual }),
  };
}

const breakerMessages: Record<BreakerName, string> = {
  stoploss_guard: "stop-loss guard: too many stop-loss exits recently",
  drawdown_halt: "drawdown halt: until an operator resumes",
  daily_loss: "daily-loss limit: until the next UTC day",
  cooldown: "cooldown after a losing trade",
  volatility_halt: "volatility halt after an outsized bar",
};

/** The state checks every order passes, entries and reductions alike (with the entry or reduce-only rule). */
function stateChecks(input: PreTradeInput, reduceOnly: boolean): RiskCheck[] {
  const sessionOk = (reduceOnly ? reduceSessionStates : entrySessionStates).includes(input.session);
  const tradingOk = reduceOnly ? input.tradingState !== "HALTED" : input.tradingState === "ACTIVE";
  return [
    check(
      "session_state",
      sessionOk,
      sessionOk
        ? `session ${input.session}`
        : `session ${input.session}: ${reduceOnly ? "no orders" : "no new entries"}`,
      undefined,
      input.session,
    ),
    check(
      "trading_state",
      tradingOk,
      tradingOk
        ? `trading ${input.tradingState}`
        : `trading ${input.tradingState}: ${input.tradingState === "HALTED" ? "no orders" : "only risk-reducing orders"}`,
      undefined,
      input.tradingState,
    ),
  ];
}

function entryRuleChecks(input: PreTradeInput, intent: OrderIntent, opensNew: boolean): RiskCheck[] {
  const { params } = input;
  const ddPct = drawdownPct(input.drawdown);
  const rewardRisk = input.trend.takeProfitPct / input.trend.stopLossPct;
  const open = input.positions.filter((p) => !new Decimal(p.quantity).isZero()).length;
  const checks: RiskCheck[] = [
    check(
      "drawdown",
      ddPct < params.reducingDrawdownPct,
      `drawdown ${ddPct.toFixed(2)}% (entries below ${params.reducingDrawdownPct}%)`,
      String(params.reducingDrawdownPct),
      ddPct.toFixed(4),
    ),
    ...breakerNames.map((b) => {
      const tripped = input.activeBreakers.includes(b);
      return check(b, !tripped, tripped ? `${breakerMessages[b]}: no entries` : `${b} not tripped`);
    }),
    check(
      "daily_loss_limit",
      input.dailyLossPct.lt(params.maxDailyLossPct),
      `today's loss ${input.dailyLossPct.toFixed(2)}% (limit ${params.maxDailyLossPct}%)`,
      String(params.maxDailyLossPct),
      input.dailyLossPct.toFixed(4),
    ),
    check(
      "reward_risk",
      rewardRisk >= params.minRewardRisk,
      `reward:risk ${rewardRisk.toFixed(2)} (take-profit ${input.trend.takeProfitPct}% ÷ stop ${input.trend.stopLossPct}%)`,
      String(params.minRewardRisk),
      rewardRisk.toFixed(4),
    ),
    check(
      "trades_per_hour",
      input.entriesLastHour < params.maxTradesPerHour,
      `${input.entriesLastHour} entries in the last hour (max ${params.maxTradesPerHour})`,
      String(params.maxTradesPerHour),
      String(input.entriesLastHour),
    ),
    check(
      "open_positions",
      !opensNew || open < params.maxOpenPositions,
      `${open} open positions (max ${params.maxOpenPositions})`,
      String(params.maxOpenPositions),
      String(open),
    ),
  ];
  if (intent.direction === "short") {
    checks.push(
      check(
        "short_allowed",
        input.execution.allowShort,
        input.execution.allowShort ? "shorts allowed" : "short selling is disabled (execution.allowShort)",
      ),
    );
  }
  if (input.estimate === null) {
    // Too few closed trades to estimate an edge from: the documented initial size lets the session learn.
    checks.push(
      check(
        "kelly_edge",
        true,
        `learning: fewer than ${input.params.kellyMinTrades} closed trades, initial size (${input.params.initialSizeFraction} of the position cap)`,
        "0",
        "0",
      ),
    );
  } else {
    const e = input.estimate;
    checks.push(
      check(
        "kelly_edge",
        e.edge > 0,
        e.edge > 0
          ? `edge ${e.edge.toFixed(4)} from ${e.sampleSize} closed trades`
          : `no edge: Kelly ${e.kelly.toFixed(4)} (win rate ${e.winRate.toFixed(3)}, payoff ${e.payoff.toFixed(3)}) from ${e.sampleSize} closed trades`,
        "0",
        e.edge.toFixed(6),
      ),
    );
  }
  return checks;
}

function pct(value: Decimal, percent: number): Decimal {
  return value.mul(percent).div(100);
}

/** The notional caps of an entry: room left under each limit, with its check once sized. */
function entryCaps(
  input: PreTradeInput,
  intent: OrderIntent,
): { rule: string; cap: Decimal; used: Decimal; room: Decimal }[] {
  const equity = Decimal.max(new Decimal(input.equity), 0);
  const price = new Decimal(input.price);
  const symbolNotional = input.positions
    .filter((p) => p.symbol === input.symbol)
    .reduce((s, p) => s.plus(new Decimal(p.quantity).abs().mul(price)), new Decimal(0));
  const exposure = input.positions.reduce(
    (s, p) => s.plus(new Decimal(p.quantity).abs().mul(p.symbol === input.symbol ? price : p.mark)),
    new Decimal(0),
  );
  const positionCap = pct(equity, input.params.maxPositionNotionalPct);
  const concentrationCap = pct(equity, input.params.maxConcentrationPct);
  const exposureCap = pct(equity, input.params.maxTotalExposurePct);
  const caps = [
    { rule: "position_notional", cap: positionCap, used: new Decimal(0), room: positionCap },
    {
      rule: "concentration",
      cap: concentrationCap,
      used: symbolNotional,
      room: concentrationCap.minus(symbolNotional),
    },
    { rule: "total_exposure", cap: exposureCap, used: exposure, room: exposureCap.minus(exposure) },
  ];
  if (intent.direction === "long") {
    // A buy pays the price plus the taker fee and the expected slippage.
    const cost = new Decimal(input.execution.takerFeePct)
      .div(100)
      .plus(new Decimal(input.execution.slippageBps).div(10_000));
    const cash = Decimal.max(new Decimal(input.cash), 0);
    caps.push({ rule: "cash", cap: cash, used: new Decimal(0), room: cash.div(cost.plus(1)) });
  }
  return caps;
}

function protectiveLevels(input: PreTradeInput, intent: OrderIntent) {
  const price = new Decimal(input.price);
  const sl = new Decimal(input.trend.stopLossPct).div(100);
  const tp = new Decimal(input.trend.takeProfitPct).div(100);
  const sign = intent.direction === "long" ? 1 : -1;
  const round = (d: Decimal) =>
    d.toDecimalPlaces(input.execution.priceDecimals, Decimal.ROUND_HALF_UP).toFixed();
  return {
    stopLoss: round(price.mul(new Decimal(1).minus(sl.mul(sign)))),
    takeProfit: round(price.mul(new Decimal(1).plus(tp.mul(sign)))),
    trailingPct: input.trend.trailingStopPct,
  };
}

/**
 * The pre-trade gate of one BUY/SELL decision: every check, and the order it allows. A reduction (SELL while long,
 * BUY while short) closes the whole position and needs only a session and trading state that allow reducing; an
 * entry passes every rule and breaker and is sized by fractional Kelly under every cap.
 */
export function evaluatePreTrade(input: PreTradeInput): PreTradeVerdict {
  const price = new Decimal(input.price);
  const position = input.positions
    .filter((p) => p.symbol === input.symbol)
    .reduce((s, p) => s.plus(p.quantity), new Decimal(0));
  const intent = classifyDecision(input.action, position);
  const estimate = input.estimate;
  if (intent.reduceOnly) {
    const quantity = position.abs().toDecimalPlaces(input.execution.quantityDecimals, Decimal.ROUND_DOWN);
    const checks = [
      ...stateChecks(input, true),
      check(
        "size",
        quantity.gt(0),
        `close ${quantity.toFixed()} (${intent.direction})`,
        undefined,
        quantity.toFixed(),
      ),
    ];
    return {
      approved: checks.every((c) => c.passed),
      intent,
      checks,
      quantity,
      notional: quantity.mul(price),
      sizing: {
        method: "close",
        kellyFraction: input.params.kellyFraction,
        edge: estimate?.edge ?? 0,
        sampleSize: estimate?.sampleSize ?? 0,
        capsApplied: [],
      },
    };
  }
  const caps = entryCaps(input, intent);
  const sized = sizeEntry({
    estimate,
    equity: new Decimal(input.equity),
    price,
    caps,
    quantityDecimals: input.execution.quantityDecimals,
    params: input.params,
  });
  const checks = [
    ...stateChecks(input, false),
    ...entryRuleChecks(input, intent, position.isZero()),
    ...caps.map((c) =>
      check(
        c.rule,
        c.room.gt(0) && sized.notional.lte(c.room),
        `${c.rule.replace("_", " ")}: ${c.used.toFixed(2)} used of ${c.cap.toFixed(2)}; order ${sized.notional.toFixed(2)}`,
        c.cap.toFixed(2),
        c.used.plus(c.rule === "position_notional" || c.rule === "cash" ? sized.notional : 0).toFixed(2),
      ),
    ),
    check(
      "size",
      sized.quantity.gt(0),
      sized.quantity.gt(0)
        ? `${sized.method} size ${sized.quantity.toFixed()} (target notional ${sized.target.toFixed(2)})`
        : `${sized.method} size rounds to 0 (target notional ${sized.target.toFixed(2)})`,
      undefined,
      sized.quantity.toFixed(),
    ),
  ];
  return {
    approved: checks.every((c) => c.passed),
    intent,
    checks,
    quantity: sized.quantity,
    notional: sized.notional,
    sizing: {
      method: sized.method,
      kellyFraction: sized.kellyFraction,
      edge: sized.edge,
      sampleSize: sized.sampleSize,
      capsApplied: sized.capsApplied,
    },
    ...protectiveLevels(input, intent),
  };
}
