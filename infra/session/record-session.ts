import type { AnyEvent, EventLog, NewEvent } from "../../events/index.ts";

/**
 * Copies a session run in process into a durable log (JetStream or the embedded file), in its original order, each
 * writer fenced by its expected last sequence. Consecutive events of one writer go as one batch (up to 100).
 */
export async function recordSession(
  events: readonly AnyEvent[],
  log: EventLog,
  onProgress?: (done: number) => void,
): Promise<number> {
  const last = new Map<string, number>();
  let done = 0;
  let i = 0;
  while (i < events.length) {
    const subject = events[i]!.subject;
    const batch: NewEvent[] = [];
    while (i < events.length && events[i]!.subject === subject && batch.length < 100) {
      const { seq: _seq, ...e } = events[i]!;
      batch.push(e as NewEvent);
      i++;
    }
    const multiWriter = subject.endsWith(".control") || subject.endsWith(".dlq");
    const expected = last.get(subject) ?? (await log.lastSeq(subject));
    const r = await log.append(subject, batch, multiWriter ? {} : { expectedLastSeq: expected });
    last.set(subject, Math.max(expected, ...r.seqs));
    done += batch.length;
    onProgress?.(done);
  }
  return done;
}
