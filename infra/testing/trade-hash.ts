import { type AnyEvent, sessionHash } from "../../events/index.ts";

/** The events of a session's trading path: what DESIGN §12 rule 2 requires to be identical across runners. */
export const tradeEventTypes: ReadonlySet<string> = new Set([
  "DecisionMade",
  "RiskApproved",
  "RiskRejected",
  "OrderSubmitted",
  "OrderAccepted",
  "OrderFilled",
  "OrderCancelled",
  "PositionChanged",
]);

/** sessionHash of the trade events only (decisions, verdicts, orders, fills, positions). */
export function tradeHash(events: readonly AnyEvent[]): string {
  return sessionHash(events.filter((e) => tradeEventTypes.has(e.type)));
}

/**
 * sessionHash of everything the pipeline wrote from the market in (feed, agents, orchestrator, risk, execution):
 * every writer but `control` and `session`, whose opening differs by runner (the in-process scheduler records
 * SessionCreated on `session`, the log runner on `control`).
 */
export function pipelineHash(events: readonly AnyEvent[]): string {
  return sessionHash(events.filter((e) => e.writer !== "control" && e.writer !== "session"));
}
