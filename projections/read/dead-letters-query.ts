import {
  isoTime,
  type Page,
  type PageQuery,
  pageBounds,
  type ReadModelDb,
  toNumber,
} from "./read-model-db.ts";

export interface DeadLetterView {
  readonly deadLetterId: string;
  readonly sessionId: string;
  readonly reason: string;
  readonly originalSubject: string;
  readonly originalSeq: number | null;
  readonly refusedBy: string;
  readonly payload: string;
  readonly payloadBytes: number;
  readonly at: string;
  readonly eventId: string;
  readonly seq: number;
}

export interface DeadLetterFilter extends PageQuery {
  readonly sessionId?: string;
  readonly refusedBy?: string;
}

/** Messages that could not be used, newest first. */
export async function listDeadLetters(
  db: ReadModelDb,
  filter: DeadLetterFilter = {},
): Promise<Page<DeadLetterView>> {
  const { limit, offset } = pageBounds(filter);
  let q = db.selectFrom("dead_letters");
  if (filter.sessionId) q = q.where("session_id", "=", filter.sessionId);
  if (filter.refusedBy) q = q.where("refused_by", "=", filter.refusedBy);
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy("seq", "desc").limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      deadLetterId: r.dead_letter_id,
      sessionId: r.session_id,
      reason: r.reason,
      originalSubject: r.original_subject,
      originalSeq: r.original_seq === null ? null : toNumber(r.original_seq),
      refusedBy: r.refused_by,
      payload: r.payload,
      payloadBytes: r.payload_bytes,
      at: isoTime(r.at),
      eventId: r.event_id,
      seq: toNumber(r.seq),
    })),
    total: toNumber(count.n),
    limit,
    offset,
  };
}
