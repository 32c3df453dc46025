import type { EventLog } from "../../events/index.ts";
import { listDecisions, listOrders, type ReadModelDb } from "../../projections/index.ts";
// The projections' synthetic session builder (test support, not part of projections' public surface).
import { appendEvents, buildSessionEvents } from "../../projections/testing/session-events.ts";

export interface SeededSession {
  readonly sessionId: string;
  readonly decisionId: string;
  readonly orderId: string;
}

/** Appends a causally faithful synthetic session to the log and projects it; returns ids to query. */
export async function seedProjectedSession(
  log: EventLog,
  readModels: ReadModelDb,
  project: () => Promise<void>,
  sessionId: string,
  bars = 30,
): Promise<SeededSession> {
  await appendEvents(log, buildSessionEvents({ sessionId, bars, root: log.root }));
  await project();
  const decision = (await listDecisions(readModels, { sessionId, limit: 1 })).items[0];
  const order = (await listOrders(readModels, { sessionId, limit: 1 })).items[0];
  if (decision === undefined || order === undefined)
    throw new Error(`seeded session ${sessionId} has no decision/order`);
  return { sessionId, decisionId: decision.decisionId, orderId: order.orderId };
}
