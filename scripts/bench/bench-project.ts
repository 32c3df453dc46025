// Projection throughput and lag (`npm run bench:project`), Postgres at DATABASE_URL (default the local test db).
// (a) a 200,000-event session is read raw from the log (events/s), projected into a fresh read model by the real
//     projector (events/s, checkpointed transactions of 1,000), and — same run — the very rows it produced are
//     inserted raw into an empty copy of the tables with plain multi-row INSERTs (the floor any projector pays);
// (b) live: a producer appends 1,000 events/s for BENCH_LIVE_SECONDS while the projector runs; the lag of each
//     event is (commit-and-ack time − append time); p50 and p99.
// The log is the embedded one by default (BENCH_LOG=jetstream to use NATS JetStream at NATS_URL).
// The last line is JSON: {"name":"project", ...}.
import { randomBytes } from "node:crypto";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import {
  type AnyNewEvent,
  createEmbeddedEventLog,
  createJetStreamEventLog,
  type EventLog,
  rootFilter,
} from "../../events/index.ts";
import { connectNats } from "../../infra/connections/nats-connection.ts";
import { createProjector, dropReadModel, migrateUp, versionSchema } from "../../projections/index.ts";
import { buildSessionEvents } from "../../projections/testing/session-events.ts";

const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const target = Number(process.env.BENCH_EVENTS ?? 200_000);
const liveSeconds = Number(process.env.BENCH_LIVE_SECONDS ?? 20);
const liveRate = 1_000;
const logKind = process.env.BENCH_LOG === "jetstream" ? "jetstream" : "embedded";
const agents = ["arbitrage", "orderbook", "reversion", "risk", "sentiment", "technical", "trend"] as const;

function session(sessionId: string, events: number, root: string): AnyNewEvent[] {
  // ~12.5 events per bar with seven agents: generate a little more and cut at the target.
  const all = buildSessionEvents({ sessionId, bars: Math.ceil(events / 11), root, agents: [...agents] });
  return all.slice(0, events);
}

async function openLog(root: string): Promise<{ log: EventLog; close: () => Promise<void> }> {
  if (logKind === "embedded") {
    const log = createEmbeddedEventLog({ root, trusted: true });
    return { log, close: () => log.close() };
  }
  const nc = await connectNats({
    servers: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
    name: "bench-project",
  });
  const log = await createJetStreamEventLog({ nc, stream: `BENCH_${root.toUpperCase()}`, root, replicas: 1 });
  return {
    log,
    close: async () => {
      await log.close();
      await nc.drain();
    },
  };
}

async function append(log: EventLog, events: readonly AnyNewEvent[]): Promise<void> {
  // Consecutive events of one subject go in one append (what each writer would batch).
  let i = 0;
  while (i < events.length) {
    const subject = events[i]!.subject;
    let j = i + 1;
    while (j < events.length && events[j]!.subject === subject && j - i < 100) j++;
    await log.append(subject, events.slice(i, j));
    i = j;
  }
}

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on("error", () => {});
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  const tag = randomBytes(4).toString("hex");
  const root = `bp${tag}`;
  const layouts = [`bench_${tag}_p`, `bench_${tag}_raw`, `bench_${tag}_live`].map((namespace) => ({
    namespace,
  }));
  const { log, close } = await openLog(root);
  try {
    const events = session("bench", target, root);
    let t = performance.now();
    await append(log, events);
    console.log(
      `log: ${logKind}; appended ${events.length} events in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    // Raw read rate of the same stream.
    t = performance.now();
    let read = 0;
    for await (const _ of log.read(rootFilter(root))) read++;
    const readMs = performance.now() - t;
    console.log(`raw read:      ${rate(read, readMs).toLocaleString()} events/s (${read} events)`);

    // The projector.
    for (const layout of layouts) await migrateUp(db, layout);
    const [projected, raw, live] = layouts as [
      { namespace: string },
      { namespace: string },
      { namespace: string },
    ];
    t = performance.now();
    const totals = await createProjector({ db, layout: projected, log, batchSize: 1000 }).catchUp();
    const projectMs = performance.now() - t;
    console.log(
      `projector:     ${rate(totals.applied, projectMs).toLocaleString()} events/s (${totals.batches} transactions)`,
    );

    // Raw batched INSERT of the very rows the projector produced.
    // biome-ignore lint/suspicious/noExplicitAny: generic copy of every table
    const any = db as Kysely<any>;
    const from = versionSchema(projected.namespace, 1);
    const to = versionSchema(raw.namespace, 1);
    const tables = (
      await sql<{
        table_name: string;
      }>`select table_name from information_schema.tables where table_schema = ${from}
        and table_type = 'BASE TABLE' and table_name not like 'kysely_%'`.execute(db)
    ).rows.map((r) => r.table_name);
    const rowsByTable = new Map<string, Record<string, unknown>[]>();
    let rowCount = 0;
    for (const table of tables) {
      const rows = await any.withSchema(from).selectFrom(table).selectAll().execute();
      // JSON columns come back parsed; send them as JSON text, as the projector does.
      const prepared = rows.map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [
            k,
            v !== null && typeof v === "object" && !(v instanceof Date) ? JSON.stringify(v) : v,
          ]),
        ),
      );
      rowsByTable.set(table, prepared);
      rowCount += rows.length;
    }
    t = performance.now();
    await any.transaction().execute(async (trx) => {
      for (const [table, rows] of rowsByTable) {
        const perStatement = Math.max(1, Math.floor(30_000 / Math.max(1, Object.keys(rows[0] ?? {}).length)));
        for (let i = 0; i < rows.length; i += Math.min(1000, perStatement)) {
          await trx
            .withSchema(to)
            .insertInto(table)
            .values(rows.slice(i, i + Math.min(1000, perStatement)))
            .execute();
        }
      }
    });
    const rawMs = performance.now() - t;
    console.log(
      `raw insert:    ${rate(totals.applied, rawMs).toLocaleString()} events/s equivalent (${rowCount} rows, ${rate(rowCount, rawMs).toLocaleString()} rows/s)`,
    );

    // Live lag at 1,000 events/s.
    const liveEvents = session("live", liveRate * liveSeconds, root);
    const appendedAt = new Map<number, number>();
    const lags: number[] = [];
    let acked = 0;
    const projector = createProjector({
      db,
      layout: live,
      log,
      batchSize: 1000,
      onAck: (lastSeq) => {
        const now = performance.now();
        for (let s = acked + 1; s <= lastSeq; s++) {
          const a = appendedAt.get(s);
          if (a !== undefined) lags.push(now - a);
        }
        acked = lastSeq;
      },
    });
    // Start the live projector at the tail: the lag is measured on the live events only.
    await projector.catchUp();
    const running = projector.run();
    const start = performance.now();
    let sent = 0;
    while (sent < liveEvents.length) {
      const due = Math.min(liveEvents.length, Math.floor(((performance.now() - start) / 1000) * liveRate));
      while (sent < due) {
        const e = liveEvents[sent++]!;
        const r = await log.append(e.subject, [e]);
        appendedAt.set(r.seqs[0]!, performance.now());
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const liveMs = performance.now() - start;
    for (let i = 0; i < 400 && lags.length < liveEvents.length; i++)
      await new Promise((r) => setTimeout(r, 25));
    await projector.stop();
    await running;
    lags.sort((a, b) => a - b);
    const p50 = pct(lags, 50);
    const p99 = pct(lags, 99);
    console.log(
      `live lag:      p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms at ${rate(liveEvents.length, liveMs)} events/s offered (${lags.length} events)`,
    );
    console.log(
      JSON.stringify({
        name: "project",
        log: logKind,
        database: "postgres",
        events: totals.applied,
        rawReadPerSec: rate(read, readMs),
        projectPerSec: rate(totals.applied, projectMs),
        rawInsertEventsPerSec: rate(totals.applied, rawMs),
        rawInsertRows: rowCount,
        projectVsRawInsert: Number((rawMs / projectMs).toFixed(3)),
        liveRate,
        liveLagP50Ms: Number(p50.toFixed(1)),
        liveLagP99Ms: Number(p99.toFixed(1)),
      }),
    );
  } finally {
    for (const layout of layouts) await dropReadModel(db, layout);
    await close();
    await db.destroy();
  }
}

await main();
