import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseStrategy, syntheticCandles } from "../../actors/index.ts";
import { hasErrorCode } from "../../events/index.ts";
import { loadCandleFile } from "../loaders/candle-file-loader.ts";
import { monteCarloReshuffle } from "./monte-carlo.ts";
import { type OptimizationOptions, runOptimization } from "./run-optimization.ts";
import { applyParameters, gridCandidates, parseSearchSpace, randomCandidates } from "./search-space.ts";
import { walkForwardFolds } from "./walk-forward.ts";

const dir = mkdtempSync(join(tmpdir(), "cf-opt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csv(name: string, bars: number): string {
  const file = join(dir, name);
  const rows = [...syntheticCandles({ seed: 4, bars })].map(
    (c) => `${c.openTime},${c.open},${c.high},${c.low},${c.close},${c.volume}`,
  );
  writeFileSync(file, `open_time,open,high,low,close,volume\n${rows.join("\n")}\n`);
  return file;
}

const base = parseStrategy({
  enabledAgents: ["trend", "risk"],
  orchestrator: { minConsensus: 0.5, minConfidence: 0.2, minAgreeing: 1 },
});
const space = parseSearchSpace({
  parameters: {
    "agents.trend.emaFast": { values: [5, 9] },
    "agents.trend.emaSlow": { min: 20, max: 30, step: 10 },
  },
});

async function options(file: string, extra: Partial<OptimizationOptions> = {}): Promise<OptimizationOptions> {
  const loaded = await loadCandleFile(file);
  return {
    dataPath: file,
    candles: loaded.candles,
    dataChecksum: loaded.report.sha256,
    sourceIntervalMs: 60_000,
    symbol: "BTC/USDT",
    timeframe: "15m",
    baseStrategy: base,
    space,
    method: "grid",
    seed: 3,
    objective: "canonical.netProfit",
    workers: 1,
    monteCarloRuns: 200,
    ...extra,
  };
}

describe("search space, folds, Monte Carlo (pure)", () => {
  it("grid and seeded random candidates", () => {
    expect(gridCandidates(space)).toEqual([
      { "agents.trend.emaFast": 5, "agents.trend.emaSlow": 20 },
      { "agents.trend.emaFast": 5, "agents.trend.emaSlow": 30 },
      { "agents.trend.emaFast": 9, "agents.trend.emaSlow": 20 },
      { "agents.trend.emaFast": 9, "agents.trend.emaSlow": 30 },
    ]);
    const r = randomCandidates(
      parseSearchSpace({ x: { min: 0, max: 1 }, n: { min: 1, max: 9, integer: true } }),
      5,
      42,
    );
    expect(r).toEqual(
      randomCandidates(
        parseSearchSpace({ x: { min: 0, max: 1 }, n: { min: 1, max: 9, integer: true } }),
        5,
        42,
      ),
    );
    expect(r).not.toEqual(
      randomCandidates(
        parseSearchSpace({ x: { min: 0, max: 1 }, n: { min: 1, max: 9, integer: true } }),
        5,
        43,
      ),
    );
    for (const c of r) expect(Number.isInteger(c.n)).toBe(true);
    expect(applyParameters(base, { "agents.trend.emaFast": 5 }).agents.trend.emaFast).toBe(5);
    expect(() => applyParameters(base, { "agents.nope.x": 1 })).toThrow(/not a strategy parameter/);
    expect(() => parseSearchSpace({ parameters: {} })).toThrow(/names no parameter/);
  });
  it("rolling and anchored walk-forward folds; too little data is a clear error", () => {
    const rolling = walkForwardFolds(1000, { mode: "rolling", folds: 3, trainFraction: 0.7, minCandles: 10 });
    expect(rolling.map((f) => [f.train.start, f.train.end, f.test.start, f.test.end])).toEqual([
      [0, 439, 439, 626],
      [187, 626, 626, 813],
      [374, 813, 813, 1000],
    ]);
    const anchored = walkForwardFolds(1000, {
      mode: "anchored",
      folds: 3,
      trainFraction: 0.7,
      minCandles: 10,
    });
    expect(anchored.map((f) => f.train.start)).toEqual([0, 0, 0]);
    expect(anchored[2]?.train.end).toBe(813);
    expect(() => walkForwardFolds(40, { mode: "rolling", folds: 5, minCandles: 31 })).toThrow(
      /too few for 5 walk-forward folds/,
    );
  });
  it("Monte Carlo keeps the P&L, reshuffles the path, seeded", () => {
    const pnls = [100, -50, -60, 80, -70, 30, 20, -10];
    const a = monteCarloReshuffle(1000, pnls, 500, 1);
    expect(a).toEqual(monteCarloReshuffle(1000, pnls, 500, 1));
    expect(a.actualMaxDrawdown).toBeCloseTo(110 / 1100, 12);
    expect(a.maxDrawdown.p5).toBeLessThanOrEqual(a.maxDrawdown.p50);
    expect(a.maxDrawdown.p50).toBeLessThanOrEqual(a.maxDrawdown.p95);
    expect(a.maxDrawdown.worst).toBeGreaterThanOrEqual(a.maxDrawdown.p95);
  });
});

describe("runOptimization over worker threads", () => {
  it("two workers give the same result as one; a rerun resumes from the results file", async () => {
    const file = csv("opt.csv", 3000);
    const one = await runOptimization(await options(file));
    expect(one.evaluated).toBe(4);
    expect(one.ranking.length).toBe(4);
    expect(one.stability.map((r) => `${r.parameter}=${r.value}`)).toEqual([
      "agents.trend.emaFast=5",
      "agents.trend.emaFast=9",
      "agents.trend.emaSlow=20",
      "agents.trend.emaSlow=30",
    ]);
    const results = join(dir, "results.jsonl");
    const two = await runOptimization(await options(file, { workers: 2, resultsFile: results }));
    expect(JSON.stringify({ ...two, evaluated: 0, reused: 0 })).toBe(
      JSON.stringify({ ...one, evaluated: 0, reused: 0 }),
    );
    // Interrupted after two results, the last line torn: the rerun evaluates only what is missing.
    const lines = readFileSync(results, "utf8").trim().split("\n");
    writeFileSync(results, `${lines.slice(0, 2).join("\n")}\n${(lines[2] as string).slice(0, 40)}`);
    const resumed = await runOptimization(await options(file, { workers: 2, resultsFile: results }));
    expect(resumed.reused).toBe(2);
    expect(resumed.evaluated).toBe(2);
    expect(resumed.ranking.map((e) => e.key)).toEqual(one.ranking.map((e) => e.key));
    const again = await runOptimization(await options(file, { workers: 2, resultsFile: results }));
    expect(again.evaluated).toBe(0);
    expect(again.best).toEqual(one.best);
  }, 240_000);

  it("walk-forward: each fold's best on its train window, judged on its test window", async () => {
    const file = csv("wf.csv", 4000);
    const r = await runOptimization(
      await options(file, { workers: 2, walkForward: { mode: "rolling", folds: 2, trainFraction: 0.6 } }),
    );
    expect(r.walkForward?.length).toBe(2);
    for (const f of r.walkForward ?? []) {
      expect(f.test.start).toBe(f.train.end);
      expect(Object.keys(f.best).sort()).toEqual(["agents.trend.emaFast", "agents.trend.emaSlow"]);
    }
    expect(r.evaluated).toBe(2 * 4 + 2);
  }, 240_000);

  it("short data: a clear validation error, never a crash", async () => {
    const file = csv("short.csv", 20);
    try {
      await runOptimization(await options(file));
      expect.unreachable();
    } catch (e) {
      expect(hasErrorCode(e) && e.code).toBe("VALIDATION");
      expect((e as Error).message).toMatch(/20 candles: fewer than two 15m bars/);
    }
    const wf = csv("short-wf.csv", 100);
    await expect(
      runOptimization(await options(wf, { walkForward: { mode: "anchored", folds: 4 } })),
    ).rejects.toThrow(/too few for 4 walk-forward folds/);
  }, 60_000);
});
