import {
  isoTime,
  type Page,
  type PageQuery,
  pageBounds,
  type ReadModelDb,
  toNumber,
} from "./read-model-db.ts";

/** What the audit trail records. */
export const auditKinds = [
  "control_command",
  "risk_rejected",
  "risk_veto",
  "breaker_tripped",
  "breaker_reset",
  "api_key_issued",
  "api_key_revoked",
  "auth_failed",
  "rate_limited",
] as const;
export type AuditKind = (typeof auditKinds)[number];

export interface AuditEntryView {
  readonly auditId: string;
  readonly sessionId: string;
  readonly kind: string;
  /** Who: an API key name or id, an operator, `risk`, an agent. */
  readonly actor: string | null;
  /** What: the command, the refused action, the breaker, the route. */
  readonly action: string;
  /** accepted, rejected, pending, vetoed, tripped, reset, issued, revoked, failed, limited. */
  readonly outcome: string;
  readonly reason: string | null;
  readonly details: Readonly<Record<string, unknown>>;
  readonly at: string;
  readonly recordedAt: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly eventId: string;
  readonly seq: number;
}

export interface AuditFilter extends PageQuery {
  /** A session, or `system` for key, authentication and rate-limit entries. */
  readonly sessionId?: string;
  readonly kind?: string;
  readonly outcome?: string;
  readonly correlationId?: string;
  readonly from?: string;
  readonly to?: string;
}

/** The audit trail, newest first, by session, kind, outcome, correlation id and time. */
export async function listAuditTrail(
  db: ReadModelDb,
  filter: AuditFilter = {},
): Promise<Page<AuditEntryView>> {
  const { limit, offset } = pageBounds(filter);
  let q = db.selectFrom("audit_trail");
  if (filter.sessionId) q = q.where("session_id", "=", filter.sessionId);
  if (filter.kind) q = q.where("kind", "=", filter.kind);
  if (filter.outcome) q = q.where("outcome", "=", filter.outcome);
  if (filter.correlationId) q = q.where("correlation_id", "=", filter.correlationId);
  if (filter.from) q = q.where("at", ">=", new Date(filter.from));
  if (filter.to) q = q.where("at", "<", new Date(filter.to));
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy("at", "desc").orderBy("seq", "desc").limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      auditId: r.audit_id,
      sessionId: r.session_id,
      kind: r.kind,
      actor: r.actor,
      action: r.action,
      outcome: r.outcome,
      reason: r.reason,
      details: r.details as Record<string, unknown>,
      at: isoTime(r.at),
      recordedAt: isoTime(r.recorded_at),
      correlationId: r.correlation_id,
      causationId: r.causation_id,
      eventId: r.event_id,
      seq: toNumber(r.seq),
    })),
    total: toNumber(count.n),
    limit,
    offset,
  };
}
