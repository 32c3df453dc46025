import type { Command } from "commander";
import { apiRole } from "../../../events/index.ts";
import {
  type ApiKeyStore,
  createApiKeyStore,
  createAuditWriter,
  migrateGateway,
} from "../../../gateway/index.ts";
import { createDatabase, databaseOptionsFromConfig } from "../../connections/database.ts";
import { openEventLog } from "../../connections/open-event-log.ts";
import { cliContext } from "../cli-context.ts";

/** Opens the key store (database + audit log) for one command, and closes both after. */
async function withKeys(cmd: Command, run: (keys: ApiKeyStore) => Promise<void>): Promise<void> {
  const { config, logger } = cliContext(cmd);
  const opened = await openEventLog(config, logger);
  const database = await createDatabase(databaseOptionsFromConfig(config));
  try {
    await migrateGateway(database.db);
    // biome-ignore lint/suspicious/noExplicitAny: the gateway's tables, typed inside the store.
    await run(createApiKeyStore({ db: database.db as any, audit: createAuditWriter(opened.log) }));
  } finally {
    await database.close();
    await opened.close();
  }
}

/** `cryptofunk keys issue|revoke|list`: API keys of the gateway (stored hashed; issue and revoke are audited). */
export function registerKeysCommand(program: Command): void {
  const keys = program.command("keys").description("manage the gateway's API keys");
  keys
    .command("issue")
    .description("issue a key and print it once (only its hash is stored)")
    .requiredOption("--role <role>", "viewer | trader | admin")
    .requiredOption("--name <name>", "who or what the key is for")
    .option("--json", "print the key and its id as JSON")
    .action(async (opts, cmd: Command) => {
      const role = apiRole.parse(opts.role);
      await withKeys(cmd, async (store) => {
        const issued = await store.issue({ name: String(opts.name), role, issuedBy: "cli" });
        if (opts.json) process.stdout.write(`${JSON.stringify(issued)}\n`);
        else {
          process.stdout.write(`${issued.key}\n`);
          process.stderr.write(
            `key id ${issued.keyId} (${role}, ${issued.name}): store it now, it is not shown again\n`,
          );
        }
      });
    });
  keys
    .command("revoke <keyId>")
    .description("revoke a key by its id (gateways stop accepting it within their key cache time, 2 s)")
    .option("--reason <text>", "why")
    .action(async (keyId: string, opts, cmd: Command) => {
      await withKeys(cmd, async (store) => {
        const info = await store.revoke(keyId, "cli", opts.reason);
        process.stdout.write(`revoked ${info.keyId} (${info.name}) at ${info.revokedAt}\n`);
      });
    });
  keys
    .command("list")
    .description("list keys (never the keys themselves)")
    .option("--json", "print JSON")
    .action(async (opts, cmd: Command) => {
      await withKeys(cmd, async (store) => {
        const list = await store.list();
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(list)}\n`);
          return;
        }
        for (const k of list) {
          const state = k.revokedAt === null ? "active" : `revoked ${k.revokedAt}`;
          process.stdout.write(`${k.keyId}  ${k.role.padEnd(6)}  ${k.name}  (${state}, by ${k.createdBy})\n`);
        }
      });
    });
}
