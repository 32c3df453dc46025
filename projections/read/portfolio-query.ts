import { Decimal } from "decimal.js";
import type { Selectable } from "kysely";
import type { Equity, Positions, Trades } from "../schema/database.ts";
import {
  isoTime,
  type Page,
  type PageQuery,
  pageBounds,
  type ReadModelDb,
  toNumber,
} from "./read-model-db.ts";

export interface PositionView {
  readonly symbol: string;
  readonly quantity: string;
  readonly averagePrice: string;
  readonly realizedPnl: string;
  readonly cash: string;
  readonly lastFillId: string;
  readonly updatedAt: string;
  readonly seq: number;
}

export interface EquityPoint {
  readonly bar: string;
  readonly cash: string;
  readonly equity: string;
  readonly peakEquity: string;
  readonly drawdown: number;
  readonly exposure: string;
  readonly realizedPnl: string;
  readonly unrealizedPnl: string;
  readonly fees: string;
  readonly positions: unknown;
  readonly seq: number;
}

export interface TradeView {
  readonly tradeId: string;
  readonly symbol: string;
  readonly side: string;
  readonly entryPrice: string;
  readonly exitPrice: string;
  readonly quantity: string;
  readonly pnl: string;
  readonly openedAt: string;
  readonly closedAt: string;
  readonly fillId: string;
  readonly seq: number;
}

export interface MetricsSummary {
  readonly sessionId: string;
  readonly initialCash: string | null;
  readonly equity: string | null;
  /** (equity − initial cash) ÷ initial cash, as a decimal string; null before the first valuation. */
  readonly totalReturn: string | null;
  readonly maxDrawdown: number;
  readonly realizedPnl: string | null;
  readonly fees: string | null;
  readonly bars: number;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  /** wins ÷ trades (0 when no trade closed). */
  readonly winRate: number;
  readonly grossProfit: string;
  readonly grossLoss: string;
  /** gross profit ÷ |gross loss|; null when nothing was lost. */
  readonly profitFactor: string | null;
  readonly decisions: { readonly BUY: number; readonly SELL: number; readonly HOLD: number };
  readonly orders: number;
  readonly fills: number;
}

function toPosition(r: Selectable<Positions>): PositionView {
  return {
    symbol: r.symbol,
    quantity: r.quantity,
    averagePrice: r.average_price,
    realizedPnl: r.realized_pnl,
    cash: r.cash,
    lastFillId: r.fill_id,
    updatedAt: isoTime(r.updated_at),
    seq: toNumber(r.seq),
  };
}

function toEquityPoint(r: Selectable<Equity>): EquityPoint {
  return {
    bar: isoTime(r.bar),
    cash: r.cash,
    equity: r.equity,
    peakEquity: r.peak_equity,
    drawdown: r.drawdown,
    exposure: r.exposure,
    realizedPnl: r.realized_pnl,
    unrealizedPnl: r.unrealized_pnl,
    fees: r.fees,
    positions: r.positions,
    seq: toNumber(r.seq),
  };
}

function toTrade(r: Selectable<Trades>): TradeView {
  return {
    tradeId: r.trade_id,
    symbol: r.symbol,
    side: r.side,
    entryPrice: r.entry_price,
    exitPrice: r.exit_price,
    quantity: r.quantity,
    pnl: r.pnl,
    openedAt: isoTime(r.opened_at),
    closedAt: isoTime(r.closed_at),
    fillId: r.fill_id,
    seq: toNumber(r.seq),
  };
}

/** A session's positions (flat ones included unless `openOnly`), by symbol. */
export async function listPositions(
  db: ReadModelDb,
  sessionId: string,
  options: { readonly openOnly?: boolean } = {},
): Promise<PositionView[]> {
  let q = db.selectFrom("positions").selectAll().where("session_id", "=", sessionId);
  if (options.openOnly) q = q.where("quantity", "<>", "0");
  return (await q.orderBy("symbol").execute()).map(toPosition);
}

/** The equity curve, one point per bar, oldest first, optionally between two bar times. */
export async function equityCurve(
  db: ReadModelDb,
  sessionId: string,
  range: { readonly from?: string; readonly to?: string } = {},
): Promise<EquityPoint[]> {
  let q = db.selectFrom("equity").selectAll().where("session_id", "=", sessionId);
  if (range.from) q = q.where("bar", ">=", new Date(range.from));
  if (range.to) q = q.where("bar", "<", new Date(range.to));
  return (await q.orderBy("bar").execute()).map(toEquityPoint);
}

/** Closed trades, newest first. */
export async function listTrades(
  db: ReadModelDb,
  sessionId: string,
  page: PageQuery = {},
): Promise<Page<TradeView>> {
  const { limit, offset } = pageBounds(page);
  const q = db.selectFrom("trades").where("session_id", "=", sessionId);
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy("closed_at", "desc").orderBy("seq", "desc").limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toTrade), total: toNumber(count.n), limit, offset };
}

/** Return, drawdown, trade statistics and activity counts of one session. */
export async function metricsSummary(db: ReadModelDb, sessionId: string): Promise<MetricsSummary> {
  const [session, last, dd, trades, decisions, orders, fills] = await Promise.all([
    db.selectFrom("sessions").select("initial_cash").where("session_id", "=", sessionId).executeTakeFirst(),
    db
      .selectFrom("equity")
      .select(["equity", "realized_pnl", "fees"])
      .where("session_id", "=", sessionId)
      .orderBy("bar", "desc")
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom("equity")
      .select((eb) => [eb.fn.max("drawdown").as("max_dd"), eb.fn.countAll<string>().as("bars")])
      .where("session_id", "=", sessionId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("trades")
      .select((eb) => [
        eb.fn.countAll<string>().as("n"),
        eb.fn.countAll<string>().filterWhere("pnl", ">", "0").as("wins"),
        eb.fn.countAll<string>().filterWhere("pnl", "<", "0").as("losses"),
        eb.fn.sum<string | null>("pnl").filterWhere("pnl", ">", "0").as("gross_profit"),
        eb.fn.sum<string | null>("pnl").filterWhere("pnl", "<", "0").as("gross_loss"),
      ])
      .where("session_id", "=", sessionId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("decisions")
      .select((eb) => ["action", eb.fn.countAll<string>().as("n")])
      .where("session_id", "=", sessionId)
      .groupBy("action")
      .execute(),
    db
      .selectFrom("orders")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("session_id", "=", sessionId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("fills")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("session_id", "=", sessionId)
      .executeTakeFirstOrThrow(),
  ]);
  const initial = session?.initial_cash ?? null;
  const equity = last?.equity ?? null;
  const n = toNumber(trades.n);
  const wins = toNumber(trades.wins);
  const grossProfit = new Decimal(trades.gross_profit ?? 0);
  const grossLoss = new Decimal(trades.gross_loss ?? 0);
  const byAction = { BUY: 0, SELL: 0, HOLD: 0 };
  for (const d of decisions) byAction[d.action as keyof typeof byAction] = toNumber(d.n);
  return {
    sessionId,
    initialCash: initial,
    equity,
    totalReturn:
      initial === null || equity === null || new Decimal(initial).isZero()
        ? null
        : new Decimal(equity).minus(initial).div(initial).toFixed(8),
    maxDrawdown: dd.max_dd === null ? 0 : Number(dd.max_dd),
    realizedPnl: last?.realized_pnl ?? null,
    fees: last?.fees ?? null,
    bars: toNumber(dd.bars),
    trades: n,
    wins,
    losses: toNumber(trades.losses),
    winRate: n === 0 ? 0 : wins / n,
    grossProfit: grossProfit.toFixed(),
    grossLoss: grossLoss.toFixed(),
    profitFactor: grossLoss.isZero() ? null : grossProfit.div(grossLoss.abs()).toFixed(8),
    decisions: byAction,
    orders: toNumber(orders.n),
    fills: toNumber(fills.n),
  };
}
