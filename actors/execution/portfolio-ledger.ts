import type { Side } from "../../events/index.ts";
import { dec, decimalText, ExactDecimal, ZERO } from "./exact-decimal.ts";

/**
 * One open position. `cost` is the signed cost basis (quantity × average price, kept exactly: the average itself is
 * derived and may not terminate). `entryFees` are fees paid on the opening fills not yet charged to a closed trade.
 * All fields are decimal strings so the ledger serialises as it is (actor snapshots).
 */
export interface LedgerPosition {
  readonly symbol: string;
  /** Signed: positive long, negative short. */
  readonly quantity: string;
  readonly cost: string;
  readonly entryFees: string;
  readonly openedAt: string;
}

/**
 * The paper account. Invariant (exact, property-tested):
 *   cash + Σ position.cost = initialCash + realizedGross − fees
 * hence, marking at any prices,
 *   equity = cash + Σ qty·mark = initialCash + realizedGross − fees + Σ (qty·mark − cost).
 */
export interface PortfolioLedger {
  readonly initialCash: string;
  readonly cash: string;
  /** Realized P&L before fees. */
  readonly realizedGross: string;
  /** Every fee paid. */
  readonly fees: string;
  readonly peakEquity: string;
  /** Open positions by symbol (flat positions are removed). */
  readonly positions: Readonly<Record<string, LedgerPosition>>;
}

export interface LedgerFill {
  readonly symbol: string;
  readonly side: Side;
  readonly quantity: string;
  readonly price: string;
  readonly fee: string;
  readonly at: string;
}

export interface ClosedTrade {
  readonly entryPrice: string;
  readonly exitPrice: string;
  readonly quantity: string;
  readonly side: "long" | "short";
  /** Net of the closing fee and of the entry fees charged to the closed part. */
  readonly pnl: string;
  readonly openedAt: string;
  readonly closedAt: string;
}

/** What one fill did to its position: the content of a PositionChanged. */
export interface PositionChange {
  readonly symbol: string;
  readonly quantity: string;
  readonly averagePrice: string;
  /** Cumulative realized P&L net of every fee (= realizedGross − fees). */
  readonly realizedPnl: string;
  /** This fill's realized P&L minus its whole fee. */
  readonly realizedDelta: string;
  readonly cash: string;
  readonly closedTrade?: ClosedTrade;
}

export interface PortfolioValuation {
  readonly cash: string;
  readonly equity: string;
  readonly peakEquity: string;
  /** (peak − equity) ÷ peak, clamped to 0..1. */
  readonly drawdown: number;
  /** Σ |qty|·mark. */
  readonly exposure: string;
  readonly positions: { symbol: string; quantity: string; markPrice: string }[];
  readonly realizedPnl: string;
  readonly unrealizedPnl: string;
  readonly fees: string;
}

/** Decimal places kept when a division splits a cost basis or a fee between a closed and a remaining part. */
const SHARE_DECIMALS = 12;
/** Decimal places of reported average prices (derived, informational: the cost basis stays exact). */
const AVERAGE_DECIMALS = 8;

export function createPortfolioLedger(initialCash: string): PortfolioLedger {
  const c = decimalText(dec(initialCash));
  return { initialCash: c, cash: c, realizedGross: "0", fees: "0", peakEquity: c, positions: {} };
}

/** The signed quantity of a symbol's position (0 when flat). */
export function positionQuantity(ledger: PortfolioLedger, symbol: string): ExactDecimal {
  const p = ledger.positions[symbol];
  return p === undefined ? ZERO : dec(p.quantity);
}

function averageOf(cost: ExactDecimal, quantity: ExactDecimal): string {
  return quantity.isZero() ? "0" : decimalText(cost.div(quantity).abs().toDecimalPlaces(AVERAGE_DECIMALS));
}

/** `part` of `total` scaled by numerator/denominator, rounded; the whole when the ratio is 1 (no rounding left). */
function share(total: ExactDecimal, numerator: ExactDecimal, denominator: ExactDecimal): ExactDecimal {
  if (numerator.eq(denominator)) return total;
  return total.mul(numerator).div(denominator).toDecimalPlaces(SHARE_DECIMALS);
}

/**
 * Books one fill: cash moves by −qty·price − fee on a buy and +qty·price − fee on a sell; the position averages in,
 * reduces (realizing P&L on the average cost), closes or flips. Pure.
 */
export function applyFill(
  ledger: PortfolioLedger,
  fill: LedgerFill,
): { ledger: PortfolioLedger; change: PositionChange } {
  const qty = dec(fill.quantity);
  const price = dec(fill.price);
  const fee = dec(fill.fee);
  const signed = fill.side === "buy" ? qty : qty.neg();
  const prev = ledger.positions[fill.symbol];
  const posQty = prev === undefined ? ZERO : dec(prev.quantity);
  const posCost = prev === undefined ? ZERO : dec(prev.cost);
  const posFees = prev === undefined ? ZERO : dec(prev.entryFees);

  const cash = dec(ledger.cash).sub(signed.mul(price)).sub(fee);
  let newQty: ExactDecimal;
  let newCost: ExactDecimal;
  let newEntryFees: ExactDecimal;
  let openedAt = prev?.openedAt ?? fill.at;
  let gross = ZERO;
  let closedTrade: ClosedTrade | undefined;

  if (posQty.isZero() || posQty.gt(0) === signed.gt(0)) {
    // Opening or averaging in: the whole fee is an entry fee of the position.
    newQty = posQty.add(signed);
    newCost = posCost.add(signed.mul(price));
    newEntryFees = posFees.add(fee);
  } else {
    const held = posQty.abs();
    const closeQty = ExactDecimal.min(qty, held);
    const costShare = share(posCost, closeQty, held);
    const entryFeeShare = share(posFees, closeQty, held);
    const exitFee = share(fee, closeQty, qty);
    const direction = posQty.gt(0) ? 1 : -1;
    gross = closeQty.mul(price).mul(direction).sub(costShare);
    const openQty = qty.sub(closeQty);
    newQty = posQty.add(signed);
    newCost = posCost.sub(costShare).add(openQty.mul(price).mul(-direction));
    newEntryFees = posFees.sub(entryFeeShare).add(fee.sub(exitFee));
    closedTrade = {
      entryPrice: averageOf(costShare, closeQty),
      exitPrice: decimalText(price),
      quantity: decimalText(closeQty),
      side: direction === 1 ? "long" : "short",
      pnl: decimalText(gross.sub(exitFee).sub(entryFeeShare)),
      openedAt,
      closedAt: fill.at,
    };
    if (openQty.gt(0)) openedAt = fill.at;
  }

  const realizedGross = dec(ledger.realizedGross).add(gross);
  const fees = dec(ledger.fees).add(fee);
  const positions = { ...ledger.positions };
  if (newQty.isZero()) delete positions[fill.symbol];
  else {
    positions[fill.symbol] = {
      symbol: fill.symbol,
      quantity: decimalText(newQty),
      cost: decimalText(newCost),
      entryFees: decimalText(newEntryFees),
      openedAt,
    };
  }
  const next: PortfolioLedger = {
    ...ledger,
    cash: decimalText(cash),
    realizedGross: decimalText(realizedGross),
    fees: decimalText(fees),
    positions,
  };
  const change: PositionChange = {
    symbol: fill.symbol,
    quantity: decimalText(newQty),
    averagePrice: averageOf(newCost, newQty),
    realizedPnl: decimalText(realizedGross.sub(fees)),
    realizedDelta: decimalText(gross.sub(fee)),
    cash: next.cash,
    ...(closedTrade === undefined ? {} : { closedTrade }),
  };
  return { ledger: next, change };
}

/**
 * Marks the ledger to market. `marks` gives a price per symbol (a position without a mark is valued at its average
 * cost, i.e. no unrealized P&L). Returns the updated peak equity with the valuation.
 */
export function valuePortfolio(
  ledger: PortfolioLedger,
  marks: Readonly<Record<string, string>>,
): { ledger: PortfolioLedger; valuation: PortfolioValuation } {
  let market = ZERO;
  let exposure = ZERO;
  let unrealized = ZERO;
  const positions: { symbol: string; quantity: string; markPrice: string }[] = [];
  for (const p of Object.values(ledger.positions).sort((a, b) => (a.symbol < b.symbol ? -1 : 1))) {
    const q = dec(p.quantity);
    const cost = dec(p.cost);
    const markText = marks[p.symbol];
    // Unmarked: valued at its exact cost basis (no unrealized P&L), shown at its average price.
    const value = markText === undefined ? cost : q.mul(dec(markText));
    market = market.add(value);
    exposure = exposure.add(value.abs());
    unrealized = unrealized.add(value.sub(cost));
    positions.push({ symbol: p.symbol, quantity: p.quantity, markPrice: markText ?? averageOf(cost, q) });
  }
  const cash = dec(ledger.cash);
  const equity = cash.add(market);
  const prevPeak = dec(ledger.peakEquity);
  const peak = equity.gt(prevPeak) ? equity : prevPeak;
  // A ratio for display and risk limits (a float by the event's schema): no 60-digit division needed.
  const drawdown = peak.gt(0) ? Math.min(1, Math.max(0, peak.sub(equity).toNumber() / peak.toNumber())) : 0;
  const fees = dec(ledger.fees);
  return {
    ledger: peak === prevPeak ? ledger : { ...ledger, peakEquity: decimalText(peak) },
    valuation: {
      cash: ledger.cash,
      equity: decimalText(equity),
      peakEquity: decimalText(peak),
      drawdown,
      exposure: decimalText(exposure),
      positions,
      realizedPnl: decimalText(dec(ledger.realizedGross).sub(fees)),
      unrealizedPnl: decimalText(unrealized),
      fees: ledger.fees,
    },
  };
}
