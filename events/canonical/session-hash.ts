import { createHash } from "node:crypto";
import type { EventEnvelope, NewEvent } from "../envelope/event-envelope.ts";
import { canonicalJson } from "./canonical-json.ts";
import { normaliseEvent } from "./normalise-event.ts";

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
  return ordered.map((e) => normaliseEvent(e, eventPositions, sessionIds, otherIds));
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
