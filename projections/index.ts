// The read models: the public surface of projections/. The gateway imports the read side from here; infra/ composes
// the projector, migrations and rebuild. Nothing else reaches into deep files.

// Projector
export type { ProjectionPolicyOptions } from "./projector/projection-policy.ts";
export type { BatchStats, Projector, ProjectorOptions, ProjectorTotals } from "./projector/projector.ts";
export { createProjector, projectionCheckpoint } from "./projector/projector.ts";
export { readModelFold } from "./projector/read-model-fold.ts";
export type { RowOp, UpdateOp, UpsertOp } from "./projector/row-op.ts";
export { UnprojectableEventError } from "./projector/unprojectable-event-error.ts";
// Read side (for the gateway)
export type { AuditEntryView, AuditFilter, AuditKind } from "./read/audit-query.ts";
export { auditKinds, listAuditTrail } from "./read/audit-query.ts";
export type { CandleFilter } from "./read/candles-query.ts";
export { listCandles } from "./read/candles-query.ts";
export type { DeadLetterFilter, DeadLetterView } from "./read/dead-letters-query.ts";
export { listDeadLetters } from "./read/dead-letters-query.ts";
export type {
  DecisionFilter,
  DecisionView,
  DecisionWithVotes,
  RiskVerdictView,
  VoteView,
} from "./read/decisions-query.ts";
export { getDecision, listDecisions } from "./read/decisions-query.ts";
export type { BarView, ExplainedVote, OrderExplanation } from "./read/explain-order.ts";
export { explainOrder } from "./read/explain-order.ts";
export type { DecisionReview, ReviewFilter } from "./read/feedback-query.ts";
export { decisionsNeedingReview } from "./read/feedback-query.ts";
export type { FillFilter, FillView, OrderFilter, OrderView } from "./read/orders-query.ts";
export { getOrder, listFills, listOrders } from "./read/orders-query.ts";
export type { EquityPoint, MetricsSummary, PositionView, TradeView } from "./read/portfolio-query.ts";
export { equityCurve, listPositions, listTrades, metricsSummary } from "./read/portfolio-query.ts";
export type { Page, PageQuery, ReadModelDb } from "./read/read-model-db.ts";
export { readModelDb } from "./read/read-model-db.ts";
export type { BreakerView, TradingStateView } from "./read/risk-state-query.ts";
export { tradingState } from "./read/risk-state-query.ts";
export type { SessionFilter, SessionView } from "./read/sessions-query.ts";
export { getSession, listSessions } from "./read/sessions-query.ts";
export type { AgentStatusView, SignalFilter, SignalView } from "./read/signals-query.ts";
export { agentStatus, listSignals } from "./read/signals-query.ts";
// Rebuild
export { dumpReadModel, readModelHash } from "./rebuild/read-model-dump.ts";
export type { RebuildOptions, RebuildResult } from "./rebuild/rebuild-read-model.ts";
export { rebuildReadModel } from "./rebuild/rebuild-read-model.ts";
// Schema and migrations
export type { DB as ReadModelTables } from "./schema/database.ts";
export { migrateToLatest } from "./schema/migrate-to-latest.ts";
export type { MigrationStatus, ReadModelLayout } from "./schema/read-model-layout.ts";
export {
  defaultNamespace,
  dropReadModel,
  liveVersion,
  migrateDown,
  migrateUp,
  migrationStatus,
  readModelProjection,
  versionSchema,
} from "./schema/read-model-layout.ts";
