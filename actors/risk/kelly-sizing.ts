import { Decimal } from "decimal.js";
import type { RiskParams } from "../strategy/strategy-config.ts";

/**
 * Fractional Kelly sizing from the session's OWN closed trades (DESIGN §7). Statistics are ratios (plain numbers);
 * the money (equity, caps, notional) is decimal, and quantities are rounded DOWN to the venue's precision.
 */

/** What the sizer knows of the session's closed trades: counts and summed returns (pnl ÷ entry notional). */
export interface TradeStats {
  readonly trades: number;
  readonly wins: number;
  /** Σ return of winning trades (each > 0). */
  readonly winReturnSum: number;
  /** Σ |return| of losing trades (pnl ≤ 0 counts as a loss). */
  readonly lossReturnSum: number;
}

export const emptyTradeStats: TradeStats = { trades: 0, wins: 0, winReturnSum: 0, lossReturnSum: 0 };

/** Adds one closed trade (its pnl and entry notional, decimal strings) to the statistics. */
export function addClosedTrade(stats: TradeStats, pnl: string, entryNotional: string): TradeStats {
  const notional = new Decimal(entryNotional);
  if (notional.lte(0)) return stats;
  const r = new Decimal(pnl).div(notional).toNumber();
  return r > 0
    ? { ...stats, trades: stats.trades + 1, wins: stats.wins + 1, winReturnSum: stats.winReturnSum + r }
    : { ...stats, trades: stats.trades + 1, lossReturnSum: stats.lossReturnSum + Math.abs(r) };
}

export interface KellyEstimate {
  readonly sampleSize: number;
  /** Win rate p. */
  readonly winRate: number;
  /** Payoff b = average win ÷ average loss (Infinity when there was no loss yet). */
  readonly payoff: number;
  /** Full Kelly f* = p − (1 − p) ÷ b, clamped to [−1, 1]. */
  readonly kelly: number;
  /** f* shrunk toward zero while the sample is small: f* × n ÷ (n + kellyPriorTrades). */
  readonly edge: number;
}

/**
 * The Kelly estimate of the closed trades, or null while there is none (no invented win rate: the sizer then uses
 * the documented initial size so a session can start learning).
 */
export function estimateKelly(
  stats: TradeStats,
  params: Pick<RiskParams, "kellyPriorTrades">,
): KellyEstimate | null {
  const n = stats.trades;
  if (n === 0) return null;
  const losses = n - stats.wins;
  const p = stats.wins / n;
  const avgWin = stats.wins === 0 ? 0 : stats.winReturnSum / stats.wins;
  const avgLoss = losses === 0 ? 0 : stats.lossReturnSum / losses;
  const payoff = avgLoss === 0 ? (avgWin > 0 ? Number.POSITIVE_INFINITY : 0) : avgWin / avgLoss;
  // b = 0 (no win yet): every unit risked is lost, f* = −1 by the limit of the formula.
  const raw = payoff === 0 ? -1 : payoff === Number.POSITIVE_INFINITY ? p : p - (1 - p) / payoff;
  const kelly = Math.max(-1, Math.min(1, raw));
  const edge = kelly * (n / (n + params.kellyPriorTrades));
  return { sampleSize: n, winRate: p, payoff, kelly, edge };
}

/** A limit on the notional of one order: how much room it leaves (never negative). */
export interface NotionalCap {
  readonly rule: string;
  readonly room: Decimal;
}

export interface SizingInput {
  /** Null while the session has no closed trade: size = initialSizeFraction × position cap. */
  readonly estimate: KellyEstimate | null;
  readonly equity: Decimal;
  readonly price: Decimal;
  readonly caps: readonly NotionalCap[];
  readonly quantityDecimals: number;
  readonly params: Pick<RiskParams, "kellyFraction" | "initialSizeFraction" | "maxPositionNotionalPct">;
}

export interface Sizing {
  readonly method: "initial" | "fractional-kelly";
  readonly kellyFraction: number;
  readonly edge: number;
  readonly sampleSize: number;
  /** The notional the sizing rule asked for before the caps. */
  readonly target: Decimal;
  /** The caps that cut the target down. */
  readonly capsApplied: string[];
  readonly quantity: Decimal;
  readonly notional: Decimal;
}

/**
 * Entry size: kellyFraction × edge × equity (0 when the edge ≤ 0), or the initial size before any closed trade; then
 * the smallest room of every cap; then the quantity rounded down to the venue's precision.
 */
export function sizeEntry(input: SizingInput): Sizing {
  const { estimate, equity, price, params } = input;
  const positiveEquity = Decimal.max(equity, 0);
  const target =
    estimate === null
      ? positiveEquity.mul(params.maxPositionNotionalPct).div(100).mul(params.initialSizeFraction)
      : estimate.edge <= 0
        ? new Decimal(0)
        : positiveEquity.mul(params.kellyFraction).mul(estimate.edge);
  let notional = target;
  const capsApplied: string[] = [];
  for (const cap of input.caps) {
    const room = Decimal.max(cap.room, 0);
    if (room.lt(target)) capsApplied.push(cap.rule);
    notional = Decimal.min(notional, room);
  }
  const quantity = price.gt(0)
    ? notional.div(price).toDecimalPlaces(input.quantityDecimals, Decimal.ROUND_DOWN)
    : new Decimal(0);
  return {
    method: estimate === null ? "initial" : "fractional-kelly",
    kellyFraction: params.kellyFraction,
    edge: estimate?.edge ?? 0,
    sampleSize: estimate?.sampleSize ?? 0,
    target,
    capsApplied,
    quantity,
    notional: quantity.mul(price),
  };
}
