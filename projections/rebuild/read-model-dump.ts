import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import { canonicalJson } from "../../events/index.ts";
import { tablesOf } from "../schema/read-model-layout.ts";

/**
 * Every table of one version schema as canonical JSON lines, each table's rows sorted: two projections of the same
 * events compare equal whatever order or batching wrote them.
 */
export async function dumpReadModel(db: Kysely<unknown>, schema: string): Promise<Record<string, string[]>> {
  // biome-ignore lint/suspicious/noExplicitAny: the dump reads every table generically
  const any = db as Kysely<any>;
  const out: Record<string, string[]> = {};
  for (const table of await tablesOf(db, schema)) {
    const rows = await any.withSchema(schema).selectFrom(table).selectAll().execute();
    out[table] = rows.map((r) => canonicalJson(r)).sort();
  }
  return out;
}

/** sha256 over the canonical dump of a version schema. */
export async function readModelHash(db: Kysely<unknown>, schema: string): Promise<string> {
  const dump = await dumpReadModel(db, schema);
  const h = createHash("sha256");
  for (const table of Object.keys(dump).sort()) {
    h.update(`#${table}\n`);
    for (const line of dump[table] ?? []) h.update(`${line}\n`);
  }
  return h.digest("hex");
}
