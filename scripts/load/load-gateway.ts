// Gateway under load while a paper session runs
// (`npm run load:gateway [-- --duration S --connections C --sse N --history BARS]`),
// on the real services: NATS JetStream at NATS_URL (a stream and subject root of its own, deleted at the end) and
// Postgres at DATABASE_URL (a schema of its own, dropped at the end).
// In one process: a paper session at full speed (every actor in its own host, runSessionOnLog over a seeded synthetic
// market, bar t+1 as soon as bar t has settled), the projector folding the log into the read models, and the HTTP
// gateway on a free port. First, a finished session of --history bars (default 10,000) is appended and projected, so
// pages and totals also run over a large session. Then, for --duration seconds, autocannon drives the read routes with an API key (--connections
// split over four route groups, each cycling through its routes) while --sse clients follow the session's event
// stream (SSE, from sequence 1). Recorded: requests/s and p50/p97.5/p99 latency per group, non-2xx and errors;
// projection lag (stream head sequence − projector checkpoint, sampled every 250 ms: p50/p99/max, in events and in
// ms); SSE events received by each client against the events the session appended, and the delivery latency seen by
// one client; RSS and heap at the start, the peak and the end (after a GC) to show whether memory grows.
// Progress lines while it runs; the last line is JSON {"name":"load-gateway",…}. Exit 1 when a request failed
// (error, timeout or non-2xx), an SSE client missed, repeated or was dropped from events, or the projector did not
// catch up.
import { createRequire } from "node:module";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import v8 from "node:v8";
import vm from "node:vm";
import { jetstreamManager } from "@nats-io/jetstream";
import { sql } from "kysely";
import {
  createMemorySnapshotStore,
  createSessionActors,
  runSessionOnLog,
  syntheticMarket,
} from "../../actors/index.ts";
import { type AnyNewEvent, type EventLog, sessionFilter } from "../../events/index.ts";
import { createGateway } from "../../gateway/index.ts";
import { openTestDatabase, openTestEventLog } from "../../gateway/testing/gateway-fixture.ts";
import { parseSse } from "../../gateway/testing/stream-clients.ts";
import { openSyntheticSession, syntheticPaperSetup } from "../../infra/testing/synthetic-session.ts";
import {
  createProjector,
  liveVersion,
  projectionCheckpoint,
  versionSchema,
} from "../../projections/index.ts";
import { buildSessionEvents } from "../../projections/testing/session-events.ts";

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "60" },
    connections: { type: "string", default: "32" },
    sse: { type: "string", default: "20" },
    seed: { type: "string", default: "1" },
    history: { type: "string", default: "10000" },
  },
});
const duration = Number(args.duration);
const connections = Number(args.connections);
const sseClients = Number(args.sse);
const seed = Number(args.seed);
const historyBars = Number(args.history);
for (const [flag, v, min] of [
  ["--history", historyBars, 0],
  ["--duration", duration, 1],
  ["--connections", connections, 4],
  ["--sse", sseClients, 0],
] as const) {
  if (!Number.isInteger(v) || v < min) throw new Error(`${flag} must be an integer ≥ ${min}, got ${v}`);
}

interface Histogram {
  p50: number;
  p97_5: number;
  p99: number;
  max: number;
  average: number;
}
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonRequest {
  method?: string;
  path: string;
}
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: "response", listener: (client: unknown, status: number) => void): void;
  stop(): void;
}
const require = createRequire(import.meta.url);
const autocannon = require("autocannon") as (options: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
  requests: AutocannonRequest[];
}) => AutocannonInstance;

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const fmt = (n: number) => Math.round(n).toLocaleString("en");
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const pct = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
// A GC before the start and end figures, so they compare live heaps rather than garbage not yet collected.
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const memory = () => {
  const m = process.memoryUsage();
  return { rssMb: mb(m.rss), heapMb: mb(m.heapUsed) };
};

/** One SSE subscriber counting what it receives (the first one also times delivery: receipt − recordedAt). */
interface SseCounter {
  events: number;
  lastSeq: number;
  duplicates: number;
  dropped: string | null;
  readonly latencies: number[] | null;
  close(): void;
}

function openSseCounter(url: string, key: string, timeDelivery: boolean): SseCounter {
  const abort = new AbortController();
  const counter: SseCounter = {
    events: 0,
    lastSeq: 0,
    duplicates: 0,
    dropped: null,
    latencies: timeDelivery ? [] : null,
    close: () => abort.abort(),
  };
  const recordedAt = /"recordedAt":"([^"]+)"/;
  void (async () => {
    const response = await fetch(url, { headers: { "x-api-key": key }, signal: abort.signal });
    if (response.status !== 200 || response.body === null) {
      counter.dropped = `HTTP ${response.status}`;
      return;
    }
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      const parsed = parseSse(buffer);
      buffer = parsed.rest;
      const now = Date.now();
      for (const m of parsed.messages) {
        if (m.event === "heartbeat") continue;
        if (m.event === "error") {
          counter.dropped = m.data;
          continue;
        }
        const seq = Number(m.id);
        if (seq <= counter.lastSeq) counter.duplicates++;
        else counter.events++;
        counter.lastSeq = Math.max(counter.lastSeq, seq);
        const at = counter.latencies === null ? undefined : recordedAt.exec(m.data)?.[1];
        if (at !== undefined) counter.latencies?.push(now - Date.parse(at));
      }
    }
    if (!abort.signal.aborted && counter.dropped === null) counter.dropped = "the stream ended";
  })().catch((e: Error) => {
    if (!abort.signal.aborted) counter.dropped = e.message;
  });
  return counter;
}

/** Appends a finished session's events, consecutive events of one subject in one append (as each writer batches). */
async function appendHistory(log: EventLog, events: readonly AnyNewEvent[]): Promise<void> {
  for (let i = 0; i < events.length; ) {
    const subject = events[i]!.subject;
    let j = i + 1;
    while (j < events.length && events[j]!.subject === subject && j - i < 100) j++;
    await log.append(subject, events.slice(i, j));
    i = j;
  }
}

const database = await openTestDatabase();
const events = await openTestEventLog();
const { log } = events;
const jsm = await jetstreamManager(events.nc);
const sessionId = "load";
const session = new AbortController();
let exitCode = 0;
try {
  const gateway = await createGateway({
    eventLog: log,
    db: database.db,
    readModels: database.readModels,
    config: { rateLimitPerKey: 1e9, rateLimitPerIp: 1e9 },
  });
  const key = (await gateway.apiKeys.issue({ name: "load", role: "viewer", issuedBy: "load" })).key;
  const url = await gateway.listen({ host: "127.0.0.1", port: 0 });
  const projector = createProjector({ db: database.db, layout: database.layout, log });
  const projecting = projector.run();
  const schema = versionSchema(
    database.layout.namespace,
    (await liveVersion(database.db, database.layout)) ?? 1,
  );
  const headSeq = async () => (await jsm.streams.info(events.stream)).state.last_seq;

  // A finished session of --history bars (hourly, four agents: ~9 events a bar), projected before the load: the
  // read routes then also serve pages and totals over a large session, not only over the young running one.
  if (historyBars > 0) {
    const t = performance.now();
    const past = buildSessionEvents({
      sessionId: "history",
      bars: historyBars,
      root: log.root,
      audit: false,
    });
    await appendHistory(log, past);
    const head = await headSeq();
    while ((await projectionCheckpoint(database.db, schema)) < head) await sleep(250);
    // What autovacuum does shortly after a bulk load (bench:gateway does the same): planner statistics.
    const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables
      where table_schema = ${schema} and table_type = 'BASE TABLE'`.execute(database.db);
    for (const { name } of tables.rows) await sql`analyze ${sql.id(schema, name)}`.execute(database.db);
    console.log(
      `history: a finished session of ${fmt(historyBars)} bars, ${fmt(past.length)} events appended and projected ` +
        `in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
  }

  // The session: far more bars than the run can take; it is aborted when the load ends (hosts checkpoint and stop).
  await openSyntheticSession(log, sessionId, seed, 1_000_000);
  let sessionBars = 0;
  let sessionEvents = 0;
  const running = runSessionOnLog({
    log,
    sessionId,
    specs: createSessionActors(syntheticPaperSetup(sessionId)),
    feed: syntheticMarket({ seed, bars: 1_000_000 }),
    snapshots: createMemorySnapshotStore(),
    recordedAt: () => new Date().toISOString(),
    signal: session.signal,
    onProgress: (p) => {
      sessionBars = p.bars;
      sessionEvents = p.events;
    },
  }).then(
    () => "ended" as const,
    (e: Error) => (session.signal.aborted ? ("aborted" as const) : e),
  );

  // Wait for a projected decision: the one-decision route needs an id.
  const headers = { "x-api-key": key };
  const api = `${url}/api/v1/sessions/${sessionId}`;
  let decisionId = "";
  for (let i = 0; i < 240 && decisionId === ""; i++) {
    const r = await fetch(`${api}/decisions?limit=1`, { headers });
    if (r.status === 200)
      decisionId = ((await r.json()) as { items: { decisionId: string }[] }).items[0]?.decisionId ?? "";
    if (decisionId === "") await sleep(250);
  }
  if (decisionId === "") throw new Error("the session made no decision in 60 s: is the pipeline running?");

  // Four route groups, each its own autocannon instance (per-group latency), cycling through its routes.
  // The equity curve is asked for one day (1,440 points): without a range it returns every bar of the session.
  const day = "from=2024-01-01T00:00:00.000Z&to=2024-01-02T00:00:00.000Z";
  // With --history, the decisions and portfolio groups also read the finished session (its first page of decisions and
  // their total, its metrics): a user looking back at a large session while another one runs.
  const base = `/api/v1/sessions/${sessionId}`;
  const past = "/api/v1/sessions/history";
  const groups: Record<string, string[]> = {
    sessions: ["/api/v1/sessions", base, `${base}/trading-state`, `${base}/agents`],
    decisions: [
      `${base}/decisions?limit=50`,
      `${base}/decisions/${decisionId}`,
      `${base}/signals?limit=50`,
      ...(historyBars > 0 ? [`${past}/decisions?limit=50`] : []),
    ],
    orders: [`${base}/orders?limit=50`, `${base}/fills?limit=50`, `${base}/trades?limit=50`],
    portfolio: [
      `${base}/equity?${day}`,
      `${base}/positions`,
      `${base}/metrics`,
      ...(historyBars > 0 ? [`${past}/metrics`] : []),
    ],
  };
  for (const paths of Object.values(groups)) {
    for (const path of paths) {
      const r = await fetch(`${url}${path}`, { headers });
      if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${await r.text()}`);
    }
  }

  const sse = Array.from({ length: sseClients }, (_, i) => openSseCounter(`${api}/events`, key, i === 0));
  gc();
  const startMemory = memory();
  // Event-loop delay over the load: how long ready work waited for this one thread (gateway, session, projector and
  // the load generator share it), as opposed to time spent waiting on Postgres or NATS.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const peak = { ...startMemory };
  const startedBars = sessionBars;
  console.log(
    `setup: gateway ${url}, stream ${events.stream}, schema ${database.schema}; session at bar ${startedBars}; ` +
      `load ${duration} s, ${connections} connections over ${Object.keys(groups).length} route groups, ` +
      `${sseClients} SSE clients; rss ${startMemory.rssMb} MB, heap ${startMemory.heapMb} MB`,
  );

  // Samples every 250 ms: projection lag (events, and ms since the head first passed the checkpoint) and memory.
  const heads: { at: number; head: number }[] = [];
  const lagEvents: number[] = [];
  const lagMs: number[] = [];
  // The lowest heap seen in each 30 s window of the load: the live set after the collector's passes. A leak shows as a floor that
  // keeps rising; garbage only raises the peaks.
  const heapFloorMb: number[] = [];
  const samplingFrom = Date.now();
  let sampling = true;
  let loading = true;
  const sampler = (async () => {
    while (sampling) {
      const [info, checkpoint] = await Promise.all([
        jsm.streams.info(events.stream),
        projectionCheckpoint(database.db, schema),
      ]);
      const now = Date.now();
      const head = info.state.last_seq;
      heads.push({ at: now, head });
      lagEvents.push(Math.max(0, head - checkpoint));
      const behindSince = heads.find((h) => h.head > checkpoint)?.at;
      lagMs.push(behindSince === undefined ? 0 : now - behindSince);
      const m = memory();
      peak.rssMb = Math.max(peak.rssMb, m.rssMb);
      peak.heapMb = Math.max(peak.heapMb, m.heapMb);
      const w = Math.floor((now - samplingFrom) / 30_000);
      if (loading) heapFloorMb[w] = Math.min(heapFloorMb[w] ?? Number.POSITIVE_INFINITY, m.heapMb);
      await sleep(250);
    }
  })();

  const responses: Record<string, { ok: number; other: number }> = {};
  const started = performance.now();
  const perGroup = Math.max(1, Math.floor(connections / Object.keys(groups).length));
  const instances = Object.entries(groups).map(([name, paths]) => {
    const counts = { ok: 0, other: 0 };
    responses[name] = counts;
    const instance = autocannon({
      url,
      connections: perGroup,
      duration,
      headers,
      requests: paths.map((path) => ({ method: "GET", path })),
    });
    instance.on("response", (_client, status) => {
      if (status >= 200 && status < 300) counts.ok++;
      else counts.other++;
    });
    return { name, instance };
  });
  const progress = setInterval(() => {
    const s = (performance.now() - started) / 1000;
    const requests = Object.values(responses).reduce((n, c) => n + c.ok + c.other, 0);
    const bad = Object.values(responses).reduce((n, c) => n + c.other, 0);
    const received = sse.map((c) => c.events);
    const m = memory();
    console.log(
      `  ${s.toFixed(0).padStart(4)} s  ${fmt(requests).padStart(8)} requests (${bad} non-2xx)  ` +
        `session bar ${fmt(sessionBars)}, ${fmt(sessionEvents)} events  ` +
        `sse min ${fmt(Math.min(...received, Number.POSITIVE_INFINITY))} max ${fmt(Math.max(...received, 0))}  ` +
        `lag ${lagEvents.at(-1) ?? 0} events  rss ${m.rssMb} MB heap ${m.heapMb} MB`,
    );
  }, 5000);
  const results = await Promise.all(
    instances.map(async ({ name, instance }) => ({ name, r: await instance })),
  );
  clearInterval(progress);
  const loadSeconds = (performance.now() - started) / 1000;
  loading = false;
  heapFloorMb.length = Math.min(heapFloorMb.length, Math.floor(loadSeconds / 30)); // whole windows only
  loopDelay.disable();
  const delayMs = (ns: number) => Math.round(ns / 1e6);
  const eventLoop = {
    p50Ms: delayMs(loopDelay.percentile(50)),
    p99Ms: delayMs(loopDelay.percentile(99)),
    maxMs: delayMs(loopDelay.max),
  };
  const barsDuringLoad = sessionBars - startedBars;
  const rssBeforeStop = memory();

  // Stop the session; then the projector and every SSE client must reach the end of what was appended.
  session.abort();
  const outcome = await running;
  if (outcome instanceof Error) throw outcome;
  let appended = 0;
  for await (const _ of log.read(sessionFilter(log.root, sessionId))) appended++;
  const head = (await jsm.streams.info(events.stream)).state.last_seq;
  let checkpoint = 0;
  const catchUpStarted = Date.now();
  while (Date.now() - catchUpStarted < 60_000) {
    checkpoint = await projectionCheckpoint(database.db, schema);
    if (checkpoint >= head && sse.every((c) => c.events >= appended || c.dropped !== null)) break;
    await sleep(100);
  }
  const drainMs = Date.now() - catchUpStarted;
  sampling = false;
  await sampler;
  gc();
  const endMemory = memory();
  for (const c of sse) c.close();
  // Every stream the clients left must be closed on the server too (no pump, no log subscription left behind).
  const openStreams = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return Number(/^cryptofunk_gateway_open_streams\{kind="sse"\} (\d+)/m.exec(text)?.[1] ?? 0);
  };
  let streamsLeft = await openStreams();
  for (let i = 0; i < 100 && streamsLeft > 0; i++) {
    await sleep(100);
    streamsLeft = await openStreams();
  }
  const closing = Date.now();
  await gateway.close();
  const closeMs = Date.now() - closing;
  await projector.stop();
  await projecting;

  const figures = Object.fromEntries(
    results.map(({ name, r }) => [
      name,
      {
        routes: groups[name]!.length,
        rps: Math.round(r.requests.average),
        requests: r.requests.total,
        p50Ms: r.latency.p50,
        p97_5Ms: r.latency.p97_5,
        p99Ms: r.latency.p99,
        maxMs: r.latency.max,
        errors: r.errors,
        timeouts: r.timeouts,
        non2xx: r.non2xx,
      },
    ]),
  );
  const requests = results.reduce((n, { r }) => n + r.requests.total, 0);
  const failed = results.reduce((n, { r }) => n + r.errors + r.timeouts + r.non2xx, 0);
  lagEvents.sort((a, b) => a - b);
  lagMs.sort((a, b) => a - b);
  const received = sse.map((c) => c.events);
  const duplicates = sse.reduce((n, c) => n + c.duplicates, 0);
  const dropped = sse.filter((c) => c.dropped !== null).map((c) => c.dropped);
  const missed = received.filter((n) => n < appended).length;
  const delivery = (sse[0]?.latencies ?? []).sort((a, b) => a - b);

  console.log(
    `load: ${loadSeconds.toFixed(1)} s, ${fmt(requests)} requests, ${fmt(requests / loadSeconds)} req/s`,
  );
  for (const [name, f] of Object.entries(figures)) {
    console.log(
      `  ${name.padEnd(10)} ${fmt(f.rps).padStart(6)} req/s  p50 ${f.p50Ms} ms  p97.5 ${f.p97_5Ms} ms  p99 ${f.p99Ms} ms  ` +
        `max ${f.maxMs} ms  (${fmt(f.requests)} requests, ${f.errors} errors, ${f.timeouts} timeouts, ${f.non2xx} non-2xx)`,
    );
  }
  console.log(
    `session: ${fmt(barsDuringLoad)} bars during the load (${(barsDuringLoad / loadSeconds).toFixed(1)} bars/s), ` +
      `${fmt(appended)} events appended in all (stream head ${fmt(head)})`,
  );
  console.log(
    `projection lag (${lagEvents.length} samples): p50 ${pct(lagEvents, 50)} / p99 ${pct(lagEvents, 99)} / max ` +
      `${lagEvents.at(-1) ?? 0} events; p50 ${pct(lagMs, 50)} / p99 ${pct(lagMs, 99)} / max ${lagMs.at(-1) ?? 0} ms; ` +
      `checkpoint ${fmt(checkpoint)} of ${fmt(head)} ${drainMs} ms after the session stopped`,
  );
  console.log(
    `sse: ${sseClients} clients, received min ${fmt(Math.min(...received, appended))} max ${fmt(Math.max(...received, 0))} ` +
      `of ${fmt(appended)}; ${missed} short, ${duplicates} duplicates, ${dropped.length} dropped${dropped.length > 0 ? ` (${dropped[0]})` : ""}; ` +
      `delivery p50 ${pct(delivery, 50)} ms, p99 ${pct(delivery, 99)} ms`,
  );
  console.log(
    `memory: start rss ${startMemory.rssMb} MB heap ${startMemory.heapMb} MB; peak rss ${peak.rssMb} MB heap ` +
      `${peak.heapMb} MB; end rss ${endMemory.rssMb} MB heap ${endMemory.heapMb} MB (after GC); ` +
      `lowest heap in each 30 s: ${heapFloorMb.join(", ")} MB`,
  );
  console.log(
    `event loop delay during the load: p50 ${eventLoop.p50Ms} ms, p99 ${eventLoop.p99Ms} ms, max ${eventLoop.maxMs} ms`,
  );
  console.log(
    `shutdown: ${streamsLeft} SSE streams left open after the clients went; gateway closed in ${closeMs} ms`,
  );

  const problems: string[] = [];
  if (failed > 0) problems.push(`${failed} requests failed`);
  if (missed > 0 || duplicates > 0 || dropped.length > 0)
    problems.push("SSE clients missed, repeated or lost events");
  if (checkpoint < head) problems.push(`the projector stopped at ${checkpoint} of ${head}`);
  if (streamsLeft > 0)
    problems.push(`${streamsLeft} SSE streams still open on the server after their clients left`);
  if (problems.length > 0) {
    console.log(`FAILED: ${problems.join("; ")}`);
    exitCode = 1;
  }
  console.log(
    JSON.stringify({
      name: "load-gateway",
      seconds: Number(loadSeconds.toFixed(1)),
      connections: perGroup * Object.keys(groups).length,
      requests,
      rps: Math.round(requests / loadSeconds),
      failed,
      groups: figures,
      session: {
        bars: barsDuringLoad,
        barsPerSecond: Number((barsDuringLoad / loadSeconds).toFixed(1)),
        events: appended,
      },
      projectionLag: {
        samples: lagEvents.length,
        events: { p50: pct(lagEvents, 50), p99: pct(lagEvents, 99), max: lagEvents.at(-1) ?? 0 },
        ms: { p50: pct(lagMs, 50), p99: pct(lagMs, 99), max: lagMs.at(-1) ?? 0 },
        caughtUpMs: checkpoint >= head ? drainMs : null,
      },
      sse: {
        clients: sseClients,
        appended,
        receivedMin: Math.min(...received, appended),
        receivedMax: Math.max(...received, 0),
        short: missed,
        duplicates,
        dropped: dropped.length,
        deliveryMs: { p50: pct(delivery, 50), p99: pct(delivery, 99), max: delivery.at(-1) ?? 0 },
        openAfterClientsLeft: streamsLeft,
      },
      memory: { start: startMemory, peak, beforeStop: rssBeforeStop, end: endMemory, heapFloorMb },
      eventLoop,
      gatewayCloseMs: closeMs,
      ok: problems.length === 0,
    }),
  );
} finally {
  session.abort();
  await events.dispose();
  await database.dispose();
}
process.exit(exitCode);
