import { compareSessions, parseStrategy } from "../../actors/index.ts";
import { CryptoFunkError, type EventLog } from "../../events/index.ts";
import type { WhatIfOutcome, WhatIfRunner } from "../../gateway/index.ts";
import { createSessionThreads, type SessionThreads } from "../session/session-threads.ts";
import { readRecordedSession, recordWhatIf } from "./replay-recorded.ts";

// The comparison's trades carry only JSON values (strings, numbers, ISO times); the cast states what the port shows.
const outcome = (o: { sessionId: string; parentSessionId: string; comparison: unknown }): WhatIfOutcome =>
  o as WhatIfOutcome;

/**
 * The gateway's what-if port over an event log: replays a recorded session in a worker thread with another strategy
 * into a linked child session (the same code as `cryptofunk replay --what-if`), and compares a child with its parent.
 */
export function createWhatIfService(
  log: EventLog,
  threads: SessionThreads = createSessionThreads(),
): WhatIfRunner {
  return {
    async run(spec) {
      const parent = await readRecordedSession(log, spec.parentSessionId);
      // The replay runs in a thread (a long one would stall the gateway); the recording here, where the log is.
      const r = await threads.whatIf({
        parent,
        strategy: parseStrategy(spec.strategy),
        label: spec.label ?? `what-if of ${spec.parentSessionId} by ${spec.requestedBy}`,
        root: log.root,
      });
      await recordWhatIf(log, r.sessionId, r.events);
      return outcome(r);
    },
    async compare(sessionId) {
      const events = await readRecordedSession(log, sessionId);
      const created = events.find((e) => e.type === "SessionCreated");
      const parentSessionId = created?.type === "SessionCreated" ? created.data.parentSessionId : undefined;
      if (parentSessionId === undefined) {
        throw new CryptoFunkError(
          "CONFLICT",
          `session ${sessionId} is not a what-if replay (it has no parent session to compare with)`,
        );
      }
      const parent = await readRecordedSession(log, parentSessionId);
      return outcome({ sessionId, parentSessionId, comparison: compareSessions(parent, events) });
    },
  };
}
