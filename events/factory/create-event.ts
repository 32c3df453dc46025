import type { EventData, EventType } from "../catalog/event-catalog.ts";
import { eventCatalog } from "../catalog/event-catalog.ts";
import type { NewEvent, Writer } from "../envelope/event-envelope.ts";
import { eventId } from "../ids/deterministic-id.ts";
import { subjectFor } from "../subjects/subjects.ts";

/** What a machine emits: a type, its data and its event time. The host adds identity and routing. */
export interface EventDraft<T extends EventType = EventType> {
  readonly type: T;
  readonly data: EventData<T>;
  /** Event time (ISO-8601 ms): normally the time of the input that caused it. */
  readonly at: string;
}

export type AnyEventDraft = { [T in EventType]: EventDraft<T> }[EventType];

export interface EventContext {
  readonly root: string;
  readonly sessionId: string;
  readonly writer: Writer;
  /** Wall clock, supplied by the edge (never read inside a machine). */
  readonly recordedAt: string;
}

export interface Cause {
  readonly id: string;
  readonly correlationId: string;
}

/**
 * Builds a NewEvent with a deterministic id: hash of session, writer, cause and `ordinal` (the draft's position among
 * the outputs of that cause, or a counter for root events). A root event correlates with itself.
 */
export function createEvent<T extends EventType>(
  ctx: EventContext,
  draft: EventDraft<T>,
  cause: Cause | null,
  ordinal: number | string,
): NewEvent<T> {
  const id = eventId(ctx.sessionId, ctx.writer, cause?.id ?? null, ordinal);
  return {
    id,
    type: draft.type,
    v: eventCatalog[draft.type].v,
    sessionId: ctx.sessionId,
    subject: subjectFor(ctx.root, ctx.sessionId, ctx.writer),
    at: draft.at,
    recordedAt: ctx.recordedAt,
    correlationId: cause?.correlationId ?? id,
    causationId: cause?.id ?? null,
    writer: ctx.writer,
    data: draft.data,
  };
}
