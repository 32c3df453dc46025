import {
  type AnyEvent,
  type AnyEventDraft,
  clientOrderId,
  deterministicId,
  type EventData,
  type EventType,
  type Side,
} from "../../events/index.ts";
import { type DeciderStep, deciderMachine } from "../risk/decider-machine.ts";
import type { ActorSpec } from "../runtime/machine-driver.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import { dec, decimalText, ExactDecimal } from "./exact-decimal.ts";
import { roundPrice, roundQuantity } from "./fill-model.ts";
import {
  applyFill,
  createPortfolioLedger,
  type PortfolioLedger,
  positionQuantity,
  valuePortfolio,
} from "./portfolio-ledger.ts";

/** Everything the live execution machine knows about its session and venue. */
export interface LiveExecutionConfig {
  readonly sessionId: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly quoteCurrency: string;
  readonly initialCash: string;
  /** The venue's name in OrderSubmitted (the ccxt exchange id). */
  readonly venue: string;
  readonly allowShort: boolean;
  readonly quantityDecimals: number;
  readonly priceDecimals: number;
  readonly entryOrderType: "market" | "limit";
  readonly limitOffsetBps: number;
}

/** An order the machine asked for and has not seen end (filled, cancelled or rejected). */
export interface LiveOrder {
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly decisionId?: string;
  readonly symbol: string;
  readonly side: Side;
  readonly quantity: string;
  readonly filled: string;
  readonly venueOrderId?: string;
  /** Fill ids already booked (an answer recorded twice is booked once). */
  readonly fillIds: readonly string[];
  /** Stop-loss / take-profit to watch once this entry has filled. */
  readonly protection?: LiveProtection;
}

/** Exit levels the machine watches on each closed bar; a hit sends a reduce-only market order. */
export interface LiveProtection {
  readonly orderId: string;
  readonly decisionId: string;
  readonly stopLoss?: string;
  readonly takeProfit?: string;
  /** The direction of the protected position (set once the entry has filled). */
  readonly long?: boolean;
}

/** The machine's whole state: plain data (decimal strings), so a snapshot holds it as it is. */
export interface LiveExecutionState {
  readonly config: LiveExecutionConfig;
  readonly ledger: PortfolioLedger;
  readonly orders: Readonly<Record<string, LiveOrder>>;
  /** Exit levels of open positions, by symbol. */
  readonly protections: Readonly<Record<string, LiveProtection>>;
  readonly lastBar: { readonly closeTime: string; readonly close: string } | null;
  readonly ended: boolean;
}

/** The inputs live execution decides on: the risk verdicts, bars and commands, and the venue's answers. */
export const liveExecutionAccepts: readonly EventType[] = [
  "RiskApproved",
  "CandleClosed",
  "CommandAccepted",
  "MarketDataEnded",
  "OrderAccepted",
  "OrderRejected",
  "OrderFilled",
  "OrderCancelled",
];

/** The venue of an order refused by the machine itself: no gateway sends it (DESIGN §8: nothing unsafe leaves). */
export const localVenue = "local";

/** The writer whose order answers count: the venue gateway's (DESIGN §8: every exchange answer is an event). */
export const venueWriter = "venue";

export function createLiveExecutionState(config: LiveExecutionConfig): LiveExecutionState {
  return {
    config,
    ledger: createPortfolioLedger(config.initialCash),
    orders: {},
    protections: {},
    lastBar: null,
    ended: false,
  };
}

type Step = DeciderStep<LiveExecutionState>;
const none = (state: LiveExecutionState): Step => ({ context: state, outputs: [] });

/** The intent to trade: what the gateway sends. The machine itself never talks to the exchange. */
function submitted(
  c: LiveExecutionConfig,
  order: LiveOrder,
  type: "market" | "limit",
  reduceOnly: boolean,
  limitPrice?: string,
): EventData<"OrderSubmitted"> {
  return {
    orderId: order.orderId,
    clientOrderId: order.clientOrderId,
    ...(order.decisionId === undefined ? {} : { decisionId: order.decisionId }),
    symbol: order.symbol,
    side: order.side,
    type,
    quantity: order.quantity,
    ...(limitPrice === undefined ? {} : { limitPrice }),
    reduceOnly,
    venue: c.venue,
  };
}

/** How much a reduce-only order (or a sell without shorting) may trade given the position; null = unbounded. */
function allowedQuantity(
  side: Side,
  reduceOnly: boolean,
  position: ExactDecimal,
  allowShort: boolean,
): ExactDecimal | null {
  const reducible = side === "sell" ? position : position.neg();
  if (reduceOnly) return reducible.gt(0) ? reducible : dec(0);
  if (side === "sell" && !allowShort) return position.gt(0) ? position : dec(0);
  return null;
}

/** RiskApproved → OrderSubmitted (or OrderSubmitted + OrderRejected when it cannot be sent at all). */
export function onLiveRiskApproved(
  state: LiveExecutionState,
  data: EventData<"RiskApproved">,
  at: string,
): Step {
  const c = state.config;
  const orderId = deterministicId(data.decisionId, "order");
  if (state.orders[orderId] !== undefined) return none(state); // the same approval delivered twice
  const cap = allowedQuantity(
    data.side,
    data.reduceOnly,
    positionQuantity(state.ledger, data.symbol),
    c.allowShort,
  );
  const wanted = dec(data.quantity);
  const quantity = roundQuantity(cap === null ? wanted : ExactDecimal.min(cap, wanted), c.quantityDecimals);
  const asLimit = c.entryOrderType === "limit" && !data.reduceOnly;
  const offset = dec(c.limitOffsetBps).div(10_000);
  const limitPrice = asLimit
    ? decimalText(
        roundPrice(
          dec(data.price).mul(data.side === "buy" ? dec(1).sub(offset) : dec(1).add(offset)),
          c.priceDecimals,
        ),
      )
    : undefined;
  const hasExit = data.stopLoss !== undefined || data.takeProfit !== undefined;
  const order: LiveOrder = {
    orderId,
    clientOrderId: clientOrderId(data.decisionId),
    decisionId: data.decisionId,
    symbol: data.symbol,
    side: data.side,
    quantity: decimalText(quantity),
    filled: "0",
    fillIds: [],
    ...(data.reduceOnly || !hasExit
      ? {}
      : {
          protection: {
            orderId,
            decisionId: data.decisionId,
            ...(data.stopLoss === undefined ? {} : { stopLoss: data.stopLoss }),
            ...(data.takeProfit === undefined ? {} : { takeProfit: data.takeProfit }),
          },
        }),
  };
  const intent = submitted(c, order, asLimit ? "limit" : "market", data.reduceOnly, limitPrice);
  const refusal = state.ended
    ? "market data ended"
    : data.symbol !== c.symbol
      ? `${data.symbol} is not traded in this session`
      : quantity.gt(0)
        ? null
        : cap?.isZero()
          ? data.reduceOnly
            ? "reduce-only: no position to reduce"
            : "short selling disabled"
          : `quantity ${data.quantity} rounds to 0 at ${c.quantityDecimals} decimals`;
  if (refusal !== null) {
    // Refused here: addressed to no venue, so no gateway ever sends it, whatever order it reads these two in.
    const rejected: AnyEventDraft = {
      type: "OrderRejected",
      at,
      data: { orderId, clientOrderId: order.clientOrderId, reason: refusal },
    };
    return {
      context: state,
      outputs: [{ type: "OrderSubmitted", at, data: { ...intent, venue: localVenue } }, rejected],
    };
  }
  return {
    context: { ...state, orders: { ...state.orders, [orderId]: order } },
    outputs: [{ type: "OrderSubmitted", at, data: intent }],
  };
}

/** A reduce-only market order closing a whole position (flatten, a stop or a take-profit hit). */
function closePosition(
  state: LiveExecutionState,
  symbol: string,
  orderId: string,
  clientId: string,
  at: string,
  decisionId?: string,
): Step {
  if (state.orders[orderId] !== undefined) return none(state);
  const position = positionQuantity(state.ledger, symbol);
  if (position.isZero()) return none(state);
  const order: LiveOrder = {
    orderId,
    clientOrderId: clientId,
    ...(decisionId === undefined ? {} : { decisionId }),
    symbol,
    side: position.gt(0) ? "sell" : "buy",
    quantity: decimalText(position.abs()),
    filled: "0",
    fillIds: [],
  };
  return {
    context: { ...state, orders: { ...state.orders, [orderId]: order } },
    outputs: [{ type: "OrderSubmitted", at, data: submitted(state.config, order, "market", true) }],
  };
}

/** The fee in the quote currency: a base-currency fee is valued at the fill price; another asset's is not booked. */
function quoteFee(c: LiveExecutionConfig, data: EventData<"OrderFilled">): string {
  if (data.feeCurrency === c.quoteCurrency) return data.fee;
  const base = c.symbol.split("/")[0];
  if (data.feeCurrency === base) return decimalText(dec(data.fee).mul(dec(data.price)));
  return "0";
}

/** A fill recorded by the venue gateway: the position and cash move by the same ledger as paper's. */
export function onLiveOrderFilled(
  state: LiveExecutionState,
  data: EventData<"OrderFilled">,
  at: string,
): Step {
  const order = state.orders[data.orderId];
  if (order === undefined || order.fillIds.includes(data.fillId)) return none(state);
  const booked = applyFill(state.ledger, {
    symbol: order.symbol,
    side: order.side,
    quantity: data.quantity,
    price: data.price,
    fee: quoteFee(state.config, data),
    at,
  });
  const filled = dec(order.filled).add(dec(data.quantity));
  const done = dec(data.remainingQuantity).isZero() && !data.partial;
  const orders = { ...state.orders };
  if (done) delete orders[order.orderId];
  else
    orders[order.orderId] = {
      ...order,
      filled: decimalText(filled),
      fillIds: [...order.fillIds, data.fillId],
    };
  const position = positionQuantity(booked.ledger, order.symbol);
  const protections = { ...state.protections };
  if (order.protection !== undefined && done && !position.isZero()) {
    protections[order.symbol] = { ...order.protection, long: position.gt(0) };
  } else if (
    protections[order.symbol]?.long !== undefined &&
    protections[order.symbol]?.long !== position.gt(0)
  ) {
    // Closed or flipped: the exit levels of the old position no longer apply.
    delete protections[order.symbol];
  }
  if (position.isZero()) delete protections[order.symbol];
  return {
    context: { ...state, ledger: booked.ledger, orders, protections },
    outputs: [{ type: "PositionChanged", at, data: { ...booked.change, fillId: data.fillId } }],
  };
}

/** An order's end without (further) fills: it leaves the open orders. */
function onOrderEnded(state: LiveExecutionState, orderId: string): Step {
  if (state.orders[orderId] === undefined) return none(state);
  const orders = { ...state.orders };
  delete orders[orderId];
  return { context: { ...state, orders }, outputs: [] };
}

function onOrderAccepted(state: LiveExecutionState, data: EventData<"OrderAccepted">): Step {
  const order = state.orders[data.orderId];
  if (order === undefined || order.venueOrderId !== undefined) return none(state);
  return {
    context: {
      ...state,
      orders: { ...state.orders, [order.orderId]: { ...order, venueOrderId: data.venueOrderId } },
    },
    outputs: [],
  };
}

/**
 * A bar closed: a protected position whose stop-loss or take-profit the bar reached gets a reduce-only market order
 * (the stop is watched on bars, as a live venue's own stop orders are not used), then exactly one PortfolioValued,
 * marked at the close.
 */
export function onLiveCandleClosed(
  state: LiveExecutionState,
  data: EventData<"CandleClosed">,
  at: string,
): Step {
  const c = state.config;
  if (state.ended || data.symbol !== c.symbol || data.timeframe !== c.timeframe) return none(state);
  let next = state;
  const outputs: AnyEventDraft[] = [];
  const p = state.protections[c.symbol];
  const position = positionQuantity(state.ledger, c.symbol);
  if (p !== undefined && !position.isZero()) {
    const long = p.long ?? position.gt(0);
    const low = dec(data.low);
    const high = dec(data.high);
    const stopHit = p.stopLoss !== undefined && (long ? low.lte(dec(p.stopLoss)) : high.gte(dec(p.stopLoss)));
    const takeHit =
      p.takeProfit !== undefined && (long ? high.gte(dec(p.takeProfit)) : low.lte(dec(p.takeProfit)));
    if (stopHit || takeHit) {
      // Both reached within one bar: the stop is assumed first (the adverse reading, as paper's OHLC path does).
      const leg = stopHit ? "stop_loss" : "take_profit";
      const step = closePosition(
        state,
        c.symbol,
        deterministicId(p.orderId, leg),
        clientOrderId(p.decisionId, stopHit ? "sl" : "tp"),
        at,
        p.decisionId,
      );
      const protections = { ...step.context.protections };
      delete protections[c.symbol];
      next = { ...step.context, protections };
      outputs.push(...step.outputs);
    }
  }
  const valued = valuePortfolio(next.ledger, { [c.symbol]: data.close });
  outputs.push({ type: "PortfolioValued", at, data: { bar: data.closeTime, ...valued.valuation } });
  return {
    context: { ...next, ledger: valued.ledger, lastBar: { closeTime: data.closeTime, close: data.close } },
    outputs,
  };
}

/** Flatten: a reduce-only market order for every open position (open orders stay: cancelling is the venue's). */
function onLiveFlatten(state: LiveExecutionState, commandId: string, at: string): Step {
  if (state.ended) return none(state);
  let next = state;
  const outputs: AnyEventDraft[] = [];
  for (const symbol of Object.keys(state.ledger.positions).sort()) {
    const step = closePosition(
      next,
      symbol,
      deterministicId(commandId, "flatten", symbol),
      clientOrderId(commandId, symbol),
      at,
    );
    next = step.context;
    outputs.push(...step.outputs);
  }
  return { context: { ...next, protections: {} }, outputs };
}

/**
 * The feed ended: a last PortfolioValued at the last close. Positions stay open at the exchange (a live session's
 * end is not a liquidation; the operator flattens first when that is wanted).
 */
function onLiveMarketDataEnded(
  state: LiveExecutionState,
  data: EventData<"MarketDataEnded">,
  at: string,
): Step {
  if (state.ended) return none(state);
  const last = state.lastBar;
  const valued = valuePortfolio(state.ledger, last === null ? {} : { [state.config.symbol]: last.close });
  const bar = last?.closeTime ?? data.lastBarClose ?? at;
  return {
    context: { ...state, ledger: valued.ledger, ended: true },
    outputs: [{ type: "PortfolioValued", at, data: { bar, ...valued.valuation } }],
  };
}

/** Routes one input to its handler. Order answers count only from the venue gateway's subject. */
export function decideLiveExecution(state: LiveExecutionState, event: AnyEvent): Step {
  switch (event.type) {
    case "RiskApproved":
      return onLiveRiskApproved(state, event.data, event.at);
    case "CandleClosed":
      return onLiveCandleClosed(state, event.data, event.at);
    case "CommandAccepted":
      return event.data.command === "flatten"
        ? onLiveFlatten(state, event.data.commandId, event.at)
        : none(state);
    case "MarketDataEnded":
      return onLiveMarketDataEnded(state, event.data, event.at);
    case "OrderAccepted":
      return event.writer === venueWriter ? onOrderAccepted(state, event.data) : none(state);
    case "OrderFilled":
      return event.writer === venueWriter ? onLiveOrderFilled(state, event.data, event.at) : none(state);
    case "OrderRejected":
    case "OrderCancelled":
      return event.writer === venueWriter ? onOrderEnded(state, event.data.orderId) : none(state);
    default:
      return none(state);
  }
}

/** The live execution machine: a single-state decider around `decideLiveExecution`. */
export const liveExecutionMachine = deciderMachine(
  "live-execution",
  createLiveExecutionState,
  decideLiveExecution,
);

/** The live execution configuration a session's setup implies, for the named venue. */
export function liveExecutionConfig(setup: SessionSetup, venue: string): LiveExecutionConfig {
  const x = setup.strategy.execution;
  return {
    sessionId: setup.sessionId,
    symbol: setup.symbol,
    timeframe: setup.timeframe,
    quoteCurrency: setup.quoteCurrency,
    initialCash: setup.initialCash,
    venue,
    allowShort: x.allowShort,
    quantityDecimals: x.quantityDecimals,
    priceDecimals: x.priceDecimals,
    entryOrderType: x.entryOrderType,
    limitOffsetBps: x.limitOffsetBps,
  };
}

/**
 * The live execution actor of a session (writer `exec`): emits order intents; the venue gateway (infra) sends them
 * and records the exchange's answers on `venue`, which this machine books.
 */
export function createLiveExecutionSpec(setup: SessionSetup, venue = "live"): ActorSpec<LiveExecutionConfig> {
  return {
    writer: "exec",
    machine: liveExecutionMachine,
    input: liveExecutionConfig(setup, venue),
    accepts: liveExecutionAccepts,
    machineVersion: "live-execution@1",
  };
}
