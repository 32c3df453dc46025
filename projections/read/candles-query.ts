import type { BarView } from "./explain-order.ts";
import { isoTime, type ReadModelDb, toNumber } from "./read-model-db.ts";

export interface CandleFilter {
  readonly sessionId: string;
  readonly symbol?: string;
  readonly from?: string;
  readonly to?: string;
  /** The newest `limit` bars (default 1000, at most 5000), returned oldest first. */
  readonly limit?: number;
}

/** A session's bars (the price chart), oldest first: the newest `limit` of them within the range. */
export async function listCandles(db: ReadModelDb, filter: CandleFilter): Promise<BarView[]> {
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 1000), 1), 5000);
  let q = db.selectFrom("candles").selectAll().where("session_id", "=", filter.sessionId);
  if (filter.symbol) q = q.where("symbol", "=", filter.symbol);
  if (filter.from) q = q.where("close_time", ">=", new Date(filter.from));
  if (filter.to) q = q.where("close_time", "<", new Date(filter.to));
  const rows = await q.orderBy("close_time", "desc").orderBy("symbol").limit(limit).execute();
  return rows.reverse().map((b) => ({
    eventId: b.event_id,
    symbol: b.symbol,
    timeframe: b.timeframe,
    openTime: isoTime(b.open_time),
    closeTime: isoTime(b.close_time),
    open: b.open,
    high: b.high,
    low: b.low,
    close: b.close,
    volume: b.volume,
    seq: toNumber(b.seq),
  }));
}
