// Gateway throughput (`npm run bench:gateway`), Postgres at DATABASE_URL (default the local test db).
// A session of 10,000 bars (10,000 decisions, with signals, orders and fills) is appended to an embedded log and
// projected by the real projector into a fresh read model; the gateway then serves
// GET /api/v1/sessions/:id/decisions?limit=50 (a page and the total over 10,000 rows, with API-key auth, per-key and
// per-IP limits, zod response serialization, metrics) to autocannon, and — same run, same process — a bare fastify
// route answering {"ok":true}; and, to separate the gateway's own cost from the query's, GET /api/v1/sessions/:id
// (one row by key). Figures: requests/s, p50, p99, and the gateway ÷ bare ratio. Last line JSON.
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import fastify from "fastify";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { createEmbeddedEventLog } from "../../events/index.ts";
import { createGateway, migrateGateway } from "../../gateway/index.ts";
import { createProjector, dropReadModel, migrateUp, readModelDb } from "../../projections/index.ts";
import { appendEvents, buildSessionEvents } from "../../projections/testing/session-events.ts";

const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const bars = Number(process.env.BENCH_BARS ?? 10_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  non2xx: number;
}
const require = createRequire(import.meta.url);
const autocannon = require("autocannon") as (options: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;

interface Figures {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly errors: number;
  readonly non2xx: number;
}

async function load(target: string, headers: Record<string, string> = {}): Promise<Figures> {
  const r = await autocannon({ url: target, connections, duration: seconds, headers });
  return {
    rps: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    errors: r.errors,
    non2xx: r.non2xx,
  };
}

const tag = randomBytes(4).toString("hex");
const schema = `bench_gw_${tag}`;
const layout = { namespace: `${schema}_rm` };
const admin = new Kysely<unknown>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }),
});
await sql`create schema ${sql.id(schema)}`.execute(admin);
const pool = new pg.Pool({ connectionString: url, max: 20, options: `-c search_path=${schema}` });
const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
const log = createEmbeddedEventLog({ root: `bgw${tag}`, trusted: true });
const sessionId = "bench-gateway";
try {
  await migrateGateway(db);
  await migrateUp(db, layout);
  let t = performance.now();
  const events = buildSessionEvents({ sessionId, bars, root: log.root, audit: false });
  await appendEvents(log, events);
  const projected = await createProjector({ db, layout, log, batchSize: 1000 }).catchUp();
  // What autovacuum does shortly after a bulk load: without statistics the planner guesses 31 rows per session.
  await sql`analyze`.execute(db);
  const readModels = readModelDb(db, layout);
  const total = await readModels
    .selectFrom("decisions")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("session_id", "=", sessionId)
    .executeTakeFirstOrThrow();
  console.log(
    `setup: ${events.length} events, ${projected.applied} projected, ${total.n} decisions in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  const gateway = await createGateway({
    eventLog: log,
    db,
    readModels,
    config: { rateLimitPerKey: 1e9, rateLimitPerIp: 1e9 },
  });
  const key = (await gateway.apiKeys.issue({ name: "bench", role: "viewer", issuedBy: "bench" })).key;
  const gatewayUrl = await gateway.listen({ host: "127.0.0.1", port: 0 });
  const bare = fastify();
  bare.get("/", async () => ({ ok: true }));
  const bareUrl = await bare.listen({ host: "127.0.0.1", port: 0 });

  const endpoint = `${gatewayUrl}/api/v1/sessions/${sessionId}/decisions?limit=50`;
  const check = await fetch(endpoint, { headers: { "x-api-key": key } });
  const page = (await check.json()) as { total: number; items: unknown[] };
  if (check.status !== 200 || page.total !== Number(total.n) || page.items.length !== 50) {
    throw new Error(`the endpoint did not answer as expected: ${check.status} total ${page.total}`);
  }
  t = performance.now();
  await load(bareUrl); // warm-up of the load generator and the JIT, not reported
  const bareFigures = await load(bareUrl);
  await load(endpoint, { "x-api-key": key });
  const gatewayFigures = await load(endpoint, { "x-api-key": key });
  // The same stack on a one-row read (primary key): what the gateway itself costs beyond the decisions query.
  const oneRow = await load(`${gatewayUrl}/api/v1/sessions/${sessionId}`, { "x-api-key": key });
  await gateway.close();
  await bare.close();

  const ratio = gatewayFigures.rps / bareFigures.rps;
  const row = (name: string, f: Figures) =>
    `${name.padEnd(44)} ${String(f.rps).padStart(8)} req/s   p50 ${String(f.p50Ms).padStart(4)} ms   p99 ${String(f.p99Ms).padStart(4)} ms   (${f.requests} requests, ${f.errors} errors, ${f.non2xx} non-2xx)`;
  console.log(`autocannon: ${connections} connections, ${seconds} s each, after a warm-up run of each`);
  console.log(row("bare fastify GET / ", bareFigures));
  console.log(row(`gateway GET decisions page (${total.n} rows)`, gatewayFigures));
  console.log(row("gateway GET one session (one row)", oneRow));
  console.log(
    `ratio gateway decisions / bare: ${ratio.toFixed(3)}; one row / bare: ${(oneRow.rps / bareFigures.rps).toFixed(3)}`,
  );
  console.log(
    JSON.stringify({
      name: "gateway",
      decisions: Number(total.n),
      connections,
      seconds,
      bare: bareFigures,
      gateway: gatewayFigures,
      gatewayOneRow: oneRow,
      ratio: Number(ratio.toFixed(4)),
    }),
  );
} finally {
  await log.close();
  await dropReadModel(db, layout).catch(() => undefined);
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin);
  await db.destroy();
  await admin.destroy();
}
