import type { MigrationResultSet, Migrator } from "kysely";

/** Postgres' invalid_schema_name and undefined_table: a schema or table named by the query no longer exists. */
const droppedMeanwhile = new Set(["3F000", "42P01"]);

/**
 * `migrator.migrateToLatest()`, run again (up to `attempts` times) when it failed because a schema or table was
 * dropped meanwhile. Kysely's migrator looks for its history table by listing the tables of every schema in the
 * database (with functions that look each one up), so a schema dropped by anyone at that moment (a rebuild dropping
 * an old version, another namespace's tests) fails the listing with "schema … does not exist" or "relation … does
 * not exist". A failed run migrated nothing (each migration is rolled back), so running again is safe.
 */
export async function migrateToLatest(migrator: Migrator, attempts = 5): Promise<MigrationResultSet> {
  for (let attempt = 1; ; attempt++) {
    const result = await migrator.migrateToLatest();
    const code = (result.error as { code?: unknown } | undefined)?.code;
    if (typeof code !== "string" || !droppedMeanwhile.has(code) || attempt >= attempts) return result;
    await new Promise((r) => setTimeout(r, 50 * attempt));
  }
}
