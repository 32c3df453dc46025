// Whole-pipeline throughput (`npm run bench:pipeline [-- --bars N --js-bars M --seed S]`):
// (a) in process: every actor of a paper session (session machine, seven agents, orchestrator, risk engine, paper
//     execution) driven by the in-process scheduler over a seeded synthetic market of N 1-minute bars (default
//     1,000,000; an L2 book and quotes on three venues every bar, news, daily Fear & Greed), every append validated
//     against the catalog and fenced by OCC, on a pass-through log so memory stays flat. Bars per second, peak RSS, a
//     progress line every 100,000 bars, and where the time went (per actor and for appends).
// (b) over JetStream: a paper session of M bars (default 2,000) run by runSessionOnLog (every actor in its own host,
//     the feed paced bar by bar: bar t+1 goes in once the pipeline has settled bar t) on a fresh stream at NATS_URL.
//     Events per second (every event the session wrote, feed included) and bars per second.
// The last line is JSON: {"name":"pipeline","inProcess":{…},"jetstream":{…}}.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { jetstreamManager } from "@nats-io/jetstream";
import {
  createMemorySnapshotStore,
  createPassThroughLog,
  createSessionActors,
  runInProcessSession,
  runSessionOnLog,
  syntheticMarket,
} from "../../actors/index.ts";
import { createJetStreamEventLog } from "../../events/index.ts";
import { connectNats } from "../../infra/connections/nats-connection.ts";
import { openSyntheticSession, syntheticPaperSetup } from "../../infra/testing/synthetic-session.ts";

const { values: args } = parseArgs({
  options: {
    bars: { type: "string", default: process.env.BENCH_BARS ?? "1000000" },
    "js-bars": { type: "string", default: process.env.BENCH_JS_BARS ?? "2000" },
    seed: { type: "string", default: process.env.BENCH_SEED ?? "1" },
  },
});
const bars = Number(args.bars);
const jsBars = Number(args["js-bars"]);
const seed = Number(args.seed);
const progressEvery = 100_000;

const setup = syntheticPaperSetup;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
/** Peak resident set so far (maxRSS is in kilobytes). */
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const fmt = (n: number) => Math.round(n).toLocaleString("en");

function inProcess() {
  process.stdout.write(
    `in process: ${fmt(bars)} synthetic 1m bars (seed ${seed}), every actor, pass-through log\n`,
  );
  const started = performance.now();
  let printed = 0;
  const run = runInProcessSession(setup("bench-pipeline"), syntheticMarket({ seed, bars }), {
    log: createPassThroughLog(),
    hash: false,
    timings: true,
    progressEvery,
    onProgress: (p) => {
      if (p.bars === printed || (p.bars % progressEvery !== 0 && p.bars !== bars)) return;
      printed = p.bars;
      const s = (performance.now() - started) / 1000;
      process.stdout.write(
        `  ${fmt(p.bars).padStart(9)} bars  ${s.toFixed(1).padStart(7)} s  ${fmt(p.bars / s).padStart(6)} bars/s  ` +
          `${fmt(p.events).padStart(11)} events  rss ${mb(process.memoryUsage().rss)} MB (peak ${peakRssMb()} MB)\n`,
      );
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const s = run.summary;
  const events = s.events;
  process.stdout.write(
    `  ${fmt(bars)} bars in ${seconds.toFixed(1)} s: ${fmt(bars / seconds)} bars/s, ${fmt(events / seconds)} events/s ` +
      `(${fmt(events)} events; ${s.decisions.total} decisions, ${s.orders} orders, ${s.fills} fills, ` +
      `${s.trades} trades); peak RSS ${peakRssMb()} MB\n  where the time went:\n`,
  );
  const spent = Object.entries(run.timings).sort((a, b) => b[1].ms - a[1].ms);
  const total = spent.reduce((n, [, t]) => n + t.ms, 0);
  for (const [what, t] of spent) {
    process.stdout.write(
      `    ${what.padEnd(18)} ${(t.ms / 1000).toFixed(1).padStart(7)} s  ${((100 * t.ms) / total).toFixed(1).padStart(5)} %  ` +
        `${((1000 * t.ms) / t.calls).toFixed(1).padStart(6)} µs a call  ${fmt(t.calls)} calls\n`,
    );
  }
  return {
    bars,
    seconds: Number(seconds.toFixed(1)),
    barsPerSecond: Math.round(bars / seconds),
    events,
    eventsPerSecond: Math.round(events / seconds),
    peakRssMb: peakRssMb(),
    timingsMs: Object.fromEntries(spent.map(([k, t]) => [k, Math.round(t.ms)])),
  };
}

async function overJetStream() {
  const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
  const nc = await connectNats({ servers: url, name: "bench-pipeline", timeoutMs: 3000 });
  const tag = randomBytes(5).toString("hex");
  const stream = `BENCH_${tag}`;
  const root = `b${tag}`;
  const log = await createJetStreamEventLog({ nc, stream, root });
  try {
    const sessionId = "bench-js";
    // The feed is generated before the clock starts: what is timed is the session.
    const drafts = [...syntheticMarket({ seed, bars: jsBars })];
    process.stdout.write(
      `over JetStream (${url}, stream ${stream}): a paper session of ${fmt(jsBars)} bars, every actor in a host, paced\n`,
    );
    await openSyntheticSession(log, sessionId, seed, jsBars);
    const started = performance.now();
    const result = await runSessionOnLog({
      log,
      sessionId,
      specs: createSessionActors(setup(sessionId)),
      feed: drafts,
      snapshots: createMemorySnapshotStore(),
      recordedAt: () => new Date().toISOString(),
      onProgress: (p) => {
        if (p.bars % 500 !== 0) return;
        const s = (performance.now() - started) / 1000;
        process.stdout.write(
          `  ${fmt(p.bars).padStart(6)} bars  ${s.toFixed(1).padStart(6)} s  ${fmt(p.events / s).padStart(6)} events/s\n`,
        );
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const events = result.events.length;
    const ended = result.exits.every((x) => x.exit.reason === "session-ended");
    process.stdout.write(
      `  ${fmt(events)} events in ${seconds.toFixed(1)} s: ${fmt(events / seconds)} events/s, ${fmt(jsBars / seconds)} bars/s` +
        `${ended ? "" : " (some hosts did not end with the session!)"}\n`,
    );
    return {
      bars: jsBars,
      seconds: Number(seconds.toFixed(1)),
      events,
      eventsPerSecond: Math.round(events / seconds),
      barsPerSecond: Math.round(jsBars / seconds),
      hostsEnded: ended,
    };
  } finally {
    await log.close();
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
    await nc.drain();
  }
}

const js = jsBars > 0 ? await overJetStream() : null;
const ip = bars > 0 ? inProcess() : null;
process.stdout.write(`${JSON.stringify({ name: "pipeline", seed, inProcess: ip, jetstream: js })}\n`);
