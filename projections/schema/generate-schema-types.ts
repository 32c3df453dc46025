import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { migrateSchemaToLatest } from "./read-model-layout.ts";

const run = promisify(execFile);
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Where the committed table types live. */
export const schemaTypesFile = path.join(root, "projections", "schema", "database.ts");

export const defaultCodegenUrl = "postgres://postgres@127.0.0.1:5432/test";

/**
 * The table types as kysely-codegen writes them for the current migrations: migrates a fresh scratch schema on
 * `url`, introspects it, drops it, and formats the output with biome so it compares byte for byte with the file.
 */
export async function generateSchemaTypes(url = defaultCodegenUrl): Promise<string> {
  const scratch = `codegen_${randomBytes(5).toString("hex")}`;
  const db = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }),
  });
  const dir = await mkdtemp(path.join(tmpdir(), "cf-codegen-"));
  try {
    await migrateSchemaToLatest(db, scratch);
    const out = path.join(dir, "database.ts");
    await run(
      path.join(root, "node_modules", ".bin", "kysely-codegen"),
      [
        "--dialect=postgres",
        `--url=${url}`,
        `--default-schema=${scratch}`,
        `--include-pattern=${scratch}.*`,
        `--exclude-pattern=${scratch}.kysely_*`,
        `--out-file=${out}`,
        "--log-level=error",
      ],
      { cwd: root },
    );
    return await formatInTree(await readFile(out, "utf8"));
  } finally {
    await sql`drop schema if exists ${sql.id(scratch)} cascade`.execute(db);
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

// Biome formats with the project's settings only inside the project tree: format a short-lived copy there.
async function formatInTree(text: string): Promise<string> {
  const inTree = path.join(root, "projections", "schema", `codegen-${randomBytes(4).toString("hex")}.ts`);
  await writeFile(inTree, text);
  try {
    await run(path.join(root, "node_modules", ".bin", "biome"), ["format", "--write", inTree], { cwd: root });
    return await readFile(inTree, "utf8");
  } finally {
    await rm(inTree, { force: true });
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = await generateSchemaTypes(process.env["DATABASE_URL"] ?? defaultCodegenUrl);
  if (process.argv.includes("--write")) {
    await writeFile(schemaTypesFile, text);
    console.log(`wrote ${path.relative(root, schemaTypesFile)}`);
  } else {
    process.stdout.write(text);
  }
}
