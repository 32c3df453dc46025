// Agent throughput in process (`npm run bench:agents`): bars per second of each agent and of all seven agents
// together, driven as live XState actors through the machine driver, over a seeded synthetic market of 1,000,000
// 1-minute bars (BENCH_BARS to change) with an L2 book and quotes on three venues every bar, news and daily Fear &
// Greed (about five feed events a bar). One pass over the feed, generated on the fly outside the clock: every event
// goes to each of the seven actors in turn; each actor's own feed calls are timed ("alone": the bars per second that
// agent alone would sustain) and so is the whole turn ("together": all seven on one core, one after the other).
// The last line is JSON: {"name":"agents","bars":…,"alone":{agent: bars/s},"together":bars/s,"slowest":…}.
import {
  agentSpecFactories,
  createMachineDriver,
  defaultStrategy,
  type SessionSetup,
  syntheticMarket,
} from "../../actors/index.ts";
import { type AgentName, type AnyEvent, agentNames, eventCatalog } from "../../events/index.ts";

const bars = Number(process.env.BENCH_BARS ?? 1_000_000);
const seed = Number(process.env.BENCH_SEED ?? 1);

const setup: SessionSetup = {
  sessionId: "bench",
  mode: "backtest",
  symbol: "BTC/USDT",
  timeframe: "1m",
  strategy: defaultStrategy,
  initialCash: "10000",
  quoteCurrency: "USDT",
};

/** The synthetic feed as stored events, one at a time (cheap ids: hashing them is not what is measured). */
function* feed(): Generator<AnyEvent> {
  let seq = 0;
  for (const d of syntheticMarket({ seed, bars })) {
    seq += 1;
    const id = `f${seq}`;
    yield {
      id,
      type: d.type,
      v: eventCatalog[d.type].v,
      sessionId: "bench",
      subject: "cf.bench.feed",
      seq,
      at: d.at,
      recordedAt: d.at,
      correlationId: id,
      causationId: null,
      writer: "feed",
      data: d.data,
    } as AnyEvent;
  }
}

const names = [...agentNames].sort() as AgentName[];
const drivers = names.map((n) => createMachineDriver(agentSpecFactories[n](setup)));
const ns = names.map(() => 0n);
const signals = names.map(() => 0);
let turn = 0n;
let events = 0;
const started = process.hrtime.bigint();
process.stdout.write(`agents over ${bars.toLocaleString("en")} synthetic 1m bars (seed ${seed})\n`);
for (const e of feed()) {
  events += 1;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < drivers.length; i += 1) {
    const d = drivers[i] as (typeof drivers)[number];
    if (!d.accepts(e.type)) continue;
    const a = process.hrtime.bigint();
    signals[i] = (signals[i] as number) + d.feed(e).length;
    ns[i] = (ns[i] as bigint) + (process.hrtime.bigint() - a);
  }
  turn += process.hrtime.bigint() - t0;
}
for (const d of drivers) d.stop();
const wall = Number(process.hrtime.bigint() - started) / 1e9;

const alone: Record<string, number> = {};
names.forEach((name, i) => {
  const seconds = Number(ns[i]) / 1e9;
  alone[name] = Math.round(bars / seconds);
  process.stdout.write(
    `  ${name.padEnd(10)} ${(alone[name] as number).toLocaleString("en").padStart(10)} bars/s  (${seconds.toFixed(1)} s in the actor, ${((seconds / bars) * 1e6).toFixed(1)} µs a bar, ${(signals[i] as number).toLocaleString("en")} signals)\n`,
  );
});
const together = Math.round(bars / (Number(turn) / 1e9));
process.stdout.write(
  `  all seven  ${together.toLocaleString("en").padStart(10)} bars/s  (${(Number(turn) / 1e9).toFixed(1)} s in the actors; ${events.toLocaleString("en")} feed events; ${wall.toFixed(1)} s wall with the generator)\n`,
);
const slowest = names.reduce((m, n) => ((alone[n] ?? 0) < (alone[m] ?? 0) ? n : m));
process.stdout.write(`${JSON.stringify({ name: "agents", bars, seed, alone, together, slowest })}\n`);
