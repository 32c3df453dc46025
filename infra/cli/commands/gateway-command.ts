import type { Command } from "commander";
import { parseStrategy } from "../../../actors/index.ts";
import { ValidationError } from "../../../events/index.ts";
import { createGateway, migrateGateway, type StrategyValidator } from "../../../gateway/index.ts";
import { defaultNamespace, readModelDb } from "../../../projections/index.ts";
import { createDatabase, databaseOptionsFromConfig } from "../../connections/database.ts";
import { openEventLog } from "../../connections/open-event-log.ts";
import { createSystemMetrics } from "../../observability/metrics.ts";
import { cliContext } from "../cli-context.ts";

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

/** `cryptofunk gateway [--port <n>]`: the HTTP gateway (REST, streams, OpenAPI, health, metrics). */
export function registerGatewayCommand(program: Command): void {
  program
    .command("gateway")
    .description(
      "serve the HTTP gateway: REST under /api/v1, SSE/WebSocket streams, /healthz, /readyz, /metrics",
    )
    .option("--port <n>", "port to listen on (default PORT or 8080)")
    .option("--host <address>", "address to bind (default HOST or 127.0.0.1)")
    .option("--namespace <schema>", "read-model schema", defaultNamespace)
    .action(async (opts, cmd: Command) => {
      const overrides = {
        ...(opts.port === undefined ? {} : { "gateway.port": opts.port }),
        ...(opts.host === undefined ? {} : { "gateway.host": opts.host }),
      };
      const { config, logger } = cliContext(cmd, overrides);
      const opened = await openEventLog(config, logger);
      const database = await createDatabase(databaseOptionsFromConfig(config));
      await migrateGateway(database.db);
      const metrics = createSystemMetrics();
      const g = config.gateway;
      const app = await createGateway({
        eventLog: opened.log,
        db: database.db,
        readModels: readModelDb(database.db, { namespace: opts.namespace }),
        config: {
          auth: g.auth,
          bodyLimitBytes: g.bodyLimitBytes,
          corsOrigins: g.corsOrigins,
          trustedProxies: g.trustedProxies,
          rateLimitPerKey: g.rateLimitPerKey,
          rateLimitPerIp: g.rateLimitPerIp,
          heartbeatMs: g.heartbeatMs,
          liveTrading: g.liveTrading,
        },
        logger: logger.child({ component: "gateway" }),
        metricsRegistry: metrics.registry,
        strategyValidator: actorsStrategyValidator,
        eventLogName: opened.kind === "jetstream" ? "nats" : "event-log",
      });
      const address = await app.listen({ host: g.host, port: g.port });
      logger.info({ address, log: opened.where, database: database.kind }, "gateway listening");
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await app.close();
      await opened.close();
      await database.close();
    });
}
