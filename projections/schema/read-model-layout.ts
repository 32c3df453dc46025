import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FileMigrationProvider, type Kysely, type MigrationResult, Migrator, sql } from "kysely";
import { CryptoFunkError, NotFoundError } from "../../events/index.ts";
import { migrateToLatest } from "./migrate-to-latest.ts";

/**
 * Where the read model lives. The namespace schema holds one view per table (what readers query) and the pointer
 * table `read_model_versions`; the tables themselves live in versioned schemas `<namespace>_v<N>`, so a rebuild can
 * fill a new version while the live one serves, then repoint the views in one transaction.
 */
export interface ReadModelLayout {
  readonly namespace: string;
}

/** The one projection of this module (rebuild takes its name). */
export const readModelProjection = "read-model";

export const defaultNamespace = "cryptofunk";

const migrationFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "migrations");

const identifier = /^[a-z_][a-z0-9_]{0,50}$/;

export function assertNamespace(namespace: string): void {
  if (!identifier.test(namespace)) {
    throw new CryptoFunkError("VALIDATION", `read-model namespace "${namespace}" must match ${identifier}`);
  }
}

/** The schema of version `version` of a namespace's tables. */
export function versionSchema(namespace: string, version: number): string {
  return `${namespace}_v${version}`;
}

// biome-ignore lint/suspicious/noExplicitAny: layout DDL works below the typed tables
type AnyDb = Kysely<any>;

function migratorFor(db: AnyDb, schema: string): Migrator {
  return new Migrator({
    db: db.withSchema(schema),
    provider: new FileMigrationProvider({ fs, path, migrationFolder }),
    migrationTableSchema: schema,
  });
}

/** Creates the namespace schema and its pointer table when missing. */
export async function ensureNamespace(db: AnyDb, layout: ReadModelLayout): Promise<void> {
  assertNamespace(layout.namespace);
  await db.schema.createSchema(layout.namespace).ifNotExists().execute();
  await db
    .withSchema(layout.namespace)
    .schema.createTable("read_model_versions")
    .ifNotExists()
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("live_version", "integer", (c) => c.notNull())
    .addColumn("building_version", "integer")
    .execute();
}

/** The live version of the read model, or null before the first `migrate up`. */
export async function liveVersion(db: AnyDb, layout: ReadModelLayout): Promise<number | null> {
  const exists = await sql<{ n: string }>`select count(*) as n from information_schema.tables
    where table_schema = ${layout.namespace} and table_name = 'read_model_versions'`.execute(db);
  if (Number(exists.rows[0]?.n ?? 0) === 0) return null;
  const row = await db
    .withSchema(layout.namespace)
    .selectFrom("read_model_versions")
    .select("live_version")
    .where("name", "=", readModelProjection)
    .executeTakeFirst();
  return row === undefined ? null : Number(row.live_version);
}

/** The live version's schema; NotFoundError when the read model was never migrated. */
export async function liveSchema(db: AnyDb, layout: ReadModelLayout): Promise<string> {
  const v = await liveVersion(db, layout);
  if (v === null) {
    throw new NotFoundError(
      `read model "${layout.namespace}" has no tables yet: run \`cryptofunk migrate up\``,
    );
  }
  return versionSchema(layout.namespace, v);
}

/** Base tables of a schema (the migrator's own tables excluded), sorted. */
export async function tablesOf(db: AnyDb, schema: string): Promise<string[]> {
  const r = await sql<{ table_name: string }>`select table_name from information_schema.tables
    where table_schema = ${schema} and table_type = 'BASE TABLE' and table_name not like 'kysely_%'
    order by table_name`.execute(db);
  return r.rows.map((x) => x.table_name);
}

async function dropViews(db: AnyDb, namespace: string): Promise<void> {
  const views = await sql<{ table_name: string }>`select table_name from information_schema.views
    where table_schema = ${namespace}`.execute(db);
  for (const v of views.rows) await sql`drop view if exists ${sql.id(namespace, v.table_name)}`.execute(db);
}

/**
 * Points the namespace's views at `schema` (drop and recreate: the new version may have other columns). Run it
 * inside a transaction: Postgres DDL is transactional, so readers see the old views or the new, never neither.
 */
export async function pointViewsAt(db: AnyDb, layout: ReadModelLayout, schema: string): Promise<void> {
  await dropViews(db, layout.namespace);
  for (const t of await tablesOf(db, schema)) {
    await sql`create view ${sql.id(layout.namespace, t)} as select * from ${sql.id(schema, t)}`.execute(db);
  }
}

/** Records `version` as live. */
export async function setLiveVersion(db: AnyDb, layout: ReadModelLayout, version: number): Promise<void> {
  await db
    .withSchema(layout.namespace)
    .insertInto("read_model_versions")
    .values({ name: readModelProjection, live_version: version, building_version: null })
    .onConflict((oc) => oc.column("name").doUpdateSet({ live_version: version, building_version: null }))
    .execute();
}

function check(results: { error?: unknown; results?: MigrationResult[] }): MigrationResult[] {
  if (results.error !== undefined) {
    throw new CryptoFunkError("INTERNAL", `migration failed: ${(results.error as Error).message}`, {
      cause: results.error,
      details: { results: results.results ?? [] },
    });
  }
  return results.results ?? [];
}

/** Migrates one schema to the latest migration (used for the live version and for a rebuild's new version). */
export async function migrateSchemaToLatest(db: AnyDb, schema: string): Promise<MigrationResult[]> {
  return check(await migrateToLatest(migratorFor(db, schema)));
}

export interface MigrationStatus {
  readonly name: string;
  readonly executedAt: string | null;
}

/** `migrate up`: creates the namespace and version 1 when missing, migrates the live version, repoints views. */
export async function migrateUp(db: AnyDb, layout: ReadModelLayout): Promise<MigrationResult[]> {
  await ensureNamespace(db, layout);
  let version = await liveVersion(db, layout);
  if (version === null) {
    version = 1;
    await setLiveVersion(db, layout, version);
  }
  const schema = versionSchema(layout.namespace, version);
  await db.transaction().execute((trx) => dropViews(trx, layout.namespace));
  const results = await migrateSchemaToLatest(db, schema);
  await db.transaction().execute((trx) => pointViewsAt(trx, layout, schema));
  return results;
}

/** `migrate down`: undoes the live version's last migration and repoints the views at what remains. */
export async function migrateDown(db: AnyDb, layout: ReadModelLayout): Promise<MigrationResult[]> {
  const schema = await liveSchema(db, layout);
  await db.transaction().execute((trx) => dropViews(trx, layout.namespace));
  const results = check(await migratorFor(db, schema).migrateDown());
  await db.transaction().execute((trx) => pointViewsAt(trx, layout, schema));
  return results;
}

/** `migrate status`: every migration of the live version with when it ran (null = pending). */
export async function migrationStatus(db: AnyDb, layout: ReadModelLayout): Promise<MigrationStatus[]> {
  const version = await liveVersion(db, layout);
  const schema = versionSchema(layout.namespace, version ?? 1);
  const migrations = await migratorFor(db, schema).getMigrations();
  return migrations.map((m) => ({
    name: m.name,
    executedAt: m.executedAt === undefined || version === null ? null : m.executedAt.toISOString(),
  }));
}

/** Drops a namespace and all its versions (tests and `projections drop`). */
export async function dropReadModel(db: AnyDb, layout: ReadModelLayout): Promise<void> {
  assertNamespace(layout.namespace);
  const r = await sql<{ schema_name: string }>`select schema_name from information_schema.schemata
    where schema_name = ${layout.namespace} or schema_name like ${`${layout.namespace}\\_v%`}`.execute(db);
  for (const s of r.rows) await sql`drop schema if exists ${sql.id(s.schema_name)} cascade`.execute(db);
}
