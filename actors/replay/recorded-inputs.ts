import {
  type AnyEvent,
  type AnyEventDraft,
  type EventEnvelope,
  NotFoundError,
  ValidationError,
} from "../../events/index.ts";

/** One external input of a recorded session, in log order. */
export type RecordedStep =
  | { readonly kind: "feed"; readonly event: AnyEvent }
  | { readonly kind: "command"; readonly event: EventEnvelope<"CommandIssued"> };

/** What a session was given from outside: its creation, then the feed and the operators' commands in log order. */
export interface RecordedInputs {
  readonly created: EventEnvelope<"SessionCreated">;
  /** The command that started the session (re-issued by the replay's own start), when there was one. */
  readonly start: EventEnvelope<"CommandIssued"> | null;
  readonly steps: readonly RecordedStep[];
  readonly feedEvents: number;
  readonly commands: number;
}

/** Writers whose events a replay must reproduce: the machines' outputs (SessionCreated excepted: it is an input). */
export function isOutputEvent(e: AnyEvent): boolean {
  if (e.type === "SessionCreated") return false;
  const w = e.writer;
  return w === "session" || w.startsWith("agent.") || w === "orchestrator" || w === "risk" || w === "exec";
}

/** A session's events in log order (stream sequence). */
export function inLogOrder(events: readonly AnyEvent[]): AnyEvent[] {
  return [...events].sort((a, b) => a.seq - b.seq);
}

/**
 * A session's recorded external inputs: SessionCreated (on `session` when the in-process scheduler recorded it, on
 * `control` when a runner did), every feed event, and every CommandIssued at its position among them. The first
 * runner `start` command is set apart: a replay's own start issues it.
 */
export function extractRecordedInputs(events: readonly AnyEvent[]): RecordedInputs {
  let created: EventEnvelope<"SessionCreated"> | null = null;
  let start: EventEnvelope<"CommandIssued"> | null = null;
  const steps: RecordedStep[] = [];
  let feedEvents = 0;
  let commands = 0;
  for (const e of inLogOrder(events)) {
    if (e.type === "SessionCreated") {
      if (created !== null) {
        throw new ValidationError(`session ${e.sessionId} holds two SessionCreated events`, [
          { path: "SessionCreated", message: "duplicate" },
        ]);
      }
      created = e;
    } else if (e.writer === "feed") {
      steps.push({ kind: "feed", event: e });
      feedEvents++;
    } else if (e.type === "CommandIssued") {
      if (start === null && e.data.command === "start" && feedEvents === 0) start = e;
      else {
        steps.push({ kind: "command", event: e });
        commands++;
      }
    }
  }
  if (created === null) {
    const sid = events[0]?.sessionId ?? "(empty)";
    throw new NotFoundError(`session ${sid} has no SessionCreated: nothing to replay`);
  }
  return { created, start, steps, feedEvents, commands };
}

/** A recorded feed event as the draft that produced it (identity and routing are the replay's own). */
export function draftOf(e: AnyEvent): AnyEventDraft {
  return { type: e.type, at: e.at, data: e.data } as AnyEventDraft;
}
