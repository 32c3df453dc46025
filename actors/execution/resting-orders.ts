import type { Side } from "../../events/index.ts";
import { dec, type ExactDecimal, ZERO } from "./exact-decimal.ts";
import { firstTouch, type Touch, trailingTouch } from "./fill-model.ts";

export type PaperOrderType = "market" | "limit" | "stop_loss" | "take_profit" | "trailing_stop";

/** Protective orders an entry places once it has filled completely (one OCO group). */
export interface Protection {
  readonly stopLoss?: string;
  readonly takeProfit?: string;
  readonly trailingPct?: number;
}

/** An open order at the paper venue (decimal strings; serialisable as part of the actor's snapshot). */
export interface PaperOrder {
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly decisionId?: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: PaperOrderType;
  readonly quantity: string;
  readonly filled: string;
  /** Fills so far (numbers the fill ids). */
  readonly fills: number;
  readonly limitPrice?: string;
  readonly stopPrice?: string;
  readonly trailingPct?: number;
  /** Best price seen since a trailing stop was placed. */
  readonly anchor?: string;
  readonly reduceOnly: boolean;
  /** The entry that placed this protective order; its siblings form one OCO group. */
  readonly parentOrderId?: string;
  /** Event time the order was placed: it may fill only on bars closing after it (next-bar rule). */
  readonly placedAt: string;
  /** A stop that has triggered: the rest fills as a market order. */
  readonly triggered: boolean;
  readonly protection?: Protection;
}

export function remainingOf(order: PaperOrder): ExactDecimal {
  return dec(order.quantity).sub(dec(order.filled));
}

/** May this order fill on a bar closing at `closeTime`? Only bars after the one it was decided on. */
export function isEligible(order: PaperOrder, closeTime: string): boolean {
  return order.placedAt < closeTime;
}

/** Orders that fill at the bar's open: market orders and stops already triggered. */
export function fillsAtOpen(order: PaperOrder): boolean {
  return order.type === "market" || order.triggered;
}

/** Limits and take-profits rest on the book and earn the maker fee; everything else takes. */
export function isMaker(order: PaperOrder): boolean {
  return order.type === "limit" || order.type === "take_profit";
}

export function isStop(order: PaperOrder): boolean {
  return order.type === "stop_loss" || order.type === "trailing_stop";
}

/**
 * How much of the order the position allows now (null = no limit): a reduce-only order may only shrink the
 * position; without shorting a sell may only sell what is held.
 */
export function capacityOf(
  order: PaperOrder,
  position: ExactDecimal,
  allowShort: boolean,
): ExactDecimal | null {
  const reducible = order.side === "sell" ? position : position.neg();
  if (order.reduceOnly) return reducible.gt(0) ? reducible : ZERO;
  if (order.side === "sell" && !allowShort) return position.gt(0) ? position : ZERO;
  return null;
}

/** Does this order shrink the position (a protective order that no longer does is void)? */
export function reduces(side: Side, position: ExactDecimal): boolean {
  return side === "sell" ? position.gt(0) : position.lt(0);
}

/**
 * Where a resting order (limit, stop, take-profit, trailing stop) is reached along the bar's path, and the trailing
 * anchor after the bar. Buy limits and sell stops wait for the price to fall to them; the others for it to rise.
 */
export function touchOf(
  order: PaperOrder,
  path: readonly ExactDecimal[],
  priceDecimals: number,
): { touch: Touch | null; anchor?: ExactDecimal } {
  switch (order.type) {
    case "limit":
    case "take_profit": {
      const level = dec(order.limitPrice ?? "0");
      return { touch: firstTouch(path, level, order.side === "buy" ? "down" : "up") };
    }
    case "stop_loss": {
      const level = dec(order.stopPrice ?? "0");
      return { touch: firstTouch(path, level, order.side === "sell" ? "down" : "up") };
    }
    case "trailing_stop":
      return trailingTouch(path, order.side, dec(order.anchor ?? "0"), order.trailingPct ?? 0, priceDecimals);
    default:
      return { touch: null };
  }
}
