import { z } from "zod";
import type { EventData, EventType } from "../catalog/event-catalog.ts";
import { isoInstant, token } from "../catalog/primitives.ts";

/**
 * The writers of a session, one subject each: `<root>.<sessionId>.<writer>`. Only `control`, `dlq` and `audit`
 * take more than one writer.
 */
export type Writer =
  | "session"
  | "feed"
  | `agent.${string}`
  | "orchestrator"
  | "risk"
  | "exec"
  | "venue"
  | "control"
  | "dlq"
  | "audit"
  | "projector";

export const writerSchema = z
  .string()
  .regex(
    /^(session|feed|agent\.[a-z]+|orchestrator|risk|exec|venue|control|dlq|audit|projector)$/,
    "unknown writer",
  );

/** One event as stored in the log. `seq` is the stream sequence, set when read. */
export interface EventEnvelope<T extends EventType = EventType> {
  readonly id: string;
  readonly type: T;
  readonly v: number;
  readonly sessionId: string;
  readonly subject: string;
  readonly seq: number;
  /** Event time: the market clock. Every decision depends on this, never on the wall clock. */
  readonly at: string;
  /** Wall clock when written: informational, never hashed. */
  readonly recordedAt: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly writer: Writer;
  readonly data: EventData<T>;
}

/** An event of any type, narrowed by `type`. */
export type AnyEvent = { [T in EventType]: EventEnvelope<T> }[EventType];

/** An event about to be appended: everything but the stream sequence. */
export type NewEvent<T extends EventType = EventType> = Omit<EventEnvelope<T>, "seq">;
export type AnyNewEvent = { [T in EventType]: NewEvent<T> }[EventType];

/** The envelope's wire shape (data checked separately against the catalog). */
export const envelopeSchema = z.object({
  id: z.string().min(1).max(100),
  type: z.string().min(1).max(100),
  v: z.number().int().positive(),
  sessionId: token,
  subject: z.string().min(1).max(256),
  at: isoInstant,
  recordedAt: isoInstant,
  correlationId: z.string().min(1).max(100),
  causationId: z.string().min(1).max(100).nullable(),
  writer: writerSchema,
  data: z.unknown(),
});
