import type { Side } from "../../events/index.ts";
import { dec, ExactDecimal as Exact, type ExactDecimal, ZERO } from "./exact-decimal.ts";

/** The bar a fill model works on (decimal strings as on the wire). */
export interface FillBar {
  readonly openTime: string;
  readonly closeTime: string;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
}

/** The execution parameters fill models use (a subset of the strategy's `execution`). */
export interface FillParams {
  readonly slippageBps: number;
  readonly volumeImpactBps: number;
  /** 0 means no cap. */
  readonly maxVolumeShare: number;
  readonly makerFeePct: number;
  readonly takerFeePct: number;
  readonly quantityDecimals: number;
  readonly priceDecimals: number;
}

const BPS = new Exact(10_000);
const HUNDRED = new Exact(100);
// Multiplying by these is exact and much cheaper than dividing at 60 digits.
const PER_BPS = new Exact("0.0001");
const PER_CENT = new Exact("0.01");

/** Quantities are cut (never rounded up) to the venue's precision. */
export function roundQuantity(q: ExactDecimal, decimals: number): ExactDecimal {
  return q.toDecimalPlaces(decimals, Exact.ROUND_DOWN);
}

/** Rounds a price to the venue's precision against the taker: up for a buy, down for a sell. */
export function roundPriceAdverse(price: ExactDecimal, side: Side, decimals: number): ExactDecimal {
  return price.toDecimalPlaces(decimals, side === "buy" ? Exact.ROUND_UP : Exact.ROUND_DOWN);
}

/** Rounds a trigger or limit price to the venue's precision (half-even). */
export function roundPrice(price: ExactDecimal, decimals: number): ExactDecimal {
  return price.toDecimalPlaces(decimals, Exact.ROUND_HALF_EVEN);
}

/** Slippage of a taker fill in bps: the fixed part plus `volumeImpactBps` per 1 % of the bar's volume taken. */
export function slippageBpsFor(
  params: FillParams,
  quantity: ExactDecimal,
  barVolume: ExactDecimal,
): ExactDecimal {
  const base = dec(params.slippageBps);
  if (params.volumeImpactBps === 0 || !barVolume.gt(0)) return base;
  const participationPct = quantity.div(barVolume).mul(HUNDRED);
  return base.add(participationPct.mul(params.volumeImpactBps));
}

/** A taker's price: `price` moved against the taker by `bps`, rounded against the taker. */
export function slipPrice(
  price: ExactDecimal,
  side: Side,
  bps: ExactDecimal,
  decimals: number,
): ExactDecimal {
  const factor = side === "buy" ? BPS.add(bps) : BPS.sub(bps);
  const moved = price.mul(factor).mul(PER_BPS);
  return roundPriceAdverse(moved.lt(0) ? ZERO : moved, side, decimals);
}

/** The most one order may take from a bar (null when uncapped). */
export function volumeCap(params: FillParams, barVolume: ExactDecimal): ExactDecimal | null {
  if (params.maxVolumeShare === 0) return null;
  return roundQuantity(barVolume.mul(params.maxVolumeShare), params.quantityDecimals);
}

/** Fee on a fill: notional × pct / 100 (exact). */
export function feeFor(quantity: ExactDecimal, price: ExactDecimal, feePct: number): ExactDecimal {
  return quantity.mul(price).mul(feePct).mul(PER_CENT);
}

/**
 * The path a bar is assumed to have taken: open, the extreme nearer the open, the other extreme, close (a tie goes
 * high first). Stops and limits trigger at the first point of this path that reaches them.
 */
export function barPath(bar: FillBar): readonly ExactDecimal[] {
  const open = dec(bar.open);
  const high = dec(bar.high);
  const low = dec(bar.low);
  const highFirst = high.sub(open).lte(open.sub(low));
  return highFirst ? [open, high, low, dec(bar.close)] : [open, low, high, dec(bar.close)];
}

/** Where along a path a price level was reached: `position` = segment index + fraction (0 = at the open). */
export interface Touch {
  readonly position: number;
  /** The price at which the order fills: the level, or the open when the bar gapped through it. */
  readonly price: ExactDecimal;
  readonly gap: boolean;
}

/** Reached when the price falls to `level` ("down") or rises to it ("up"). */
export type TouchDirection = "down" | "up";

function reached(p: ExactDecimal, level: ExactDecimal, direction: TouchDirection): boolean {
  return direction === "down" ? p.lte(level) : p.gte(level);
}

/** How far `x` lies from `a` toward `b` (0..1): only orders touches within a bar, so a float is enough. */
function fractionOf(a: ExactDecimal, x: ExactDecimal, b: ExactDecimal): number {
  const span = Math.abs(a.sub(b).toNumber());
  return span === 0 ? 0 : Math.abs(a.sub(x).toNumber()) / span;
}

/** The first point of `path` at which the price reaches `level`, or null. */
export function firstTouch(
  path: readonly ExactDecimal[],
  level: ExactDecimal,
  direction: TouchDirection,
): Touch | null {
  const open = path[0];
  if (open === undefined) return null;
  if (reached(open, level, direction)) return { position: 0, price: open, gap: true };
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1] as ExactDecimal;
    const b = path[i] as ExactDecimal;
    if (reached(b, level, direction)) {
      const fraction = fractionOf(a, level, b);
      return { position: i - 1 + fraction, price: level, gap: false };
    }
  }
  return null;
}

/**
 * A trailing stop along a path. A sell trail (protecting a long) follows the highest price since it was placed and
 * triggers when the price falls `pct` % below it; a buy trail mirrors it. Returns the touch (if any) and the anchor
 * after the bar (or up to the touch).
 */
export function trailingTouch(
  path: readonly ExactDecimal[],
  side: Side,
  anchor: ExactDecimal,
  pct: number,
  priceDecimals: number,
): { touch: Touch | null; anchor: ExactDecimal } {
  const down: TouchDirection = side === "sell" ? "down" : "up";
  const stopOf = (a: ExactDecimal) => trailingStopPrice(side, a, pct, priceDecimals);
  let best = anchor;
  const open = path[0];
  if (open === undefined) return { touch: null, anchor };
  if (reached(open, stopOf(best), down))
    return { touch: { position: 0, price: open, gap: true }, anchor: best };
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1] as ExactDecimal;
    const b = path[i] as ExactDecimal;
    const favourable = side === "sell" ? b.gt(a) : b.lt(a);
    if (favourable) {
      // While the price moves our way the stop only follows; it cannot be hit on this segment.
      if (side === "sell" ? b.gt(best) : b.lt(best)) best = b;
      continue;
    }
    const stop = stopOf(best);
    if (reached(b, stop, down)) {
      const fraction = fractionOf(a, stop, b);
      return { touch: { position: i - 1 + fraction, price: stop, gap: false }, anchor: best };
    }
  }
  return { touch: null, anchor: best };
}

/** The trigger price of a trailing stop with this anchor. */
export function trailingStopPrice(
  side: Side,
  anchor: ExactDecimal,
  pct: number,
  priceDecimals: number,
): ExactDecimal {
  const factor = side === "sell" ? HUNDRED.sub(pct) : HUNDRED.add(pct);
  return roundPrice(anchor.mul(factor).mul(PER_CENT), priceDecimals);
}

/** One book level: price and quantity available. */
export type BookLevel = readonly [string, string];

/**
 * Walks book levels (best first) for `quantity`: takes what each level holds until filled or the book runs out.
 * Returns the quantity taken, its notional and the levels left (for later orders in the same bar).
 */
export function walkBook(
  levels: readonly BookLevel[],
  quantity: ExactDecimal,
): { filled: ExactDecimal; notional: ExactDecimal; rest: BookLevel[] } {
  let need = quantity;
  let notional = ZERO;
  const rest: BookLevel[] = [];
  for (const [priceText, sizeText] of levels) {
    const size = dec(sizeText);
    if (!need.gt(0) || !size.gt(0)) {
      if (size.gt(0)) rest.push([priceText, sizeText]);
      continue;
    }
    const take = Exact.min(need, size);
    notional = notional.add(take.mul(dec(priceText)));
    need = need.sub(take);
    const left = size.sub(take);
    if (left.gt(0)) rest.push([priceText, left.toFixed()]);
  }
  return { filled: quantity.sub(need), notional, rest };
}
