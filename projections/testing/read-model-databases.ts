import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, sql } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import type { DB } from "../schema/database.ts";
import { dropReadModel, migrateUp, type ReadModelLayout } from "../schema/read-model-layout.ts";

/** A migrated, isolated read model for one test: its own namespace (schema) on a shared database. */
export interface TestReadModel {
  readonly engine: "postgres" | "pglite";
  /** The database (unscoped): projectors and layout functions take this with the layout. */
  readonly db: Kysely<unknown>;
  readonly layout: ReadModelLayout;
  /** Scoped to the namespace's views: what the read-side queries take. */
  readonly read: Kysely<DB>;
  dispose(): Promise<void>;
}

export interface ReadModelDatabase {
  readonly engine: TestReadModel["engine"];
  open(): Promise<TestReadModel>;
}

export const testPostgresUrl =
  process.env["CRYPTOFUNK_TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

let sharedPg: Kysely<unknown> | null = null;
let sharedLite: Promise<Kysely<unknown>> | null = null;

async function postgres(): Promise<Kysely<unknown>> {
  if (sharedPg === null) {
    const pool = new pg.Pool({ connectionString: testPostgresUrl, max: 5 });
    // A client whose backend died (idle or checked out) must not crash the process: its next query fails or reconnects.
    pool.on("error", () => {});
    pool.on("connect", (client) => client.on("error", () => {}));
    sharedPg = new Kysely({ dialect: new PostgresDialect({ pool }) });
  }
  try {
    await sql`select 1`.execute(sharedPg);
  } catch (error) {
    throw new Error(
      `Postgres is not reachable at ${testPostgresUrl} (${(error as Error).message}). Start it (trust auth, database ` +
        "`test`): `sudo service postgresql start`, or set CRYPTOFUNK_TEST_DATABASE_URL.",
    );
  }
  return sharedPg;
}

/** One PGlite per test process: it takes seconds to start, so tests share it and isolate by namespace. */
function pglite(): Promise<Kysely<unknown>> {
  sharedLite ??= PGlite.create({ parsers: { 20: (v: string) => v } }).then(
    (lite) => new Kysely<unknown>({ dialect: new PGliteDialect(lite) }),
  );
  return sharedLite;
}

async function openOn(engine: TestReadModel["engine"], db: Kysely<unknown>): Promise<TestReadModel> {
  const layout = { namespace: `t_${randomBytes(6).toString("hex")}` };
  await migrateUp(db, layout);
  return {
    engine,
    db,
    layout,
    read: (db as Kysely<DB>).withSchema(layout.namespace),
    dispose: () => dropReadModel(db, layout),
  };
}

/** Both engines of the read-model suite: `describe.each(readModelDatabases)`. */
export const readModelDatabases: readonly ReadModelDatabase[] = [
  { engine: "postgres", open: async () => openOn("postgres", await postgres()) },
  { engine: "pglite", open: async () => openOn("pglite", await pglite()) },
];

/** Closes the shared connections (call in afterAll). */
export async function closeReadModelDatabases(): Promise<void> {
  const pgDb = sharedPg;
  const lite = sharedLite;
  sharedPg = null;
  sharedLite = null;
  await pgDb?.destroy();
  await (await lite)?.destroy();
}
