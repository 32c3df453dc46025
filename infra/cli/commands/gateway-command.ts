import type { Command } from "commander";
import { defaultNamespace } from "../../../projections/index.ts";
import { openEventLog } from "../../connections/open-event-log.ts";
import { startGatewayService } from "../../session/gateway-service.ts";
import { cliContext } from "../cli-context.ts";

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
    .option("--project", "also run the projector in this process (always so with the embedded PGlite)")
    .option(
      "--run-sessions",
      "run launched paper sessions in this process instead of leaving them to workers",
    )
    .action(async (opts, cmd: Command) => {
      const overrides = {
        ...(opts.port === undefined ? {} : { "gateway.port": opts.port }),
        ...(opts.host === undefined ? {} : { "gateway.host": opts.host }),
      };
      const { config, logger } = cliContext(cmd, overrides);
      const opened = await openEventLog(config, logger);
      const service = await startGatewayService({
        config,
        logger,
        opened,
        namespace: opts.namespace,
        project: opts.project === true,
        runPaperSessions: opts.runSessions === true,
      }).catch(async (error) => {
        await opened.close(); // an open NATS connection would keep a failed process alive
        throw error;
      });
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      logger.info({ address: service.address }, "gateway stopping");
      await service.close();
      await opened.close();
    });
}
