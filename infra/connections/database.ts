import { mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import { ConfigError, UnavailableError } from "../../events/index.ts";
import type { AppConfig } from "../config/app-config.ts";

/** TLS to Postgres: files are read at connect time; production requires `rejectUnauthorized`. */
export interface PostgresTlsOptions {
  /** The CA certificate itself (PEM), when not given as a file. */
  readonly ca?: string;
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly rejectUnauthorized?: boolean;
  readonly servername?: string;
}

export type DatabaseOptions =
  | {
      readonly kind: "postgres";
      readonly url: string;
      readonly tls?: PostgresTlsOptions;
      readonly poolSize?: number;
      /** Sets the connections' search_path (the read-model namespace first). */
      readonly searchPath?: readonly string[];
      readonly applicationName?: string;
    }
  | {
      readonly kind: "pglite";
      /** Directory of the embedded database; omitted = in memory. */
      readonly dataDir?: string;
      readonly searchPath?: readonly string[];
    };

/** An open database: the Kysely instance, which engine it is, and how to close it. */
export interface DatabaseHandle<DB = unknown> {
  readonly db: Kysely<DB>;
  readonly kind: DatabaseOptions["kind"];
  close(): Promise<void>;
}

/**
 * Database options from the environment: DATABASE_URL selects Postgres (TLS from DATABASE_TLS_CA_FILE,
 * DATABASE_TLS_CERT_FILE, DATABASE_TLS_KEY_FILE, DATABASE_TLS_REJECT_UNAUTHORIZED, or `sslmode` in the URL);
 * otherwise PGlite under `${CRYPTOFUNK_HOME}/pglite` (CRYPTOFUNK_HOME defaults to ~/.cryptofunk), or in memory
 * when CRYPTOFUNK_PGLITE=memory.
 */
export function databaseOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseOptions {
  const url = env["DATABASE_URL"];
  if (url !== undefined && url !== "") {
    const tls: PostgresTlsOptions = {
      ...(env["DATABASE_TLS_CA_FILE"] ? { caFile: env["DATABASE_TLS_CA_FILE"] } : {}),
      ...(env["DATABASE_TLS_CERT_FILE"] ? { certFile: env["DATABASE_TLS_CERT_FILE"] } : {}),
      ...(env["DATABASE_TLS_KEY_FILE"] ? { keyFile: env["DATABASE_TLS_KEY_FILE"] } : {}),
      ...(env["DATABASE_TLS_REJECT_UNAUTHORIZED"] !== undefined
        ? { rejectUnauthorized: env["DATABASE_TLS_REJECT_UNAUTHORIZED"] !== "false" }
        : {}),
    };
    return Object.keys(tls).length > 0 ? { kind: "postgres", url, tls } : { kind: "postgres", url };
  }
  if (env["CRYPTOFUNK_PGLITE"] === "memory") return { kind: "pglite" };
  const home = env["CRYPTOFUNK_HOME"] ?? join(homedir(), ".cryptofunk");
  return { kind: "pglite", dataDir: join(home, "pglite") };
}

/**
 * Database options from the validated application config: Postgres at `database.url` (TLS CA from
 * `database.sslCa`, a file path or the PEM itself), else PGlite under `${home}/pglite`.
 */
export function databaseOptionsFromConfig(config: AppConfig): DatabaseOptions {
  const { url, sslCa, poolSize } = config.database;
  if (url === undefined) return { kind: "pglite", dataDir: join(config.home, "pglite") };
  const tls: PostgresTlsOptions | undefined =
    sslCa === undefined ? undefined : sslCa.includes("-----BEGIN") ? { ca: sslCa } : { caFile: sslCa };
  return { kind: "postgres", url, poolSize, ...(tls ? { tls } : {}) };
}

function sslConfig(tls: PostgresTlsOptions | undefined): pg.PoolConfig["ssl"] {
  if (tls === undefined) return undefined;
  try {
    return {
      ...(tls.ca ? { ca: tls.ca } : {}),
      ...(tls.caFile ? { ca: readFileSync(tls.caFile, "utf8") } : {}),
      ...(tls.certFile ? { cert: readFileSync(tls.certFile, "utf8") } : {}),
      ...(tls.keyFile ? { key: readFileSync(tls.keyFile, "utf8") } : {}),
      ...(tls.servername ? { servername: tls.servername } : {}),
      rejectUnauthorized: tls.rejectUnauthorized ?? true,
    };
  } catch (error) {
    throw new ConfigError(`cannot read a Postgres TLS file: ${(error as Error).message}`, [
      { path: "database.tls", message: (error as Error).message },
    ]);
  }
}

/**
 * pg lets the URL's ssl parameters replace the `ssl` option, so `sslmode=verify-full` would drop the configured CA
 * and verify against the public roots. With explicit TLS options the URL's ssl parameters are taken out (its
 * `sslrootcert` becomes the CA file when no CA is given) and the TLS options alone decide: always verifying.
 */
function withoutSslParameters(url: string): string {
  const [base, query] = url.split("?", 2) as [string, string | undefined];
  if (query === undefined) return url;
  const kept = new URLSearchParams(query);
  for (const name of ["sslmode", "sslrootcert", "sslcert", "sslkey", "ssl"]) kept.delete(name);
  const rest = kept.toString();
  return rest === "" ? base : `${base}?${rest}`;
}

function withUrlCa(tls: PostgresTlsOptions, url: string): PostgresTlsOptions {
  const caFile = sslRootCert(url);
  return tls.ca !== undefined || tls.caFile !== undefined || caFile === undefined ? tls : { ...tls, caFile };
}

function sslRootCert(url: string): string | undefined {
  const query = url.split("?", 2)[1];
  return query === undefined ? undefined : (new URLSearchParams(query).get("sslrootcert") ?? undefined);
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Opens Postgres (a `pg` Pool) or PGlite behind one Kysely. Both engines return numerics and bigints as strings
 * (pg's default; PGlite is told so here), so callers see the same JS types from either.
 */
export async function createDatabase<DB = unknown>(options: DatabaseOptions): Promise<DatabaseHandle<DB>> {
  const searchPath = options.searchPath?.map(quoteIdent).join(", ");
  if (options.kind === "postgres") {
    const pool = new pg.Pool({
      connectionString: options.tls ? withoutSslParameters(options.url) : options.url,
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? "cryptofunk",
      ...(options.tls ? { ssl: sslConfig(withUrlCa(options.tls, options.url)) } : {}),
      ...(searchPath ? { options: `-c search_path=${searchPath}` } : {}),
    });
    // A client losing its server (idle or checked out) must not crash the process: the query in flight fails and is
    // retried by the caller's policy; the pool reconnects.
    pool.on("error", () => {});
    pool.on("connect", (client) => client.on("error", () => {}));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: "postgres", close: () => db.destroy() };
  }
  let lite: PGlite;
  try {
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    lite = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      // PGlite parses int8 to a JS number by default; pg returns a string. Keep one convention: strings.
      parsers: { 20: (v: string) => v },
    });
  } catch (error) {
    throw new UnavailableError(`cannot open PGlite at ${options.dataDir ?? "memory"}`, { cause: error });
  }
  if (searchPath) await lite.exec(`SET search_path TO ${searchPath}`);
  const db = new Kysely<DB>({ dialect: new PGliteDialect(lite) });
  return { db, kind: "pglite", close: () => db.destroy() };
}
