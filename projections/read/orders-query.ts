import type { Selectable } from "kysely";
import type { Fills, Orders } from "../schema/database.ts";
import {
  isoTime,
  type Page,
  type PageQuery,
  pageBounds,
  type ReadModelDb,
  toNumber,
} from "./read-model-db.ts";

export interface OrderView {
  readonly orderId: string;
  readonly sessionId: string;
  readonly clientOrderId: string;
  readonly decisionId: string | null;
  readonly parentOrderId: string | null;
  readonly symbol: string;
  readonly side: string;
  readonly type: string;
  readonly quantity: string;
  readonly limitPrice: string | null;
  readonly stopPrice: string | null;
  readonly trailingPct: number | null;
  readonly reduceOnly: boolean;
  readonly venue: string;
  readonly status: string;
  readonly venueOrderId: string | null;
  readonly filledQuantity: string;
  readonly statusReason: string | null;
  readonly submittedAt: string;
  readonly updatedAt: string;
  readonly submittedEventId: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly seq: number;
}

export interface FillView {
  readonly fillId: string;
  readonly sessionId: string;
  readonly orderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: string;
  readonly price: string;
  readonly quantity: string;
  readonly fee: string;
  readonly feeCurrency: string;
  readonly liquidity: string;
  readonly cumulativeQuantity: string;
  readonly remainingQuantity: string;
  readonly partial: boolean;
  readonly fillModel: string;
  readonly at: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly seq: number;
}

export interface OrderFilter extends PageQuery {
  readonly sessionId: string;
  readonly status?: string;
  readonly symbol?: string;
  readonly side?: "buy" | "sell";
  readonly from?: string;
  readonly to?: string;
}

export interface FillFilter extends PageQuery {
  readonly sessionId: string;
  readonly orderId?: string;
  readonly symbol?: string;
  readonly from?: string;
  readonly to?: string;
}

export function toOrderView(r: Selectable<Orders>): OrderView {
  return {
    orderId: r.order_id,
    sessionId: r.session_id,
    clientOrderId: r.client_order_id,
    decisionId: r.decision_id,
    parentOrderId: r.parent_order_id,
    symbol: r.symbol,
    side: r.side,
    type: r.type,
    quantity: r.quantity,
    limitPrice: r.limit_price,
    stopPrice: r.stop_price,
    trailingPct: r.trailing_pct,
    reduceOnly: r.reduce_only,
    venue: r.venue,
    status: r.status,
    venueOrderId: r.venue_order_id,
    filledQuantity: r.filled_quantity,
    statusReason: r.status_reason,
    submittedAt: isoTime(r.submitted_at),
    updatedAt: isoTime(r.updated_at),
    submittedEventId: r.submitted_event_id,
    correlationId: r.correlation_id,
    causationId: r.causation_id,
    seq: toNumber(r.seq),
  };
}

export function toFillView(r: Selectable<Fills>): FillView {
  return {
    fillId: r.fill_id,
    sessionId: r.session_id,
    orderId: r.order_id,
    clientOrderId: r.client_order_id,
    symbol: r.symbol,
    side: r.side,
    price: r.price,
    quantity: r.quantity,
    fee: r.fee,
    feeCurrency: r.fee_currency,
    liquidity: r.liquidity,
    cumulativeQuantity: r.cumulative_quantity,
    remainingQuantity: r.remaining_quantity,
    partial: r.partial,
    fillModel: r.fill_model,
    at: isoTime(r.at),
    correlationId: r.correlation_id,
    causationId: r.causation_id,
    seq: toNumber(r.seq),
  };
}

/** A session's orders, newest first, by status, symbol, side and submission time. */
export async function listOrders(db: ReadModelDb, filter: OrderFilter): Promise<Page<OrderView>> {
  const { limit, offset } = pageBounds(filter);
  let q = db.selectFrom("orders").where("session_id", "=", filter.sessionId);
  if (filter.status) q = q.where("status", "=", filter.status);
  if (filter.symbol) q = q.where("symbol", "=", filter.symbol);
  if (filter.side) q = q.where("side", "=", filter.side);
  if (filter.from) q = q.where("submitted_at", ">=", new Date(filter.from));
  if (filter.to) q = q.where("submitted_at", "<", new Date(filter.to));
  const [rows, count] = await Promise.all([
    q
      .selectAll()
      .orderBy("submitted_at", "desc")
      .orderBy("seq", "desc")
      .limit(limit)
      .offset(offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toOrderView), total: toNumber(count.n), limit, offset };
}

/** One order by its id or its client order id, or null. */
export async function getOrder(db: ReadModelDb, orderId: string): Promise<OrderView | null> {
  const r = await db
    .selectFrom("orders")
    .selectAll()
    .where((eb) => eb.or([eb("order_id", "=", orderId), eb("client_order_id", "=", orderId)]))
    .executeTakeFirst();
  return r === undefined ? null : toOrderView(r);
}

/** A session's fills, newest first, by order, symbol and time. */
export async function listFills(db: ReadModelDb, filter: FillFilter): Promise<Page<FillView>> {
  const { limit, offset } = pageBounds(filter);
  let q = db.selectFrom("fills").where("session_id", "=", filter.sessionId);
  if (filter.orderId) q = q.where("order_id", "=", filter.orderId);
  if (filter.symbol) q = q.where("symbol", "=", filter.symbol);
  if (filter.from) q = q.where("at", ">=", new Date(filter.from));
  if (filter.to) q = q.where("at", "<", new Date(filter.to));
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy("at", "desc").orderBy("seq", "desc").limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toFillView), total: toNumber(count.n), limit, offset };
}
