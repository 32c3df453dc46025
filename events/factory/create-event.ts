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
  /**
   * The event this output answers, when it is not the input that happened to complete it. A barrier (the vote of a
   * bar closes on whichever signal arrives last) must name a cause that does not depend on arrival order, or the
   * output's id would.
   */
  readonly cause?: Cause;
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

/**
 * Builds the events for one input's outputs: each draft's cause is its own `cause` or the input, and its ordinal is its
 * position among the drafts of the same cause, so ids do not depend on what else the batch holds.
 */
export function createEvents(
  ctx: EventContext,
  drafts: readonly EventDraft[],
  input: Cause | null,
): NewEvent[] {
  const ordinals = new Map<string | null, number>();
  return drafts.map((d) => {
    const cause = d.cause ?? input;
    const key = cause?.id ?? null;
    const ordinal = ordinals.get(key) ?? 0;
    ordinals.set(key, ordinal + 1);
    const { cause: _cause, ...draft } = d;
    return createEvent(ctx, draft as EventDraft, cause, ordinal);
  });
}
