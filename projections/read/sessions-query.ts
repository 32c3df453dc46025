import type { Selectable } from "kysely";
import type { Sessions } from "../schema/database.ts";
import {
  isoTime,
  type Page,
  type PageQuery,
  pageBounds,
  type ReadModelDb,
  toNumber,
} from "./read-model-db.ts";

export interface SessionView {
  readonly sessionId: string;
  readonly mode: string;
  readonly symbols: readonly string[];
  readonly timeframe: string;
  readonly initialCash: string;
  readonly quoteCurrency: string;
  readonly strategy: unknown;
  readonly strategyVersion: string;
  readonly source: unknown;
  readonly parentSessionId: string | null;
  readonly label: string | null;
  readonly status: string;
  readonly statusReason: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly stoppedAt: string | null;
  readonly finalEquity: string | null;
  readonly updatedAt: string;
  readonly seq: number;
}

export interface SessionFilter extends PageQuery {
  readonly status?: string;
  readonly mode?: string;
  /** Created at or after (ISO). */
  readonly from?: string;
  /** Created before (ISO). */
  readonly to?: string;
}

function toView(r: Selectable<Sessions>): SessionView {
  return {
    sessionId: r.session_id,
    mode: r.mode,
    symbols: r.symbols as string[],
    timeframe: r.timeframe,
    initialCash: r.initial_cash,
    quoteCurrency: r.quote_currency,
    strategy: r.strategy,
    strategyVersion: r.strategy_version,
    source: r.source,
    parentSessionId: r.parent_session_id,
    label: r.label,
    status: r.status,
    statusReason: r.status_reason,
    createdAt: isoTime(r.created_at),
    startedAt: isoTime(r.started_at),
    stoppedAt: isoTime(r.stopped_at),
    finalEquity: r.final_equity,
    updatedAt: isoTime(r.updated_at),
    seq: toNumber(r.seq),
  };
}

/** Sessions, newest first, filtered by status, mode and creation time. */
export async function listSessions(db: ReadModelDb, filter: SessionFilter = {}): Promise<Page<SessionView>> {
  const { limit, offset } = pageBounds(filter);
  let q = db.selectFrom("sessions");
  if (filter.status) q = q.where("status", "=", filter.status);
  if (filter.mode) q = q.where("mode", "=", filter.mode);
  if (filter.from) q = q.where("created_at", ">=", new Date(filter.from));
  if (filter.to) q = q.where("created_at", "<", new Date(filter.to));
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy("created_at", "desc").orderBy("session_id").limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toView), total: toNumber(count.n), limit, offset };
}

/** One session, or null. */
export async function getSession(db: ReadModelDb, sessionId: string): Promise<SessionView | null> {
  const r = await db
    .selectFrom("sessions")
    .selectAll()
    .where("session_id", "=", sessionId)
    .executeTakeFirst();
  return r === undefined ? null : toView(r);
}
