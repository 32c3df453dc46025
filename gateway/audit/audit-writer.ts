import { randomUUID } from "node:crypto";
import { auditSubject, createEvent, type EventData, type EventLog } from "../../events/index.ts";

export type AuditType = "ApiKeyIssued" | "ApiKeyRevoked" | "AuthFailed" | "RateLimited";

/** Appends security events to `<root>.system.audit` (a multi-writer subject: no optimistic concurrency). */
export interface AuditWriter {
  record<T extends AuditType>(type: T, data: EventData<T>): Promise<void>;
}

/** The audit writer over an event log; `now` is the edge's wall clock (audit events are not market events). */
export function createAuditWriter(log: EventLog, now: () => Date = () => new Date()): AuditWriter {
  const subject = auditSubject(log.root);
  return {
    async record(type, data) {
      const at = now().toISOString();
      // Audit events have no cause; a random ordinal keeps each one distinct (they are not replayed decisions).
      const event = createEvent(
        { root: log.root, sessionId: "system", writer: "audit", recordedAt: at },
        { type, data, at },
        null,
        randomUUID(),
      );
      await log.append(subject, [event]);
    },
  };
}
