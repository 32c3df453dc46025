import { expect } from "vitest";
import { runInProcessSession } from "../../actors/index.ts";
import type { AnyEvent, EventEnvelope } from "../../events/index.ts";
import { planSession, setupFromCreated } from "../session/session-planner.ts";
import { pipelineHash, tradeHash } from "./trade-hash.ts";

/** Events per writer, but for `control` and `session`, whose opening differs by runner. */
export function countsByWriter(events: readonly AnyEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) {
    if (e.writer !== "control" && e.writer !== "session") counts[e.writer] = (counts[e.writer] ?? 0) + 1;
  }
  return counts;
}

/**
 * Expects a session's events (read from the log) to be those of one uninterrupted in-process run of its recorded
 * setup: no duplicate id, no dead letter, one SessionStopped, the same count per writer, trade and pipeline hashes.
 */
export async function expectAsInProcess(events: readonly AnyEvent[]): Promise<void> {
  const created = events.find((e) => e.type === "SessionCreated") as EventEnvelope<"SessionCreated">;
  const sid = created.sessionId;
  const reference = runInProcessSession(setupFromCreated(created), (await planSession(created)).feed);
  expect(new Set(events.map((e) => e.id)).size, `${sid}: duplicate ids`).toBe(events.length);
  expect(
    events.filter((e) => e.writer === "dlq"),
    `${sid}: dead letters`,
  ).toEqual([]);
  expect(
    events.filter((e) => e.type === "SessionStopped"),
    `${sid}: stops`,
  ).toHaveLength(1);
  expect(countsByWriter(events), `${sid}: events per writer`).toEqual(countsByWriter(reference.events));
  expect(tradeHash(events), `${sid}: trade hash`).toBe(tradeHash(reference.events));
  expect(pipelineHash(events), `${sid}: pipeline hash`).toBe(pipelineHash(reference.events));
}
