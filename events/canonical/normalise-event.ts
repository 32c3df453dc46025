import type { EventEnvelope, NewEvent } from "../envelope/event-envelope.ts";

const idKey = /(^id$|Id$)/;

/**
 * One event in the form two runs of the same inputs share: `seq`, `recordedAt` and `subject` (root, session, writer)
 * dropped; an id that `labels` knows replaced by its label; the session id replaced by `#session` wherever it
 * appears; every other identifier field (a key ending in `Id`) numbered by first appearance in `others` (`#i<n>`),
 * keys visited sorted so the numbering is canonical. The session hash and replay verification both use it.
 */
export function normaliseEvent(
  event: NewEvent | EventEnvelope,
  labels: ReadonlyMap<string, string>,
  sessionIds: ReadonlySet<string>,
  others: Map<string, string>,
): Record<string, unknown> {
  const replaceString = (s: string): string => {
    const known = labels.get(s);
    if (known !== undefined) return known;
    let out = s;
    for (const sid of sessionIds) if (out.includes(sid)) out = out.split(sid).join("#session");
    return out;
  };
  const replaceId = (s: string): string => {
    const known = labels.get(s);
    if (known !== undefined) return known;
    if (sessionIds.has(s)) return "#session";
    let mapped = others.get(s);
    if (mapped === undefined) {
      mapped = `#i${others.size}`;
      others.set(s, mapped);
    }
    return mapped;
  };
  const walk = (value: unknown, key: string | null): unknown => {
    if (typeof value === "string")
      return key !== null && idKey.test(key) ? replaceId(value) : replaceString(value);
    if (Array.isArray(value)) return value.map((v) => walk(v, null));
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(value).sort()) out[k] = walk((value as Record<string, unknown>)[k], k);
      return out;
    }
    return value;
  };
  // The subject is root + session + writer: the root is deployment configuration, the rest is hashed already.
  const { seq: _seq, recordedAt: _recordedAt, subject: _subject, ...rest } = event as EventEnvelope;
  return walk(rest, null) as Record<string, unknown>;
}
