import type { Kysely } from "kysely";
import type { EventLog } from "../../events/index.ts";
import type { ReadModelDb } from "../../projections/index.ts";
import type { AuditWriter } from "../audit/audit-writer.ts";
import type { ApiKeyStore, Principal } from "../auth/api-key-store.ts";
import type { GatewayConfig } from "../config/gateway-config.ts";
import type { GatewayMetrics } from "../observability/gateway-metrics.ts";
import type { SessionLauncher } from "../ports/session-launcher.ts";
import type { StrategyValidator } from "../ports/strategy-validator.ts";
import type { WhatIfRunner } from "../ports/what-if-runner.ts";
import type { GatewayDatabase } from "../store/gateway-database.ts";

/** A named readiness probe: resolves when the dependency answered, throws otherwise. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

/** Everything a route module needs, built once by createGateway. */
export interface GatewayContext {
  readonly config: GatewayConfig;
  readonly log: EventLog;
  /** The read models' database (the projections' query functions run on it). */
  // biome-ignore lint/suspicious/noExplicitAny: the projections' schema type lives in projections/; the gateway only passes it on.
  readonly db: Kysely<any>;
  /** The read models, scoped to their namespace (what the projections' queries take). */
  readonly readModels: ReadModelDb;
  /** The same database, typed for the gateway's own tables. */
  readonly gatewayDb: Kysely<GatewayDatabase>;
  readonly keys: ApiKeyStore;
  readonly audit: AuditWriter;
  readonly metrics: GatewayMetrics;
  readonly readiness: readonly ReadinessCheck[];
  readonly launcher: SessionLauncher | undefined;
  readonly strategyValidator: StrategyValidator | undefined;
  readonly whatIf: WhatIfRunner | undefined;
  readonly now: () => Date;
}

declare module "fastify" {
  interface FastifyRequest {
    /** The key the request acts as; null on public routes. */
    principal: Principal | null;
  }
}
