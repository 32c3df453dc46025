import type { Order, Trade } from "ccxt";
import { Decimal } from "decimal.js";
import { toDecimalString } from "../../actors/index.ts";
import { type AnyEventDraft, deterministicId, type EventEnvelope } from "../../events/index.ts";

/** What the log says about one order the gateway looks after. Mutable: the gateway's working state. */
export interface VenueOrderRecord {
  readonly submitted: EventEnvelope<"OrderSubmitted">;
  venueOrderId?: string;
  /** An OrderAccepted or OrderRejected is recorded. */
  answered: boolean;
  /** Rejected, cancelled or completely filled: nothing more will come. */
  ended: boolean;
  readonly fillIds: Set<string>;
  /** Sum of the recorded fills. */
  cumulative: string;
}

export function createVenueOrderRecord(submitted: EventEnvelope<"OrderSubmitted">): VenueOrderRecord {
  return { submitted, answered: false, ended: false, fillIds: new Set(), cumulative: "0" };
}

/** Folds a recorded answer into its order's record (from the log, whoever wrote it: a local refusal counts too). */
export function foldAnswer(record: VenueOrderRecord, event: EventEnvelope): void {
  switch (event.type) {
    case "OrderAccepted": {
      const d = (event as EventEnvelope<"OrderAccepted">).data;
      record.answered = true;
      record.venueOrderId = d.venueOrderId;
      return;
    }
    case "OrderRejected":
      record.answered = true;
      record.ended = true;
      return;
    case "OrderCancelled":
      record.ended = true;
      return;
    case "OrderFilled": {
      const d = (event as EventEnvelope<"OrderFilled">).data;
      if (record.fillIds.has(d.fillId)) return;
      record.fillIds.add(d.fillId);
      record.cumulative = new Decimal(record.cumulative).add(d.quantity).toFixed();
      if (!d.partial && new Decimal(d.remainingQuantity).isZero()) record.ended = true;
      return;
    }
    default:
      return;
  }
}

const num = (x: number | string | undefined | null): string | undefined =>
  x === undefined || x === null ? undefined : toDecimalString(x);

/** Event time of an answer: the exchange's time, never before the order's own (the market clock moves forward). */
export function answerTime(submittedAt: string, exchangeMs: number | undefined, fallbackMs: number): string {
  const ms = exchangeMs ?? fallbackMs;
  return ms > Date.parse(submittedAt) ? new Date(ms).toISOString() : submittedAt;
}

/** The id of a fill: the venue's trade, so a trade recorded twice has one id. */
export function fillIdOf(venue: string, venueOrderId: string, trade: Trade): string {
  const tradeKey = trade.id ?? `${trade.timestamp}:${trade.amount}:${trade.price}`;
  return deterministicId("venue-fill", venue, venueOrderId, tradeKey);
}

export interface AnswerContext {
  readonly venue: string;
  readonly quoteCurrency: string;
  /** The wall clock (ms), for answers the exchange gives no time for. */
  readonly now: number;
}

/**
 * What the exchange's view of an order adds to the record: OrderAccepted once, an OrderFilled per trade not yet
 * recorded (in trade order, cumulative and remaining against the exchange's amount), and its end when the exchange
 * has ended it and every trade it reports filled is recorded. Updates the record as the drafts will.
 */
export function answersFromExchange(
  record: VenueOrderRecord,
  order: Order,
  trades: readonly Trade[],
  ctx: AnswerContext,
): AnyEventDraft[] {
  const s = record.submitted;
  const base = { orderId: s.data.orderId, clientOrderId: s.data.clientOrderId };
  const drafts: AnyEventDraft[] = [];
  const venueOrderId = String(order.id);
  if (!record.answered) {
    drafts.push({
      type: "OrderAccepted",
      at: answerTime(s.at, order.timestamp, ctx.now),
      data: { ...base, venueOrderId },
    });
    record.answered = true;
    record.venueOrderId = venueOrderId;
  }
  const amount = new Decimal(num(order.amount) ?? s.data.quantity);
  const fresh = trades
    .filter((t) => !record.fillIds.has(fillIdOf(ctx.venue, venueOrderId, t)))
    .sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0) || String(a.id).localeCompare(String(b.id)));
  for (const t of fresh) {
    const fillId = fillIdOf(ctx.venue, venueOrderId, t);
    const qty = new Decimal(num(t.amount) ?? "0");
    const cumulative = new Decimal(record.cumulative).add(qty);
    const remaining = Decimal.max(0, amount.sub(cumulative));
    drafts.push({
      type: "OrderFilled",
      at: answerTime(s.at, t.timestamp, ctx.now),
      data: {
        ...base,
        fillId,
        symbol: s.data.symbol,
        side: s.data.side,
        price: num(t.price) ?? "0",
        quantity: qty.toFixed(),
        fee: num(t.fee?.cost) ?? "0",
        feeCurrency: t.fee?.currency ?? ctx.quoteCurrency,
        liquidity: t.takerOrMaker === "maker" ? "maker" : "taker",
        cumulativeQuantity: cumulative.toFixed(),
        remainingQuantity: remaining.toFixed(),
        partial: remaining.gt(0),
        fillModel: `venue:${ctx.venue}`,
      },
    });
    record.fillIds.add(fillId);
    record.cumulative = cumulative.toFixed();
    if (remaining.isZero()) record.ended = true;
  }
  const exchangeFilled = new Decimal(num(order.filled) ?? "0");
  const allRecorded = new Decimal(record.cumulative).gte(exchangeFilled);
  if (!record.ended && allRecorded) {
    const at = answerTime(s.at, order.lastUpdateTimestamp ?? order.timestamp, ctx.now);
    if (order.status === "canceled" || order.status === "expired") {
      drafts.push({
        type: "OrderCancelled",
        at,
        data: { ...base, reason: `${order.status} by ${ctx.venue}`, filledQuantity: record.cumulative },
      });
      record.ended = true;
    } else if (order.status === "rejected") {
      drafts.push({ type: "OrderRejected", at, data: { ...base, reason: `rejected by ${ctx.venue}` } });
      record.ended = true;
    } else if (order.status === "closed") {
      record.ended = true; // filled completely at a smaller amount than asked (the venue's precision)
    }
  }
  return drafts;
}

/** The exchange refused the order: its reason, as the exchange put it. */
export function rejectionFromExchange(
  record: VenueOrderRecord,
  reason: string,
  nowMs: number,
): AnyEventDraft {
  const s = record.submitted;
  record.answered = true;
  record.ended = true;
  return {
    type: "OrderRejected",
    at: answerTime(s.at, undefined, nowMs),
    data: { orderId: s.data.orderId, clientOrderId: s.data.clientOrderId, reason },
  };
}
