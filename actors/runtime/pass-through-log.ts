import {
  type AnyEvent,
  type AppendOptions,
  type AppendResult,
  ConcurrencyError,
  type NewEvent,
  ValidationError,
  validateNewEvent,
} from "../../events/index.ts";
import type { InProcessLog } from "./in-process-scheduler.ts";

export interface PassThroughLogOptions {
  readonly root?: string;
  /** Skip catalog validation (trusted in-process writers, benchmarks only). */
  readonly trusted?: boolean;
}

/**
 * A log that keeps nothing but each subject's last sequence and the batch just appended: for long backtests and the
 * pipeline benchmark, where holding millions of events would cost gigabytes and only the summary is wanted. Appends
 * are validated and fenced (OCC) like the embedded log's; `readAll` sees only the last batch, so a session run on it
 * has no `events()` and no hash.
 */
export function createPassThroughLog(
  options: PassThroughLogOptions = {},
): InProcessLog & { readonly size: number } {
  const trusted = options.trusted ?? false;
  const lastBySubject = new Map<string, number>();
  let seq = 0;
  let batch: AnyEvent[] = [];
  return {
    root: options.root ?? "cf",
    appendSync(subject: string, events: readonly NewEvent[], o: AppendOptions = {}): AppendResult {
      const last = lastBySubject.get(subject) ?? 0;
      if (o.expectedLastSeq !== undefined && o.expectedLastSeq !== last) {
        throw new ConcurrencyError(
          `${subject}: expected last sequence ${o.expectedLastSeq}, the log has ${last}`,
          {
            details: { subject, expected: o.expectedLastSeq, actual: last },
          },
        );
      }
      batch = events.map((e) => {
        if (e.subject !== subject) {
          throw new ValidationError(`event ${e.id} has subject ${e.subject}, appended to ${subject}`, [
            { path: "subject", message: "does not match the append subject" },
          ]);
        }
        seq++;
        return { ...(trusted ? e : validateNewEvent(e)), seq } as AnyEvent;
      });
      lastBySubject.set(subject, seq);
      return { seqs: batch.map((e) => e.seq), lastSeq: seq, duplicates: 0 };
    },
    readAll(filter: string, fromSeq = 1): AnyEvent[] {
      return batch.filter((e) => e.seq >= fromSeq && e.subject === filter);
    },
    get size() {
      return seq;
    },
  };
}
