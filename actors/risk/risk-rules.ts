import type { TradeAction } from "../../events/index.ts";
import type { RiskParams } from "../strategy/strategy-config.ts";

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
