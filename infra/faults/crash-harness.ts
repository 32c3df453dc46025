import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { dropReadModel } from "../../projections/index.ts";
import { freePort } from "../testing/private-server.ts";
import { type CliProcess, startCli, waitUntil } from "./cli-process.ts";
import { type PrivateNatsServer, startPrivateNatsServer } from "./private-nats-server.ts";

const postgresUrl = process.env.CRYPTOFUNK_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** The roles a crash test kills and restarts: `cryptofunk worker`, `projector` and `gateway`. */
export const crashRoles = ["worker", "projector", "gateway"] as const;
export type CrashRole = (typeof crashRoles)[number];

/** What each role logs once it serves (the harness waits for it after every start). */
const readyLine: Record<CrashRole, string> = {
  worker: "worker started",
  projector: "projector started",
  gateway: "gateway listening",
};

/** One SIGKILL the harness delivered. */
export interface CrashKill {
  readonly role: CrashRole;
  readonly pid: number;
  /** When it was delivered (ms since the epoch). */
  readonly at: number;
}

/**
 * The three roles as child processes over a private nats-server (free port, own store) and a Postgres schema of
 * their own: each can be SIGKILLed and started again; every process it ever started is kept, for logs.
 */
export interface CrashStack {
  readonly nats: PrivateNatsServer;
  readonly stream: string;
  readonly root: string;
  /** The live read model's namespace (`cryptofunk projector --namespace`). */
  readonly namespace: string;
  /** The schema that holds the gateway's own tables (search_path of every role). */
  readonly schema: string;
  /** The admin connection to the test database (unrestricted search_path). */
  readonly db: Kysely<unknown>;
  readonly gatewayUrl: string;
  /** The role's current process. */
  current(role: CrashRole): CliProcess;
  /** Every process of every role ever started, oldest first. */
  readonly history: readonly CliProcess[];
  readonly kills: readonly CrashKill[];
  /** Starts the role and waits for its ready line. */
  start(role: CrashRole): Promise<CliProcess>;
  /** SIGKILLs the role's current process and waits until it has exited. */
  kill(role: CrashRole): Promise<CrashKill>;
  /** The last lines of every current process, for failure messages. */
  context(): string;
  /** Kills every child (SIGKILL), drops the schemas, stops the nats-server and removes its store. Never throws. */
  dispose(extraNamespaces?: readonly string[]): Promise<void>;
}

/** Creates the schema and starts the private nats-server; the roles are started with `start`. */
export async function createCrashStack(name: string): Promise<CrashStack> {
  const tag = randomBytes(4).toString("hex");
  const schema = `crash_${tag}`;
  const namespace = `crash_${tag}_rm`;
  const stream = `CRASH_${tag}`;
  const root = `c${tag}`;
  const admin = new pg.Pool({ connectionString: postgresUrl, max: 3 });
  admin.on("error", () => {});
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: admin }) });
  try {
    await sql`create schema ${sql.id(schema)}`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new Error(
      `Postgres is unreachable at ${postgresUrl} (${(error as Error).message}); start it with trust auth and a ` +
        "database named test (`pg_ctlcluster --skip-systemctl-redirect 15 main start`), or set " +
        "CRYPTOFUNK_TEST_DATABASE_URL",
    );
  }
  let nats: PrivateNatsServer;
  try {
    nats = await startPrivateNatsServer(name);
  } catch (error) {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
    await db.destroy();
    throw error;
  }
  const home = mkdtempSync(join(tmpdir(), `cf-${name}-home-`));
  const dbUrl = new URL(postgresUrl);
  dbUrl.searchParams.set("options", `-c search_path=${schema}`);
  const gatewayPort = await freePort();
  const env = {
    CRYPTOFUNK_HOME: home,
    NATS_URL: nats.url,
    CRYPTOFUNK_STREAM: stream,
    CRYPTOFUNK_ROOT: root,
    DATABASE_URL: dbUrl.toString(),
    // The gateway's callers here are the test alone: every request an anonymous admin (development setting).
    GATEWAY_AUTH: "false",
  };
  const args: Record<CrashRole, string[]> = {
    // A short lease: a killed worker's session is claimed again ~5 s after the kill. (2 s lapsed on a loaded machine:
    // a renewal every third of it came too late.)
    worker: ["worker", "--id", "w1", "--health-port", "0", "--lease-ms", "5000"],
    projector: ["projector", "--namespace", namespace, "--migrate", "--health-port", "0"],
    gateway: ["gateway", "--port", String(gatewayPort), "--host", "127.0.0.1", "--namespace", namespace],
  };
  const history: CliProcess[] = [];
  const kills: CrashKill[] = [];
  const current = new Map<CrashRole, CliProcess>();
  const context = () => [...current.values()].map((p) => p.tail(20)).join("\n");
  let generation = 0;

  const start = async (role: CrashRole) => {
    const p = startCli(`${role}#${++generation}`, args[role], env);
    history.push(p);
    current.set(role, p);
    await waitUntil(
      `${p.name} to start`,
      () => {
        if (p.child.exitCode !== null || p.child.signalCode !== null) {
          throw new Error(`${p.name} exited before it was ready\n${p.tail()}`);
        }
        return p.said(readyLine[role]).length > 0;
      },
      120_000,
      context,
    );
    // Without NATS at hand the CLI would fall back to an embedded log: here that is a failure, not a fallback.
    if (p.said("no NATS server answered: using the embedded event log").length > 0) {
      throw new Error(`${p.name} fell back to the embedded event log\n${p.tail()}`);
    }
    return p;
  };

  const kill = async (role: CrashRole) => {
    const p = current.get(role);
    if (p === undefined) throw new Error(`${role} is not running`);
    const pid = p.child.pid as number;
    const at = Date.now();
    p.child.kill("SIGKILL");
    await p.exited;
    const k = { role, pid, at };
    kills.push(k);
    return k;
  };

  return {
    nats,
    stream,
    root,
    namespace,
    schema,
    db,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    current: (role) => {
      const p = current.get(role);
      if (p === undefined) throw new Error(`${role} was never started`);
      return p;
    },
    history,
    kills,
    start,
    kill,
    context,
    async dispose(extraNamespaces = []) {
      for (const p of history) {
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
      }
      await Promise.all(history.map((p) => p.exited));
      for (const ns of [namespace, ...extraNamespaces]) {
        await dropReadModel(db, { namespace: ns }).catch(() => undefined);
      }
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db).catch(() => undefined);
      await db.destroy().catch(() => undefined);
      await nats.dispose().catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
