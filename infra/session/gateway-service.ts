import { parseStrategy } from "../../actors/index.ts";
import { ValidationError } from "../../events/index.ts";
import { createGateway, type Gateway, migrateGateway, type StrategyValidator } from "../../gateway/index.ts";
import { createProjector, migrateUp, type Projector, readModelDb } from "../../projections/index.ts";
import type { AppConfig } from "../config/app-config.ts";
import { createDatabase, databaseOptionsFromConfig } from "../connections/database.ts";
import type { OpenedEventLog } from "../connections/open-event-log.ts";
import type { Logger } from "../logging/create-logger.ts";
import { createSystemMetrics } from "../observability/metrics.ts";
import { createWhatIfService } from "../replay/what-if-service.ts";
import { createSessionLauncher } from "./session-launcher.ts";
import { createSessionThreads } from "./session-threads.ts";

/** The actors' strategy schema behind the gateway's validator port. */
export const actorsStrategyValidator: StrategyValidator = {
  validate(raw) {
    try {
      return { ok: true, config: parseStrategy(raw) as unknown as Record<string, unknown> };
    } catch (e) {
      if (e instanceof ValidationError) return { ok: false, issues: e.issues };
      throw e;
    }
  },
};

export interface GatewayServiceOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly opened: OpenedEventLog;
  readonly namespace: string;
  /** Run the projector in this process (always with PGlite: one process owns its directory). */
  readonly project: boolean;
  /** Run launched paper sessions in this process (single node) instead of leaving them to workers. */
  readonly runPaperSessions: boolean;
}

export interface GatewayService {
  readonly address: string;
  readonly gateway: Gateway;
  readonly projector: Projector | null;
  close(): Promise<void>;
}

/**
 * The serving side of one node: the read-model database (migrated), optionally the projector, and the HTTP gateway
 * with the session launcher. `cryptofunk gateway` and `cryptofunk demo` (which keeps serving) both start it.
 */
export async function startGatewayService(options: GatewayServiceOptions): Promise<GatewayService> {
  const { config, logger, opened } = options;
  const database = await createDatabase(databaseOptionsFromConfig(config));
  const layout = { namespace: options.namespace };
  try {
    await migrateGateway(database.db);
    await migrateUp(database.db, layout);
  } catch (error) {
    await database.close(); // an open pool would keep a failed process alive
    throw error;
  }
  const project = options.project || database.kind === "pglite";
  let projector: Projector | null = null;
  let projecting: Promise<unknown> | null = null;
  if (project) {
    projector = createProjector({ db: database.db, layout, log: opened.log });
    const caught = await projector.catchUp();
    logger.info({ projected: caught }, "read models caught up");
    projecting = projector.run().catch((err) => logger.error({ err }, "projector stopped"));
  }
  const metrics = createSystemMetrics();
  // Backtests and what-if replays share the threads (and their bound: cores − 1 at once, 20 waiting, then 429).
  const threads = createSessionThreads();
  const launcher = createSessionLauncher({
    log: opened.log,
    logger: logger.child({ component: "launcher" }),
    runPaperSessions: options.runPaperSessions,
    liveTrading: config.gateway.liveTrading,
    threads,
  });
  const g = config.gateway;
  const gateway = await createGateway({
    eventLog: opened.log,
    db: database.db,
    readModels: readModelDb(database.db, layout),
    config: {
      auth: g.auth,
      bodyLimitBytes: g.bodyLimitBytes,
      corsOrigins: g.corsOrigins,
      trustedProxies: g.trustedProxies,
      rateLimitPerKey: g.rateLimitPerKey,
      rateLimitPerIp: g.rateLimitPerIp,
      heartbeatMs: g.heartbeatMs,
      liveTrading: g.liveTrading,
      ...(g.uiDir === undefined ? {} : { uiDir: g.uiDir }),
    },
    logger: logger.child({ component: "gateway" }),
    metricsRegistry: metrics.registry,
    strategyValidator: actorsStrategyValidator,
    launcher,
    whatIf: createWhatIfService(opened.log, threads),
    eventLogName: opened.kind === "jetstream" ? "nats" : "event-log",
  });
  const address = await gateway.listen({ host: g.host, port: g.port });
  logger.info(
    { address, log: opened.where, database: database.kind, projector: project },
    "gateway listening",
  );
  return {
    address,
    gateway,
    projector,
    async close() {
      await gateway.close();
      await launcher.close();
      await threads.close();
      if (projector !== null) {
        await projector.stop();
        await projecting;
      }
      await database.close();
    },
  };
}
