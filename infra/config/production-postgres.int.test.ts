import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, databaseOptionsFromConfig } from "../connections/database.ts";
import { freePort, stopPid, waitForPort } from "../testing/private-server.ts";
import { makeSelfSignedTls, type SelfSignedTls } from "../testing/self-signed-tls.ts";
import { loadConfig } from "./app-config.ts";

// The production database configuration (sslmode=verify-full with the CA; the URL, password included, from a
// DATABASE_URL_FILE as the chart mounts it) against a private Postgres cluster made with initdb: ssl=on, a
// self-signed CA, TLS-only password authentication, a free port. Stopped by the postmaster's pid; directory removed.

const bin = "/usr/lib/postgresql/15/bin";
const dir = mkdtempSync(join(tmpdir(), "cf-pg-prod-"));
const data = join(dir, "data");
const password = "a-long-database-password";
let tls: SelfSignedTls;
let port: number;

/** initdb and postgres refuse root: run them as the postgres user then. */
function asServerUser(command: string, args: string[]): string[] {
  return userInfo().uid === 0 ? ["runuser", "-u", "postgres", "--", command, ...args] : [command, ...args];
}

function run(command: string, args: string[]): void {
  const [c, ...a] = asServerUser(command, args);
  execFileSync(c!, a, { stdio: ["ignore", "ignore", "pipe"] });
}

beforeAll(async () => {
  if (!existsSync(`${bin}/initdb`)) {
    throw new Error(
      `${bin}/initdb is missing: apt-get install -y postgresql-15 (the private TLS cluster needs it)`,
    );
  }
  tls = makeSelfSignedTls(dir, { ipSan: false });
  if (userInfo().uid === 0) {
    const pgUid = Number(execFileSync("id", ["-u", "postgres"]).toString());
    const pgGid = Number(execFileSync("id", ["-g", "postgres"]).toString());
    for (const f of [dir, tls.certFile, tls.keyFile]) chownSync(f, pgUid, pgGid);
  }
  chmodSync(dir, 0o700);
  chmodSync(tls.keyFile, 0o600);
  const pwfile = join(dir, "pw");
  writeFileSync(pwfile, password);
  if (userInfo().uid === 0) chownSync(pwfile, Number(execFileSync("id", ["-u", "postgres"]).toString()), 0);
  run(`${bin}/initdb`, [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=scram-sha-256",
    `--pwfile=${pwfile}`,
    "-E",
    "UTF8",
  ]);
  port = await freePort();
  // TLS only: a plain TCP connection is rejected by pg_hba before authentication.
  const hba = "hostssl all all 127.0.0.1/32 scram-sha-256\nhostssl all all ::1/128 scram-sha-256\n";
  writeFileSync(join(data, "pg_hba.conf"), hba);
  const conf = [
    `port = ${port}`,
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${dir}'`,
    "ssl = on",
    `ssl_cert_file = '${tls.certFile}'`,
    `ssl_key_file = '${tls.keyFile}'`,
    "fsync = off",
    "logging_collector = off",
  ].join("\n");
  writeFileSync(join(data, "postgresql.auto.conf"), `${conf}\n`);
  const log = join(dir, "postgres.log");
  const [c, ...a] = asServerUser(`${bin}/pg_ctl`, ["-D", data, "-l", log, "-s", "start"]);
  execFileSync(c!, a, { stdio: ["ignore", "ignore", "pipe"] });
  await waitForPort(port, 20_000, "private Postgres (initdb, ssl=on)", log);
}, 120_000);

afterAll(async () => {
  const pidFile = join(data, "postmaster.pid");
  if (existsSync(pidFile)) {
    // SIGINT = fast shutdown: the postmaster ends its backends and exits.
    await stopPid(Number(readFileSync(pidFile, "utf8").split("\n")[0]), undefined, "SIGINT");
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Loads the production config the way every entry point does, opens the database and asks it about the session. */
async function connect(url: string, extra: Record<string, string> = {}) {
  const urlFile = join(dir, `url-${Math.random().toString(36).slice(2)}`);
  writeFileSync(urlFile, url, { mode: 0o600 });
  const config = loadConfig({
    env: {
      CRYPTOFUNK_ENV: "production",
      NATS_URL: "tls://nats.internal:4222",
      NATS_CREDS: "/etc/cryptofunk/nats/user.creds",
      DATABASE_URL_FILE: urlFile,
      DATABASE_SSL_CA: tls.caFile,
      ...extra,
    },
  });
  const handle = await createDatabase(databaseOptionsFromConfig(config));
  try {
    const { rows } = await sql<{ ssl: boolean; version: string }>`
      select s.ssl, s.version from pg_stat_ssl s where s.pid = pg_backend_pid()`.execute(handle.db);
    return rows[0];
  } finally {
    await handle.close();
  }
}

const url = (host: string, extra = "") =>
  `postgres://postgres:${password}@${host}:${port}/postgres?sslmode=verify-full${extra}`;

describe("production Postgres: sslmode=verify-full with the CA", () => {
  it("connects over TLS, the server certificate verified against DATABASE_SSL_CA", async () => {
    const row = await connect(url("localhost"));
    expect(row?.ssl).toBe(true);
    expect(row?.version).toMatch(/^TLSv1\.[23]$/);
  });

  it("the CA may also be named in the URL (sslrootcert)", async () => {
    const row = await connect(url("localhost", `&sslrootcert=${encodeURIComponent(tls.caFile)}`));
    expect(row?.ssl).toBe(true);
  });

  it("refuses a server whose certificate does not name the host (verify-full checks the hostname)", async () => {
    // The certificate names localhost only; 127.0.0.1 is the same server under a name it does not carry.
    await expect(connect(url("127.0.0.1"))).rejects.toThrow(/altnames|hostname|IP: 127\.0\.0\.1/i);
  });

  it("refuses the server when the CA is someone else's", async () => {
    const other = makeSelfSignedTls(mkdtempSync(join(dir, "other-")));
    await expect(connect(url("localhost"), { DATABASE_SSL_CA: other.caFile })).rejects.toThrow(
      /self.signed|unable to verify|certificate/i,
    );
  });

  it("refuses a wrong password", async () => {
    await expect(
      connect(`postgres://postgres:not-the-password@localhost:${port}/postgres?sslmode=verify-full`),
    ).rejects.toThrow(/password authentication failed/);
  });

  it("the production rules refuse a weaker sslmode before any connection", () => {
    expect(() =>
      loadConfig({
        env: {
          CRYPTOFUNK_ENV: "production",
          NATS_URL: "tls://nats.internal:4222",
          NATS_CREDS: "/etc/cryptofunk/nats/user.creds",
          DATABASE_URL: url("localhost").replace("verify-full", "require"),
          DATABASE_SSL_CA: tls.caFile,
        },
      }),
    ).toThrow(/sslmode=verify-full \(found require\)/);
  });
});
