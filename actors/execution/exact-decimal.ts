import { Decimal } from "decimal.js";

/**
 * The decimal type of the execution ledger: 60 significant digits, so sums and products of prices, quantities and
 * fee rates stay exact (a 20-digit default would round a large notional times a fee rate). Divisions are the only
 * inexact step; the ledger rounds them explicitly and books the remainder, so the balance still adds up.
 */
export const ExactDecimal = Decimal.clone({
  precision: 60,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -60,
  toExpPos: 60,
});
export type ExactDecimal = InstanceType<typeof ExactDecimal>;

export const ZERO = new ExactDecimal(0);

/** A decimal as wire text: plain notation, never `-0`. */
export function decimalText(d: ExactDecimal): string {
  return d.isZero() ? "0" : d.toFixed();
}

/** Parses wire text (or a number, for percentages from the strategy) into an exact decimal. */
export function dec(v: string | number | ExactDecimal): ExactDecimal {
  return new ExactDecimal(v);
}
