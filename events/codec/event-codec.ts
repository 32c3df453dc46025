import type { EventData, EventType } from "../catalog/event-catalog.ts";
import { eventCatalog, isEventType } from "../catalog/event-catalog.ts";
import type { AnyEvent, AnyNewEvent, EventEnvelope, NewEvent } from "../envelope/event-envelope.ts";
import { envelopeSchema } from "../envelope/event-envelope.ts";
import { issuesFromZod, ValidationError } from "../errors/cryptofunk-error.ts";

/** Largest payload the log accepts (JetStream's default max_payload is 1 MiB). */
export const maxEventBytes = 1024 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Checks an event before it is appended: the envelope, a known type at its current version, and the data against
 * the catalog. Throws a ValidationError whose message names the first failing field (`data.price`, `type`, …).
 * Returns the event with its data as the schema parsed it.
 */
export function validateNewEvent<E extends NewEvent>(event: E): E {
  const env = envelopeSchema.safeParse(event);
  if (!env.success) throw fieldError(`invalid ${String(event?.type)} envelope`, env.error.issues, "");
  if (!isEventType(event.type)) {
    throw new ValidationError(`unknown event type "${event.type}"`, [
      { path: "type", message: "not in the catalog" },
    ]);
  }
  const entry = eventCatalog[event.type];
  if (event.v !== entry.v) {
    throw new ValidationError(`${event.type} must be appended at v${entry.v}, got v${event.v}`, [
      { path: "v", message: `expected ${entry.v}` },
    ]);
  }
  const data = entry.schema.safeParse(event.data);
  if (!data.success) throw fieldError(`invalid ${event.type}`, data.error.issues, "data");
  return { ...event, data: data.data };
}

function fieldError(
  what: string,
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  prefix: string,
): ValidationError {
  const named = issuesFromZod(issues).map((i) => ({
    path: prefix === "" ? i.path : i.path === "(root)" ? prefix : `${prefix}.${i.path}`,
    message: i.message,
  }));
  const first = named[0];
  return new ValidationError(first ? `${what}: ${first.path}: ${first.message}` : what, named);
}

export interface EncodedEvent {
  readonly subject: string;
  readonly payload: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

/** Header names mirrored from the envelope so subscribers can filter without decoding. */
export const eventHeaders = {
  id: "Nats-Msg-Id",
  type: "Cf-Type",
  v: "Cf-V",
  correlation: "Cf-Correlation-Id",
  causation: "Cf-Causation-Id",
} as const;

export function encodeEvent(event: NewEvent): EncodedEvent {
  const payload = encoder.encode(JSON.stringify(event));
  if (payload.byteLength > maxEventBytes) {
    throw new ValidationError(`${event.type} is ${payload.byteLength} bytes; the limit is ${maxEventBytes}`, [
      { path: "(root)", message: "too large" },
    ]);
  }
  const headers: Record<string, string> = {
    [eventHeaders.id]: event.id,
    [eventHeaders.type]: event.type,
    [eventHeaders.v]: String(event.v),
    [eventHeaders.correlation]: event.correlationId,
  };
  if (event.causationId !== null) headers[eventHeaders.causation] = event.causationId;
  return { subject: event.subject, payload, headers };
}

export type DecodeResult =
  | { readonly ok: true; readonly event: AnyEvent }
  | { readonly ok: false; readonly reason: string };

/**
 * Decodes a stored message: at most `maxBytes`, UTF-8, JSON, envelope, on its own session's and writer's subject, a
 * known type, a known version (upcast to the current one), data valid. Never throws: a message that fails any step
 * comes back with the reason, for the dead-letter subject.
 */
export function decodeEvent(
  payload: Uint8Array | string,
  seq: number,
  subject: string,
  maxBytes: number = maxEventBytes,
): DecodeResult {
  // A foreign client can store anything up to the server's max_payload: refuse what append would have refused.
  const bytes = typeof payload === "string" ? encoder.encode(payload).byteLength : payload.byteLength;
  if (bytes > maxBytes) return { ok: false, reason: `payload is ${bytes} bytes; the limit is ${maxBytes}` };
  let text: string;
  try {
    text = typeof payload === "string" ? payload : decoder.decode(payload);
  } catch {
    return { ok: false, reason: "payload is not valid UTF-8" };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `payload is not JSON: ${(e as Error).message}` };
  }
  const env = envelopeSchema.safeParse(raw);
  if (!env.success) {
    const i = issuesFromZod(env.error.issues)[0];
    return { ok: false, reason: `invalid envelope: ${i?.path}: ${i?.message}` };
  }
  const e = env.data;
  if (e.subject !== subject) {
    return {
      ok: false,
      reason: `envelope subject ${e.subject} does not match the message subject ${subject}`,
    };
  }
  // Subjects are `<root>.<sessionId>.<writer>`: an event claiming another session (or writer) would reach this
  // session's actors as their own.
  if (!subject.endsWith(`.${e.sessionId}.${e.writer}`)) {
    return {
      ok: false,
      reason: `envelope session ${e.sessionId} / writer ${e.writer} does not match the message subject ${subject}`,
    };
  }
  if (!isEventType(e.type)) return { ok: false, reason: `unknown event type "${e.type}"` };
  const up = upcast(e.type, e.v, e.data);
  if (!up.ok) return up;
  return { ok: true, event: { ...e, v: eventCatalog[e.type].v, data: up.data, seq } as AnyEvent };
}

/** Brings data written at version `v` to the type's current version through each upcaster in turn. */
export function upcast<T extends EventType>(
  type: T,
  v: number,
  data: unknown,
): { ok: true; data: EventData<T> } | { ok: false; reason: string } {
  const entry = eventCatalog[type];
  if (v > entry.v) return { ok: false, reason: `${type} v${v} is newer than this build knows (v${entry.v})` };
  let current = data;
  for (let version = v; version < entry.v; version++) {
    const step = (entry as { history?: Record<number, { schema: unknown; upcast: (d: unknown) => unknown }> })
      .history?.[version];
    if (step === undefined)
      return { ok: false, reason: `${type} v${version} is no longer readable (no upcaster)` };
    try {
      current = step.upcast(current);
    } catch (err) {
      return { ok: false, reason: `${type} v${version} data is invalid: ${firstIssue(err)}` };
    }
  }
  const parsed = entry.schema.safeParse(current);
  if (!parsed.success) {
    const i = issuesFromZod(parsed.error.issues)[0];
    return { ok: false, reason: `invalid ${type} v${entry.v}: data.${i?.path}: ${i?.message}` };
  }
  return { ok: true, data: parsed.data as EventData<T> };
}

function firstIssue(err: unknown): string {
  const issues = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  if (issues?.[0]) return `${issues[0].path.map(String).join(".")}: ${issues[0].message}`;
  return (err as Error).message;
}

export type { AnyNewEvent, EventEnvelope };
