import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { expect } from "vitest";
import { createJetStreamEventLog, rootFilter } from "../../events/index.ts";
import {
  createProjector,
  dropReadModel,
  migrateUp,
  projectionCheckpoint,
  readModelHash,
  versionSchema,
} from "../../projections/index.ts";
import { appendEvents, buildSessionEvents } from "../../projections/testing/session-events.ts";
import { connectNats, natsStartHint } from "../connections/nats-connection.ts";
import { freePort } from "../testing/private-server.ts";
import { type CliProcess, sleepUntil, startCli, waitUntil } from "./cli-process.ts";
import { startTcpFaultProxy } from "./tcp-fault-proxy.ts";

const postgresUrl = process.env.CRYPTOFUNK_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

export interface PostgresOutageOptions {
  /** How long the proxy to Postgres stays cut. */
  readonly outageMs: number;
  /** Bars of each of the three synthetic sessions appended before, during and after the outage. */
  readonly bars: number;
}

/** One /readyz answer that differed from the one before. */
export interface ReadyzTransition {
  readonly role: string;
  readonly status: number;
  /** Milliseconds from the cut (negative: before it). */
  readonly atMs: number;
  readonly failing: readonly string[];
}

export interface PostgresOutageFigures {
  readonly test: "postgres-outage";
  readonly outageMs: number;
  readonly readyz: readonly ReadyzTransition[];
  /** From the restore to each role's /readyz answering 200 again. */
  readonly readyAgainMs: Readonly<Record<string, number>>;
  readonly eventsBefore: number;
  readonly eventsDuringOutage: number;
  readonly eventsAfter: number;
  readonly eventsProjected: number;
  /** From the restore to the projector's checkpoint reaching the log's last event. */
  readonly catchUpMs: number;
  readonly projectorRetries: number;
  readonly readModelHash: string;
  readonly totalMs: number;
}

/**
 * `cryptofunk projector` and `cryptofunk gateway` reach Postgres through a TCP proxy; while the projector follows a
 * JetStream log, the proxy is cut for `outageMs` (open connections closed, new ones refused). Both /readyz answer
 * 503 naming postgres during the cut and 200 after; the projector catches up with nothing lost: its read model
 * equals a clean projection of the whole log.
 */
export async function runPostgresOutage(options: PostgresOutageOptions): Promise<PostgresOutageFigures> {
  const started = Date.now();
  const tag = randomBytes(4).toString("hex");
  const schema = `fault_${tag}`;
  const namespace = `fault_${tag}_rm`;
  const reference = { namespace: `fault_${tag}_ref` };
  const stream = `FAULT_${tag}`;
  const root = `f${tag}`;
  const home = mkdtempSync(join(tmpdir(), "cf-pg-outage-"));

  const admin = new pg.Pool({ connectionString: postgresUrl, max: 2 });
  admin.on("error", () => {});
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: admin }) });
  try {
    await sql`create schema ${sql.id(schema)}`.execute(db);
  } catch (error) {
    throw new Error(
      `Postgres is unreachable at ${postgresUrl} (${(error as Error).message}); start it with trust auth and a ` +
        "database named test (e.g. `pg_ctlcluster 15 main start`), or set CRYPTOFUNK_TEST_DATABASE_URL",
    );
  }
  let nc: Awaited<ReturnType<typeof connectNats>>;
  try {
    nc = await connectNats({ servers: natsUrl, name: "postgres-outage test", timeoutMs: 3000 });
  } catch (error) {
    throw new Error(`NATS is unreachable at ${natsUrl}: ${(error as Error).message}; ${natsStartHint}`);
  }
  const log = await createJetStreamEventLog({ nc, stream, root });
  const target = new URL(postgresUrl);
  const proxy = await startTcpFaultProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const viaProxy = new URL(postgresUrl);
  viaProxy.port = String(proxy.port);
  viaProxy.searchParams.set("options", `-c search_path=${schema}`);
  const env = {
    CRYPTOFUNK_HOME: home,
    NATS_URL: natsUrl,
    CRYPTOFUNK_STREAM: stream,
    CRYPTOFUNK_ROOT: root,
    DATABASE_URL: viaProxy.toString(),
  };
  const projectorPort = await freePort();
  const gatewayPort = await freePort();
  const roles: CliProcess[] = [];
  const readyzUrl: Record<string, string> = {
    projector: `http://127.0.0.1:${projectorPort}/readyz`,
    gateway: `http://127.0.0.1:${gatewayPort}/readyz`,
  };
  const context = () => roles.map((r) => r.tail(15)).join("\n");
  const sessions = ["before", "during", "after"].map((sid) =>
    buildSessionEvents({ sessionId: `pg-${sid}`, bars: options.bars, root }),
  );
  const [before, during, after] = sessions as [
    ReturnType<typeof buildSessionEvents>,
    ReturnType<typeof buildSessionEvents>,
    ReturnType<typeof buildSessionEvents>,
  ];
  const liveSchema = versionSchema(namespace, 1);
  const checkpoint = () => projectionCheckpoint(db, liveSchema).catch(() => 0);
  const lastSeqOfLog = async () => (await (await jetstreamManager(nc)).streams.info(stream)).state.last_seq;
  let polling = true;
  let poller: Promise<void> = Promise.resolve();
  try {
    const projector = startCli(
      "projector",
      ["projector", "--namespace", namespace, "--migrate", "--health-port", String(projectorPort)],
      env,
    );
    roles.push(projector);
    await waitUntil(
      "the projector to start",
      () => projector.said("projector started").length > 0,
      60_000,
      context,
    );
    const gateway = startCli(
      "gateway",
      ["gateway", "--port", String(gatewayPort), "--namespace", namespace],
      env,
    );
    roles.push(gateway);
    await waitUntil(
      "the gateway to listen",
      () => gateway.said("gateway listening").length > 0,
      60_000,
      context,
    );
    for (const role of Object.keys(readyzUrl)) {
      await waitUntil(
        `${role} /readyz 200`,
        async () => (await readyz(readyzUrl[role] as string)).status === 200,
        30_000,
        context,
      );
    }

    await appendEvents(log, before);
    await waitUntil(
      "the events before the outage to be projected",
      async () => (await checkpoint()) >= (await lastSeqOfLog()),
      30_000,
      context,
    );

    // Poll both /readyz from now on; keep every change of answer.
    const transitions: ReadyzTransition[] = [];
    let cutAt = Date.now();
    const last: Record<string, number> = {};
    poller = (async () => {
      while (polling) {
        await Promise.all(
          Object.entries(readyzUrl).map(async ([role, url]) => {
            const r = await readyz(url);
            if (last[role] !== r.status) {
              last[role] = r.status;
              transitions.push({ role, status: r.status, atMs: Date.now() - cutAt, failing: r.failing });
            }
          }),
        );
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    cutAt = Date.now();
    await proxy.cut();
    // While Postgres is away the log goes on: a whole session is appended, which the projector must not lose.
    await appendEvents(log, during);
    await waitUntil(
      "both /readyz to answer 503 naming postgres",
      () =>
        Object.keys(readyzUrl).every((role) =>
          transitions.some((t) => t.role === role && t.status === 503 && t.failing.includes("postgres")),
        ),
      options.outageMs,
      context,
    );
    await sleepUntil(cutAt + options.outageMs);
    const restoredAt = Date.now();
    await proxy.restore();
    await appendEvents(log, after);
    const tail = await lastSeqOfLog();
    await waitUntil(
      "the projector to catch up",
      async () => (await checkpoint()) >= tail,
      60_000,
      context,
      50,
    );
    const caughtUp = Date.now();
    await waitUntil(
      "both /readyz to answer 200 again",
      () => Object.keys(readyzUrl).every((role) => last[role] === 200),
      30_000,
      context,
    );
    polling = false;
    await poller;

    // Nothing lost: the live read model equals a clean projection of the whole log.
    await migrateUp(db, reference);
    await createProjector({ db, layout: reference, log }).catchUp();
    const live = await readModelHash(db, liveSchema);
    expect(live, "read model after the outage vs a clean projection").toBe(
      await readModelHash(db, versionSchema(reference.namespace, 1)),
    );
    let logEvents = 0;
    for await (const _ of log.read(rootFilter(root))) logEvents++;
    const applied = await sql<{
      n: string;
    }>`select events_applied as n from ${sql.table(`${liveSchema}.projection_checkpoints`)}`.execute(db);
    const eventsProjected = Number(applied.rows[0]?.n ?? 0);
    expect(eventsProjected, "events projected vs events in the log").toBe(logEvents);
    expect(projector.child.exitCode, context()).toBeNull();
    expect(gateway.child.exitCode, context()).toBeNull();
    for (const role of roles)
      expect(
        role.lines.filter((l) => l.level >= 50),
        context(),
      ).toEqual([]);
    const cutTransitions = transitions.filter((t) => t.atMs >= 0);
    for (const role of Object.keys(readyzUrl)) {
      const mine = cutTransitions.filter((t) => t.role === role);
      // 503 naming postgres alone (NATS stayed up), then 200 once the proxy is back.
      expect(
        mine.map((t) => [t.status, t.failing]),
        `${role} /readyz`,
      ).toEqual([
        [503, ["postgres"]],
        [200, []],
      ]);
      expect(mine[1]?.atMs ?? 0, `${role} ready again only after the restore`).toBeGreaterThanOrEqual(
        restoredAt - cutAt,
      );
    }
    const projectorRetries = projector.said("projector: retrying a batch").length;
    expect(projectorRetries, "the projector met the outage mid-batch").toBeGreaterThan(0);
    const readyAgainMs: Record<string, number> = {};
    for (const t of cutTransitions)
      if (t.status === 200) readyAgainMs[t.role] = t.atMs - (restoredAt - cutAt);
    return {
      test: "postgres-outage",
      outageMs: restoredAt - cutAt,
      readyz: transitions,
      readyAgainMs,
      eventsBefore: before.length,
      eventsDuringOutage: during.length,
      eventsAfter: after.length,
      eventsProjected,
      catchUpMs: caughtUp - restoredAt,
      projectorRetries,
      readModelHash: live,
      totalMs: Date.now() - started,
    };
  } finally {
    polling = false;
    await poller.catch(() => undefined);
    await Promise.all(roles.map((r) => r.stop()));
    await proxy.close();
    await log.close();
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
    await nc.close();
    await dropReadModel(db, { namespace }).catch(() => undefined);
    await dropReadModel(db, reference).catch(() => undefined);
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
    await db.destroy();
    rmSync(home, { recursive: true, force: true });
  }
}

/** One /readyz answer: its status and the dependencies it names as failing (0 when nothing answered). */
async function readyz(url: string): Promise<{ status: number; failing: string[] }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { failing?: string[]; error?: { details?: { failing?: string[] } } };
    return { status: res.status, failing: body.failing ?? body.error?.details?.failing ?? [] };
  } catch {
    return { status: 0, failing: [] };
  }
}
