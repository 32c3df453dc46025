// Jesse's published benchmark scenario (`npm run bench:jesse [-- --candles N --seed S]`): 1,051,200 one-minute candles
// (two years) and an SMA-crossover strategy on 1-hour bars. Here the candles are a seeded synthetic market (generated
// before the clock starts, as Jesse loads its candles from the database first); timed is everything after: resampling
// to 1h (marketFeed), then the session machine, an SMA-crossover agent, the orchestrator, the risk engine and paper
// execution through the in-process scheduler — every append validated against the catalog and fenced by OCC, on a
// pass-through log (nothing retained). The SMA-crossover agent is the benchmark's own small AgentLogic (fast/slow SMA
// of closes via trading-signals; BUY on an upward cross, SELL on a downward one, HOLD otherwise), run by the same
// agent machine as every real agent and voting as `trend`, the only enabled agent. Reference: 5.75 s on a Raspberry
// Pi 5 (Jesse's benchmark). The last line is JSON.
import { parseArgs } from "node:util";
import { SMA } from "trading-signals";
import {
  type AgentLogic,
  type Candle,
  createAgentMachine,
  createAgentSpec,
  createOrchestratorSpec,
  createPaperExecutionSpec,
  createPassThroughLog,
  createRiskEngineSpec,
  createSessionSpec,
  marketFeed,
  parseStrategy,
  runInProcessSession,
  type SessionSetup,
  syntheticCandles,
} from "../../actors/index.ts";
import type { Logger } from "../../infra/logging/create-logger.ts";
import { createProgressReporter } from "../../infra/session/progress-reporter.ts";

const { values: args } = parseArgs({
  options: {
    candles: { type: "string", default: process.env.BENCH_CANDLES ?? "1051200" },
    seed: { type: "string", default: process.env.BENCH_SEED ?? "1" },
    fast: { type: "string", default: "10" },
    slow: { type: "string", default: "30" },
  },
});
const candleCount = Number(args.candles);
const params = { fast: Number(args.fast), slow: Number(args.slow) };

interface SmaState {
  readonly fast: SMA;
  readonly slow: SMA;
  above: boolean | null;
}

/** SMA crossover: BUY when the fast SMA crosses above the slow one, SELL when it crosses below. */
const smaCrossover: AgentLogic<typeof params, SmaState> = {
  name: "trend",
  version: "bench-sma-crossover-v1",
  inputs: [],
  init: (p) => ({ fast: new SMA(p.fast), slow: new SMA(p.slow), above: null }),
  judge(s, bar) {
    s.fast.update(bar.close, false);
    s.slow.update(bar.close, false);
    if (!s.slow.isStable) {
      return { action: "HOLD", confidence: 0, reasoning: "warming up", features: { ready: false } };
    }
    const fast = s.fast.getResultOrThrow();
    const slow = s.slow.getResultOrThrow();
    const above = fast > slow;
    const crossed = s.above !== null && above !== s.above;
    s.above = above;
    const features = { fast, slow };
    if (!crossed) return { action: "HOLD", confidence: 0, reasoning: "no cross", features };
    return above
      ? { action: "BUY", confidence: 1, reasoning: "fast SMA crossed above slow", features }
      : { action: "SELL", confidence: 1, reasoning: "fast SMA crossed below slow", features };
  },
  minActConfidence: () => 1,
};

const strategy = parseStrategy({
  name: "sma-crossover",
  enabledAgents: ["trend"],
  orchestrator: { minConsensus: 0.5, minConfidence: 0.5, minAgreeing: 1 },
  execution: { allowShort: false },
});
const setup: SessionSetup = {
  sessionId: "bench-jesse",
  mode: "backtest",
  symbol: "BTC/USDT",
  timeframe: "1h",
  strategy,
  initialCash: "10000",
  quoteCurrency: "USDT",
};
const specs = [
  createSessionSpec(setup),
  createAgentSpec(smaCrossover, createAgentMachine(smaCrossover), setup, params),
  createOrchestratorSpec(setup),
  createRiskEngineSpec(setup),
  createPaperExecutionSpec(setup),
];

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(
  `generating ${candleCount.toLocaleString("en")} synthetic 1m candles (seed ${args.seed})\n`,
);
const candles: Candle[] = [];
for (const c of syntheticCandles({ seed: Number(args.seed), bars: candleCount })) {
  candles.push({
    openTime: c.openTime,
    closeTime: c.closeTime,
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    volume: c.volume,
    sourceBars: 1,
  });
}
const hours = Math.floor(candleCount / 60);
// Progress lines go to stderr, synchronously, so stdout ends with the JSON line.
const logger = { info: (_o: unknown, msg: string) => process.stderr.write(`${msg}\n`) } as unknown as Logger;
const progress = createProgressReporter("1h bars", hours, logger, { logEvery: Math.ceil(hours / 4) });
process.stdout.write(
  `running: resample to 1h (${hours.toLocaleString("en")} bars) and the SMA-crossover session\n`,
);
const started = performance.now();
const run = runInProcessSession(setup, marketFeed({ symbol: "BTC/USDT", timeframe: "1h", candles }), {
  specs,
  log: createPassThroughLog(),
  hash: false,
  timings: true,
  progressEvery: 1000,
  onProgress: (p) => progress.update(p.bars),
});
const seconds = (performance.now() - started) / 1000;
progress.stop();
const s = run.summary;
const result = {
  name: "jesse",
  candles: candleCount,
  bars1h: s.bars,
  seconds: Number(seconds.toFixed(3)),
  candlesPerSecond: Math.round(candleCount / seconds),
  peakRssMb: peakRssMb(),
  events: s.events,
  decisions: s.decisions,
  trades: s.trades,
  pnl: s.pnl,
  /** Where the time went: per actor (calls, ms) and `append` (ids, validation, OCC); resampling is the rest. */
  timings: Object.fromEntries(
    Object.entries(run.timings).map(([k, v]) => [k, { calls: v.calls, ms: Math.round(v.ms) }]),
  ),
  referenceSeconds: 5.75,
  reference: "Jesse, Raspberry Pi 5",
  node: process.version,
};
process.stdout.write(
  `${s.bars} 1h bars, ${s.trades} trades, P&L ${s.pnl}: ${seconds.toFixed(2)} s, ` +
    `${result.candlesPerSecond.toLocaleString("en")} candles/s, peak RSS ${result.peakRssMb} MB\n`,
);
process.stdout.write(`${JSON.stringify(result)}\n`);
