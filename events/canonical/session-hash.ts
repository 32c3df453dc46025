import { createHash } from "node:crypto";
import type { EventEnvelope, NewEvent } from "../envelope/event-envelope.ts";
import { canonicalJson } from "./canonical-json.ts";

type Hashable = NewEvent | EventEnvelope;

/**
 * Orders a session's events the way the hash sees them: by writer name, then by stream sequence (or the given order
 * within a writer). Each writer's output is deterministic, but how JetStream interleaves concurrent writers is not,
 * so the order across writers must not matter.
 */
export function canonicalOrder<E extends Hashable>(events: readonly E[]): E[] {
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => {
      if (a.e.writer !== b.e.writer) return a.e.writer < b.e.writer ? -1 : 1;
      const sa = "seq" in a.e ? a.e.seq : a.i;
      const sb = "seq" in b.e ? b.e.seq : b.i;
      return sa - sb || a.i - b.i;
    })
    .map(({ e }) => e);
}

/**
 * The events in the form the hash covers: `seq`, `recordedAt` and `subject` (root, session and writer) dropped; event ids replaced by their position
 * (`#e<n>`); the session id replaced by `#session` wherever it appears; every other identifier field (a key ending in
 * `Id`: orderId, clientOrderId, fillId, commandId …) replaced by the order of its first appearance (`#i<n>`).
 * Two sessions run on the same inputs and configuration therefore normalise to the same text.
 */
export function normaliseSession(events: readonly Hashable[]): unknown[] {
  const ordered = canonicalOrder(events);
  const sessionIds = new Set(ordered.map((e) => e.sessionId));
  const eventPositions = new Map<string, string>();
  ordered.forEach((e, i) => {
    eventPositions.set(e.id, `#e${i}`);
  });
  const otherIds = new Map<string, string>();

  const replaceString = (s: string): string => {
    const known = eventPositions.get(s);
    if (known !== undefined) return known;
    let out = s;
    for (const sid of sessionIds) if (out.includes(sid)) out = out.split(sid).join("#session");
    return out;
  };
  const replaceId = (s: string): string => {
    const known = eventPositions.get(s);
    if (known !== undefined) return known;
    if (sessionIds.has(s)) return "#session";
    let mapped = otherIds.get(s);
    if (mapped === undefined) {
      mapped = `#i${otherIds.size}`;
      otherIds.set(s, mapped);
    }
    return mapped;
  };
  const walk = (value: unknown, key: string | null): unknown => {
    if (typeof value === "string") {
      return key !== null && /(^id$|Id$)/.test(key) ? replaceId(value) : replaceString(value);
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, null));
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      // Sorted keys, so first appearances are numbered in canonical order.
      for (const k of Object.keys(value).sort()) out[k] = walk((value as Record<string, unknown>)[k], k);
      return out;
    }
    return value;
  };

  return ordered.map((e) => {
    // The subject is root + session + writer: the root is deployment configuration, the rest is hashed already.
    const { seq: _seq, recordedAt: _recordedAt, subject: _subject, ...rest } = e as EventEnvelope;
    return walk(rest, null);
  });
}

/** sha256 (hex) over the canonical JSON of the normalised events, one per line. */
export function sessionHash(events: readonly Hashable[]): string {
  const h = createHash("sha256");
  for (const e of normaliseSession(events)) {
    h.update(canonicalJson(e));
    h.update("\n");
  }
  return h.digest("hex");
}
