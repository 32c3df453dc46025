import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import { CryptoFunkError } from "../../events/index.ts";
import { migrateToLatest } from "../../projections/index.ts";

/**
 * The gateway's own tables (API keys, strategy configs), migrated by their own Migrator and history table
 * (`gateway_migrations`), so the read models' migrations and rebuilds never touch them.
 */
export const gatewayMigrations: Readonly<Record<string, Migration>> = {
  "2025_01_001_api_keys": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("api_keys")
        .addColumn("key_id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('viewer', 'trader', 'admin')`))
        .addColumn("key_hash", "text", (c) => c.notNull())
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn("created_by", "text", (c) => c.notNull())
        .addColumn("revoked_at", "timestamptz")
        .addColumn("revoked_by", "text")
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("api_keys").execute();
    },
  },
  "2025_01_002_strategy_configs": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("gateway_strategy_configs")
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("config", "jsonb", (c) => c.notNull())
        .addColumn("checksum", "text", (c) => c.notNull())
        .addColumn("active", "boolean", (c) => c.notNull().defaultTo(false))
        .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
        .addColumn("created_by", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("gateway_strategy_configs_pk", ["name", "version"])
        .execute();
      // At most one active version per strategy name.
      await sql`create unique index gateway_strategy_configs_active on gateway_strategy_configs (name) where active`.execute(
        db,
      );
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("gateway_strategy_configs").execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => ({ ...gatewayMigrations }) };

/** Brings the gateway's tables up to date; throws with the failing migration named. */
export async function migrateGateway(db: Kysely<unknown>): Promise<readonly string[]> {
  // Kysely looks for its history table in every schema unless told which: name the connection's own, so two
  // namespaces in one database never mistake each other's history for their own.
  const current = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = current.rows[0]?.schema;
  const migrator = new Migrator({
    db,
    provider,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
    migrationTableName: "gateway_migrations",
    migrationLockTableName: "gateway_migrations_lock",
  });
  const { error, results } = await migrateToLatest(migrator);
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "(before any migration)";
    throw new CryptoFunkError("INTERNAL", `gateway migration ${failed} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
