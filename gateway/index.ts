// The HTTP gateway: the public surface of gateway/. infra/ composes it (the `gateway` and `keys` commands); nothing
// else reaches into deep files.

export type { AuditType, AuditWriter } from "./audit/audit-writer.ts";
export { createAuditWriter } from "./audit/audit-writer.ts";
export type {
  ApiKeyInfo,
  ApiKeyStore,
  ApiKeyStoreOptions,
  Principal,
  VerifyResult,
} from "./auth/api-key-store.ts";
export { createApiKeyStore } from "./auth/api-key-store.ts";
export type { ApiRole, RouteKey, RouteRole } from "./auth/route-roles.ts";
export { apiRoles, roleAllows, routeRoles } from "./auth/route-roles.ts";
export type { GatewayConfig } from "./config/gateway-config.ts";
export { defaultGatewayConfig, resolveGatewayConfig } from "./config/gateway-config.ts";
export type { ErrorResponse } from "./errors/http-status.ts";
export { errorResponse, httpStatusForCode } from "./errors/http-status.ts";
export type { Gateway, GatewayDeps } from "./gateway-server.ts";
export { createGateway } from "./gateway-server.ts";
export type { ReadinessCheck } from "./http/gateway-context.ts";
export type { GatewayMetrics } from "./observability/gateway-metrics.ts";
export { createGatewayMetrics } from "./observability/gateway-metrics.ts";
export type { LaunchRequest, LaunchSpec, SessionLauncher } from "./ports/session-launcher.ts";
export { launchRequest } from "./ports/session-launcher.ts";
export type { StrategyValidation, StrategyValidator } from "./ports/strategy-validator.ts";
export type {
  SessionComparisonView,
  WhatIfOutcome,
  WhatIfRequest,
  WhatIfRunner,
} from "./ports/what-if-runner.ts";
export type { GatewayDatabase } from "./store/gateway-database.ts";
export { gatewayMigrations, migrateGateway } from "./store/gateway-migrations.ts";
