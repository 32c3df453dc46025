import type { Command } from "commander";
import {
  defaultNamespace,
  liveVersion,
  projectionCheckpoint,
  readModelProjection,
  rebuildReadModel,
  versionSchema,
} from "../../../projections/index.ts";
import { createDatabase, databaseOptionsFromConfig } from "../../connections/database.ts";
import { openEventLog } from "../../connections/open-event-log.ts";
import { cliContext } from "../cli-context.ts";

/** `cryptofunk projections rebuild [name] | status`. */
export function registerProjectionsCommand(program: Command): void {
  const projections = program.command("projections").description("inspect and rebuild the read model");
  projections
    .command("rebuild")
    .argument("[name]", "projection to rebuild", readModelProjection)
    .description(
      "rebuild from sequence 1 into a new version while the live one serves, then switch atomically",
    )
    .option("--namespace <schema>", "read-model schema", defaultNamespace)
    .option("--batch-size <n>", "events per transaction", "1000")
    .option("--drop-previous", "drop the replaced version too (default: keep it for a rollback)")
    .option("--embedded", "read the embedded log even when NATS is reachable")
    .action(async (name: string, opts, cmd: Command) => {
      const { config, logger } = cliContext(cmd);
      const handle = await createDatabase(databaseOptionsFromConfig(config));
      const opened = await openEventLog(config, logger, opts.embedded ? "embedded" : "auto");
      try {
        const started = performance.now();
        const result = await rebuildReadModel({
          db: handle.db,
          layout: { namespace: opts.namespace },
          log: opened.log,
          name,
          batchSize: Number(opts.batchSize),
          keepPrevious: !opts.dropPrevious,
          onProgress: (b) => logger.debug(b, "rebuild: batch committed"),
        });
        console.log(
          `rebuilt ${name}: v${result.previousVersion} → v${result.version}, ${result.events} events to seq ` +
            `${result.lastSeq} (${result.deadLettered} dead-lettered) in ${((performance.now() - started) / 1000).toFixed(1)} s` +
            (result.droppedVersions.length > 0 ? `; dropped v${result.droppedVersions.join(", v")}` : ""),
        );
      } finally {
        await opened.close();
        await handle.close();
      }
    });
  projections
    .command("status")
    .description("the live version and its checkpoint")
    .option("--namespace <schema>", "read-model schema", defaultNamespace)
    .action(async (opts, cmd: Command) => {
      const { config } = cliContext(cmd);
      const handle = await createDatabase(databaseOptionsFromConfig(config));
      try {
        const layout = { namespace: opts.namespace as string };
        const version = await liveVersion(handle.db, layout);
        if (version === null) {
          console.log(`${readModelProjection}: not migrated (run \`cryptofunk migrate up\`)`);
          return;
        }
        const seq = await projectionCheckpoint(handle.db, versionSchema(layout.namespace, version));
        console.log(
          `${readModelProjection}: live v${version} (${versionSchema(layout.namespace, version)}), checkpoint seq ${seq}`,
        );
      } finally {
        await handle.close();
      }
    });
}
