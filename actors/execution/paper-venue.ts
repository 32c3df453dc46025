import {
  type AnyEvent,
  type AnyEventDraft,
  clientOrderId,
  deterministicId,
  type EventData,
  type Side,
} from "../../events/index.ts";
import { dec, decimalText, type ExactDecimal, ZERO } from "./exact-decimal.ts";
import {
  type BookLevel,
  barPath,
  type FillBar,
  type FillParams,
  feeFor,
  roundPrice,
  roundPriceAdverse,
  roundQuantity,
  slipPrice,
  slippageBpsFor,
  volumeCap,
  walkBook,
} from "./fill-model.ts";
import {
  applyFill,
  createPortfolioLedger,
  type PortfolioLedger,
  positionQuantity,
  valuePortfolio,
} from "./portfolio-ledger.ts";
import {
  capacityOf,
  fillsAtOpen,
  isEligible,
  isMaker,
  isStop,
  type PaperOrder,
  type PaperOrderType,
  type Protection,
  reduces,
  remainingOf,
  touchOf,
} from "./resting-orders.ts";

export type FillModelName = "next-bar-open" | "ohlc-path" | "l2-book";

/** Everything the paper venue needs to know about its session. */
export interface PaperVenueConfig {
  readonly sessionId: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly quoteCurrency: string;
  readonly initialCash: string;
  readonly fillModel: FillModelName;
  readonly allowShort: boolean;
  readonly params: FillParams;
  /** Entries as market orders, or as limit orders `limitOffsetBps` better than the decision price. */
  readonly entryOrderType: "market" | "limit";
  readonly limitOffsetBps: number;
}

/** The venue's whole state: plain data (decimal strings), so an actor snapshot holds it as it is. */
export interface PaperVenueState {
  readonly config: PaperVenueConfig;
  readonly ledger: PortfolioLedger;
  /** Open orders in the order they were placed (fills are tried in this order). */
  readonly orders: readonly PaperOrder[];
  /** The latest book of the session's symbol (what is left of it after this bar's takers). */
  readonly book: { readonly bids: readonly BookLevel[]; readonly asks: readonly BookLevel[] } | null;
  readonly lastBar: FillBar | null;
  readonly ended: boolean;
}

export interface VenueStep {
  readonly state: PaperVenueState;
  readonly drafts: readonly AnyEventDraft[];
}

export const paperVenueName = "paper";

export function createPaperVenueState(config: PaperVenueConfig): PaperVenueState {
  return {
    config,
    ledger: createPortfolioLedger(config.initialCash),
    orders: [],
    book: null,
    lastBar: null,
    ended: false,
  };
}

/**
 * One handler's working copy: collects drafts and keeps the ledger and the open orders current. Confined to a
 * single call of a handler, which stays a pure function of (state, event).
 */
class Step {
  readonly drafts: AnyEventDraft[] = [];
  ledger: PortfolioLedger;
  orders: PaperOrder[];
  book: PaperVenueState["book"];

  constructor(
    readonly state: PaperVenueState,
    readonly at: string,
  ) {
    this.ledger = state.ledger;
    this.orders = [...state.orders];
    this.book = state.book;
  }

  get config(): PaperVenueConfig {
    return this.state.config;
  }

  find(orderId: string): PaperOrder | undefined {
    return this.orders.find((o) => o.orderId === orderId);
  }

  replace(order: PaperOrder): void {
    const i = this.orders.findIndex((o) => o.orderId === order.orderId);
    if (i >= 0) this.orders[i] = order;
  }

  /** OrderSubmitted + OrderAccepted, and the order joins the book. */
  place(order: PaperOrder): void {
    this.drafts.push({ type: "OrderSubmitted", at: this.at, data: submittedData(order) });
    this.drafts.push({
      type: "OrderAccepted",
      at: this.at,
      data: {
        orderId: order.orderId,
        clientOrderId: order.clientOrderId,
        venueOrderId: deterministicId(paperVenueName, order.orderId),
      },
    });
    this.orders.push(order);
  }

  reject(order: PaperOrder, reason: string): void {
    this.drafts.push(
      { type: "OrderSubmitted", at: this.at, data: submittedData(order) },
      {
        type: "OrderRejected",
        at: this.at,
        data: { orderId: order.orderId, clientOrderId: order.clientOrderId, reason },
      },
    );
  }

  cancel(order: PaperOrder, reason: string): void {
    this.orders = this.orders.filter((o) => o.orderId !== order.orderId);
    this.drafts.push({
      type: "OrderCancelled",
      at: this.at,
      data: {
        orderId: order.orderId,
        clientOrderId: order.clientOrderId,
        reason,
        filledQuantity: order.filled,
      },
    });
  }

  /**
   * Fills up to `wanted` of an order at `price` (a function of the quantity, for impact-dependent slippage): capped
   * by what the position allows (reduce-only, no shorting), then OrderFilled + PositionChanged, and the order's
   * follow-ups (protections, OCO, void protections). Returns the quantity filled.
   */
  fill(
    order: PaperOrder,
    wanted: ExactDecimal,
    priceFor: (qty: ExactDecimal) => ExactDecimal,
    liquidity: "maker" | "taker",
    fillModel: string,
  ): ExactDecimal {
    const position = positionQuantity(this.ledger, order.symbol);
    const capacity = capacityOf(order, position, this.config.allowShort);
    if (capacity?.isZero()) {
      this.cancel(order, order.reduceOnly ? "reduce-only: no position to reduce" : "short selling disabled");
      return ZERO;
    }
    const remaining = remainingOf(order);
    const qty = roundQuantity(minOf(wanted, remaining, capacity), this.config.params.quantityDecimals);
    if (!qty.gt(0)) return ZERO;
    const price = priceFor(qty);
    const feePct = liquidity === "maker" ? this.config.params.makerFeePct : this.config.params.takerFeePct;
    const fee = feeFor(qty, price, feePct);
    const filled = dec(order.filled).add(qty);
    const left = dec(order.quantity).sub(filled);
    const fillId = deterministicId(order.orderId, "fill", order.fills + 1);
    this.drafts.push({
      type: "OrderFilled",
      at: this.at,
      data: {
        orderId: order.orderId,
        clientOrderId: order.clientOrderId,
        fillId,
        symbol: order.symbol,
        side: order.side,
        price: decimalText(price),
        quantity: decimalText(qty),
        fee: decimalText(fee),
        feeCurrency: this.config.quoteCurrency,
        liquidity,
        cumulativeQuantity: decimalText(filled),
        remainingQuantity: decimalText(left),
        partial: left.gt(0),
        fillModel,
      },
    });
    const booked = applyFill(this.ledger, {
      symbol: order.symbol,
      side: order.side,
      quantity: decimalText(qty),
      price: decimalText(price),
      fee: decimalText(fee),
      at: this.at,
    });
    this.ledger = booked.ledger;
    this.drafts.push({ type: "PositionChanged", at: this.at, data: { ...booked.change, fillId } });

    const updated: PaperOrder = { ...order, filled: decimalText(filled), fills: order.fills + 1 };
    const after = positionQuantity(this.ledger, order.symbol);
    if (left.gt(0)) {
      this.replace(updated);
      if (order.reduceOnly && !reduces(order.side, after))
        this.cancel(updated, "reduce-only: position closed");
    } else {
      this.orders = this.orders.filter((o) => o.orderId !== order.orderId);
      if (order.parentOrderId !== undefined) this.cancelSiblings(updated, `oco: ${order.type} filled`);
      if (order.protection !== undefined) this.protect(updated, price);
    }
    // Protective orders that no longer shrink the position (it closed or flipped) are void.
    for (const o of this.orders) {
      if (o.parentOrderId !== undefined && o.symbol === order.symbol && !reduces(o.side, after)) {
        this.cancel(o, "position closed");
      }
    }
    return qty;
  }

  cancelSiblings(order: PaperOrder, reason: string): void {
    for (const o of this.orders) {
      if (o.parentOrderId === order.parentOrderId && o.orderId !== order.orderId) this.cancel(o, reason);
    }
  }

  /** Places the OCO protective orders of a completely filled entry. */
  protect(entry: PaperOrder, fillPrice: ExactDecimal): void {
    const p = entry.protection as Protection;
    const side: Side = entry.side === "buy" ? "sell" : "buy";
    const base = {
      decisionId: entry.decisionId,
      symbol: entry.symbol,
      side,
      quantity: entry.filled,
      filled: "0",
      fills: 0,
      reduceOnly: true,
      parentOrderId: entry.orderId,
      placedAt: entry.placedAt,
      triggered: false,
    };
    const leg = (type: PaperOrderType, tag: string) => ({
      ...base,
      orderId: deterministicId(entry.orderId, type),
      clientOrderId: clientOrderId(entry.decisionId ?? entry.orderId, tag),
      type,
    });
    const decimals = this.config.params.priceDecimals;
    if (p.stopLoss !== undefined) {
      this.place({
        ...leg("stop_loss", "sl"),
        stopPrice: decimalText(roundPrice(dec(p.stopLoss), decimals)),
      });
    }
    if (p.takeProfit !== undefined) {
      this.place({
        ...leg("take_profit", "tp"),
        limitPrice: decimalText(roundPrice(dec(p.takeProfit), decimals)),
      });
    }
    if (p.trailingPct !== undefined && p.trailingPct > 0) {
      this.place({
        ...leg("trailing_stop", "ts"),
        trailingPct: p.trailingPct,
        anchor: decimalText(fillPrice),
      });
    }
  }

  result(extra: Partial<PaperVenueState> = {}): VenueStep {
    return {
      state: { ...this.state, ledger: this.ledger, orders: this.orders, book: this.book, ...extra },
      drafts: this.drafts,
    };
  }
}

/** The smallest of the given bounds (null = unbounded). */
function minOf(...xs: (ExactDecimal | null)[]): ExactDecimal {
  let m: ExactDecimal | null = null;
  for (const x of xs) if (x !== null && (m === null || x.lt(m))) m = x;
  return m ?? ZERO;
}

function submittedData(order: PaperOrder): EventData<"OrderSubmitted"> {
  return {
    orderId: order.orderId,
    clientOrderId: order.clientOrderId,
    ...(order.decisionId === undefined ? {} : { decisionId: order.decisionId }),
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    quantity: order.quantity,
    ...(order.limitPrice === undefined ? {} : { limitPrice: order.limitPrice }),
    ...(order.stopPrice === undefined ? {} : { stopPrice: order.stopPrice }),
    ...(order.trailingPct === undefined ? {} : { trailingPct: order.trailingPct }),
    reduceOnly: order.reduceOnly,
    venue: paperVenueName,
    ...(order.parentOrderId === undefined ? {} : { parentOrderId: order.parentOrderId }),
  };
}

/** RiskApproved → the entry (or reduce-only exit) order, placed at the decision's event time. */
export function onRiskApproved(
  state: PaperVenueState,
  data: EventData<"RiskApproved">,
  at: string,
): VenueStep {
  const step = new Step(state, at);
  const c = state.config;
  const orderId = deterministicId(data.decisionId, "order");
  if (step.find(orderId) !== undefined) return step.result(); // the same approval delivered twice
  const quantity = roundQuantity(dec(data.quantity), c.params.quantityDecimals);
  const asLimit = c.entryOrderType === "limit" && !data.reduceOnly;
  const offset = dec(c.limitOffsetBps).div(10_000);
  const limitPrice = roundPrice(
    dec(data.price).mul(data.side === "buy" ? dec(1).sub(offset) : dec(1).add(offset)),
    c.params.priceDecimals,
  );
  const protection: Protection = {
    ...(data.stopLoss === undefined ? {} : { stopLoss: data.stopLoss }),
    ...(data.takeProfit === undefined ? {} : { takeProfit: data.takeProfit }),
    ...(data.trailingPct === undefined || data.trailingPct === 0 ? {} : { trailingPct: data.trailingPct }),
  };
  const order: PaperOrder = {
    orderId,
    clientOrderId: clientOrderId(data.decisionId),
    decisionId: data.decisionId,
    symbol: data.symbol,
    side: data.side,
    type: asLimit ? "limit" : "market",
    quantity: decimalText(quantity),
    filled: "0",
    fills: 0,
    ...(asLimit ? { limitPrice: decimalText(limitPrice) } : {}),
    reduceOnly: data.reduceOnly,
    placedAt: at,
    triggered: false,
    ...(data.reduceOnly || Object.keys(protection).length === 0 ? {} : { protection }),
  };
  if (state.ended) step.reject(order, "market data ended");
  else if (data.symbol !== c.symbol) step.reject(order, `${data.symbol} is not traded in this session`);
  else if (!quantity.gt(0)) {
    step.reject(order, `quantity ${data.quantity} rounds to 0 at ${c.params.quantityDecimals} decimals`);
  } else step.place(order);
  return step.result();
}

/** A market order (or a triggered stop) at the bar's open: the book walked when there is one, else open ± slippage. */
function fillAtOpen(step: Step, order: PaperOrder, bar: FillBar): void {
  const c = step.config;
  const p = c.params;
  const book = step.book;
  const side = order.side === "buy" ? "asks" : "bids";
  const levels = book?.[side] ?? [];
  const depth = levels.reduce((s, [, size]) => s.add(dec(size)), ZERO);
  // The book is walked while it has liquidity on the taker's side; without one (or once eaten) the bar decides.
  if (c.fillModel === "l2-book" && book !== null && depth.gt(0)) {
    const filled = step.fill(
      order,
      depth,
      (q) => {
        const walk = walkBook(levels, q);
        return roundPriceAdverse(walk.notional.div(walk.filled), order.side, p.priceDecimals);
      },
      "taker",
      "l2-book",
    );
    if (filled.gt(0)) step.book = { ...book, [side]: walkBook(levels, filled).rest };
    return;
  }
  const volume = dec(bar.volume);
  const open = dec(bar.open);
  step.fill(
    order,
    volumeCap(p, volume) ?? remainingOf(order),
    (q) => slipPrice(open, order.side, slippageBpsFor(p, q, volume), p.priceDecimals),
    "taker",
    c.fillModel === "l2-book" ? "next-bar-open" : c.fillModel,
  );
}

/**
 * A bar of the session's market closed: market orders and triggered stops decided on earlier bars fill at its open,
 * then resting orders fill in the order the bar's path reaches them, then the portfolio is marked at the close
 * (exactly one PortfolioValued per bar).
 */
export function onCandleClosed(
  state: PaperVenueState,
  data: EventData<"CandleClosed">,
  at: string,
): VenueStep {
  const c = state.config;
  if (state.ended || data.symbol !== c.symbol || data.timeframe !== c.timeframe) return { state, drafts: [] };
  const bar: FillBar = {
    openTime: data.openTime,
    closeTime: data.closeTime,
    open: data.open,
    high: data.high,
    low: data.low,
    close: data.close,
    volume: data.volume,
  };
  const step = new Step(state, at);
  const p = c.params;

  for (const { orderId } of state.orders) {
    const o = step.find(orderId);
    if (o !== undefined && fillsAtOpen(o) && isEligible(o, bar.closeTime)) fillAtOpen(step, o, bar);
  }

  let path: readonly ExactDecimal[] | null = null;
  const touches: { orderId: string; index: number; position: number; price: ExactDecimal }[] = [];
  step.orders.forEach((o, index) => {
    if (fillsAtOpen(o) || !isEligible(o, bar.closeTime)) return;
    path ??= barPath(bar);
    const { touch, anchor } = touchOf(o, path, p.priceDecimals);
    if (touch !== null)
      touches.push({ orderId: o.orderId, index, position: touch.position, price: touch.price });
    else if (anchor !== undefined) step.orders[index] = { ...o, anchor: decimalText(anchor) };
  });
  touches.sort((a, b) => a.position - b.position || a.index - b.index);

  const volume = dec(bar.volume);
  const cap = volumeCap(p, volume);
  for (const t of touches) {
    const o = step.find(t.orderId);
    if (o === undefined) continue; // cancelled by an earlier touch (OCO, position closed)
    if (isStop(o)) {
      // A triggered stop is a market order from now on, and its OCO siblings are void.
      const triggered: PaperOrder = { ...o, triggered: true };
      step.replace(triggered);
      if (o.parentOrderId !== undefined) step.cancelSiblings(o, `oco: ${o.type} triggered`);
      // next-bar-open fills every taker at an open: the triggered stop waits for the next bar's.
      if (c.fillModel === "next-bar-open") continue;
      step.fill(
        triggered,
        cap ?? remainingOf(o),
        (q) => slipPrice(t.price, o.side, slippageBpsFor(p, q, volume), p.priceDecimals),
        "taker",
        c.fillModel,
      );
    } else {
      step.fill(o, cap ?? remainingOf(o), () => t.price, isMaker(o) ? "maker" : "taker", c.fillModel);
    }
  }

  const valued = valuePortfolio(step.ledger, { [c.symbol]: bar.close });
  step.ledger = valued.ledger;
  step.drafts.push({ type: "PortfolioValued", at, data: { bar: bar.closeTime, ...valued.valuation } });
  return step.result({ lastBar: bar });
}

/** Keeps the latest book of the session's symbol (the l2-book model walks it). */
export function onOrderBookSnapshot(state: PaperVenueState, data: EventData<"OrderBookSnapshot">): VenueStep {
  if (state.ended || data.symbol !== state.config.symbol) return { state, drafts: [] };
  return { state: { ...state, book: { bids: data.bids, asks: data.asks } }, drafts: [] };
}

/** Flatten: pending entries are cancelled and every position gets a reduce-only market order (fills next bar). */
export function onFlatten(state: PaperVenueState, commandId: string, at: string): VenueStep {
  if (state.ended) return { state, drafts: [] };
  const step = new Step(state, at);
  for (const o of state.orders) if (!o.reduceOnly) step.cancel(o, "flatten");
  for (const pos of sortedPositions(step.ledger)) {
    const orderId = deterministicId(commandId, "flatten", pos.symbol);
    if (step.find(orderId) !== undefined) continue;
    step.place(
      closingOrder(pos.symbol, dec(pos.quantity), orderId, clientOrderId(commandId, pos.symbol), at),
    );
  }
  return step.result();
}

/**
 * The feed ended: open orders are cancelled, every position is closed at the last bar's close (slippage and taker
 * fee), and a final PortfolioValued is written for the last bar.
 */
export function onMarketDataEnded(
  state: PaperVenueState,
  data: EventData<"MarketDataEnded">,
  at: string,
): VenueStep {
  if (state.ended) return { state, drafts: [] };
  const c = state.config;
  const p = c.params;
  const step = new Step(state, at);
  for (const o of state.orders) step.cancel(o, "market data ended");
  const last = state.lastBar;
  if (last !== null) {
    const close = dec(last.close);
    const volume = dec(last.volume);
    for (const pos of sortedPositions(step.ledger)) {
      const qty = dec(pos.quantity);
      const order = closingOrder(
        pos.symbol,
        qty,
        deterministicId(c.sessionId, "end-of-data", pos.symbol),
        clientOrderId(`${c.sessionId}:end-of-data`, pos.symbol),
        at,
      );
      step.place(order);
      step.fill(
        order,
        qty.abs(),
        (q) => slipPrice(close, order.side, slippageBpsFor(p, q, volume), p.priceDecimals),
        "taker",
        "end-of-data",
      );
    }
  }
  const marks: Record<string, string> = last === null ? {} : { [c.symbol]: last.close };
  const valued = valuePortfolio(step.ledger, marks);
  step.ledger = valued.ledger;
  const bar = last?.closeTime ?? data.lastBarClose ?? at;
  step.drafts.push({ type: "PortfolioValued", at, data: { bar, ...valued.valuation } });
  return step.result({ ended: true });
}

function sortedPositions(ledger: PortfolioLedger) {
  return Object.values(ledger.positions).sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
}

function closingOrder(
  symbol: string,
  position: ExactDecimal,
  orderId: string,
  clientId: string,
  at: string,
): PaperOrder {
  return {
    orderId,
    clientOrderId: clientId,
    symbol,
    side: position.gt(0) ? "sell" : "buy",
    type: "market",
    quantity: decimalText(position.abs()),
    filled: "0",
    fills: 0,
    reduceOnly: true,
    placedAt: at,
    triggered: false,
  };
}

/** Routes one input event to its handler (null: the venue does not act on it). */
export function decidePaperVenue(state: PaperVenueState, event: AnyEvent): VenueStep | null {
  switch (event.type) {
    case "RiskApproved":
      return onRiskApproved(state, event.data, event.at);
    case "CandleClosed":
      return onCandleClosed(state, event.data, event.at);
    case "OrderBookSnapshot":
      return onOrderBookSnapshot(state, event.data);
    case "CommandAccepted":
      return event.data.command === "flatten" ? onFlatten(state, event.data.commandId, event.at) : null;
    case "MarketDataEnded":
      return onMarketDataEnded(state, event.data, event.at);
    default:
      return null;
  }
}
