import type { Selectable } from "kysely";
import type { AgentStatus, Signals } from "../schema/database.ts";
import {
  isoTime,
  type Page,
  type PageQuery,
  pageBounds,
  type ReadModelDb,
  toNumber,
} from "./read-model-db.ts";

export interface SignalView {
  readonly signalId: string;
  readonly sessionId: string;
  readonly agent: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly bar: string;
  readonly action: string;
  readonly confidence: number;
  readonly reasoning: string;
  readonly features: Readonly<Record<string, unknown>>;
  readonly veto: boolean;
  readonly at: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly seq: number;
}

export interface SignalFilter extends PageQuery {
  readonly sessionId: string;
  readonly agent?: string;
  readonly action?: "BUY" | "SELL" | "HOLD";
  readonly from?: string;
  readonly to?: string;
}

export function toSignalView(r: Selectable<Signals>): SignalView {
  return {
    signalId: r.signal_id,
    sessionId: r.session_id,
    agent: r.agent,
    symbol: r.symbol,
    timeframe: r.timeframe,
    bar: isoTime(r.bar),
    action: r.action,
    confidence: r.confidence,
    reasoning: r.reasoning,
    features: r.features as Record<string, unknown>,
    veto: r.veto,
    at: isoTime(r.at),
    correlationId: r.correlation_id,
    causationId: r.causation_id,
    seq: toNumber(r.seq),
  };
}

/** A session's signals, newest bar first, by agent, action and bar time. */
export async function listSignals(db: ReadModelDb, filter: SignalFilter): Promise<Page<SignalView>> {
  const { limit, offset } = pageBounds(filter);
  let q = db.selectFrom("signals").where("session_id", "=", filter.sessionId);
  if (filter.agent) q = q.where("agent", "=", filter.agent);
  if (filter.action) q = q.where("action", "=", filter.action);
  if (filter.from) q = q.where("bar", ">=", new Date(filter.from));
  if (filter.to) q = q.where("bar", "<", new Date(filter.to));
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy("bar", "desc").orderBy("agent").limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toSignalView), total: toNumber(count.n), limit, offset };
}

export interface AgentStatusView {
  readonly agent: string;
  readonly lastSignalId: string;
  readonly bar: string;
  readonly action: string;
  readonly confidence: number;
  readonly reasoning: string;
  readonly ready: boolean;
  readonly signals: number;
  readonly seq: number;
}

function toAgentStatus(r: Selectable<AgentStatus>): AgentStatusView {
  return {
    agent: r.agent,
    lastSignalId: r.signal_id,
    bar: isoTime(r.bar),
    action: r.action,
    confidence: r.confidence,
    reasoning: r.reasoning,
    ready: r.ready,
    signals: r.signals,
    seq: toNumber(r.seq),
  };
}

/** Each agent's last signal in a session, by agent name. */
export async function agentStatus(db: ReadModelDb, sessionId: string): Promise<AgentStatusView[]> {
  const rows = await db
    .selectFrom("agent_status")
    .selectAll()
    .where("session_id", "=", sessionId)
    .orderBy("agent")
    .execute();
  return rows.map(toAgentStatus);
}
