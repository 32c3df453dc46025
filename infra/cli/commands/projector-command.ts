import type { Command } from "commander";
import { sql } from "kysely";
import { createProjector, defaultNamespace, migrateUp } from "../../../projections/index.ts";
import { createDatabase, databaseOptionsFromConfig } from "../../connections/database.ts";
import { openEventLog } from "../../connections/open-event-log.ts";
import { startHealthServer } from "../../runtime/health-server.ts";
import { cliContext } from "../cli-context.ts";

/** `cryptofunk projector`: folds the event log into the read model continuously (exactly once per event). */
export function registerProjectorCommand(program: Command): void {
  program
    .command("projector")
    .description("project the event log into the read model, continuously, until interrupted")
    .option("--namespace <schema>", "read-model schema", defaultNamespace)
    .option("--batch-size <n>", "events per transaction", "500")
    .option("--migrate", "run `migrate up` first")
    .option("--embedded", "read the embedded log even when NATS is reachable")
    .option("--health-port <n>", "port of /healthz and /readyz (0 = none)", "0")
    .action(async (opts, cmd: Command) => {
      const { config, logger } = cliContext(cmd);
      const layout = { namespace: opts.namespace as string };
      const handle = await createDatabase(databaseOptionsFromConfig(config));
      const opened = await openEventLog(config, logger, opts.embedded ? "embedded" : "auto");
      if (opts.migrate) {
        // A failed migration must end the process: left open, the log's and the pool's connections kept it alive
        // (a restart policy never saw it fail).
        await migrateUp(handle.db, layout).catch(async (error) => {
          await opened.close();
          await handle.close();
          throw error;
        });
      }
      const projector = createProjector({
        db: handle.db,
        layout,
        log: opened.log,
        batchSize: Number(opts.batchSize),
        policy: {
          onRetry: (error, attempt) => logger.warn({ err: error, attempt }, "projector: retrying a batch"),
        },
        onBatch: (b) => logger.debug(b, "projector: batch committed"),
      });
      // Probes (Kubernetes): ready while the log and the database answer a round trip.
      const healthPort = Number(opts.healthPort);
      const health =
        healthPort > 0
          ? await startHealthServer(healthPort, {
              "event-log": async () => {
                await opened.log.lastSeq(`${config.nats.root}.health.probe`);
              },
              // Named by engine ("postgres" or "pglite"), as the gateway's /readyz names it.
              [handle.kind]: async () => {
                await sql`select 1`.execute(handle.db);
              },
            })
          : null;
      const stop = () => void projector.stop();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      logger.info(
        { log: opened.where, database: handle.kind, namespace: layout.namespace },
        "projector started",
      );
      try {
        await projector.run();
      } finally {
        logger.info(projector.totals, "projector stopped");
        health?.close();
        await opened.close();
        await handle.close();
      }
    });
}
