import type { Command } from "commander";
import { defaultNamespace, migrateDown, migrateUp, migrationStatus } from "../../../projections/index.ts";
import { createDatabase, databaseOptionsFromConfig } from "../../connections/database.ts";
import { cliContext } from "../cli-context.ts";

/** `cryptofunk migrate up|down|status`: the read model's schema (kysely migrations). */
export function registerMigrateCommand(program: Command): void {
  const migrate = program
    .command("migrate")
    .description("migrate the read-model database (Postgres or PGlite)");
  const withDb = (
    name: string,
    description: string,
    run: (db: Parameters<typeof migrateUp>[0], layout: { namespace: string }) => Promise<void>,
  ) =>
    migrate
      .command(name)
      .description(description)
      .option("--namespace <schema>", "read-model schema", defaultNamespace)
      .action(async (opts, cmd: Command) => {
        const { config } = cliContext(cmd);
        const handle = await createDatabase(databaseOptionsFromConfig(config));
        try {
          await run(handle.db, { namespace: opts.namespace });
        } finally {
          await handle.close();
        }
      });
  withDb("up", "apply every pending migration (creates the read model on first use)", async (db, layout) => {
    const results = await migrateUp(db, layout);
    if (results.length === 0) console.log("up to date");
    for (const r of results) console.log(`${r.direction.toLowerCase()} ${r.migrationName}: ${r.status}`);
  });
  withDb("down", "undo the last migration of the live version", async (db, layout) => {
    const results = await migrateDown(db, layout);
    if (results.length === 0) console.log("nothing to undo");
    for (const r of results) console.log(`${r.direction.toLowerCase()} ${r.migrationName}: ${r.status}`);
  });
  withDb("status", "list migrations and when each ran", async (db, layout) => {
    for (const m of await migrationStatus(db, layout))
      console.log(`${m.executedAt ?? "pending".padEnd(24)}  ${m.name}`);
  });
}
