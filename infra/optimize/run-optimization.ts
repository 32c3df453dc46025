import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Candle, StrategyConfig } from "../../actors/index.ts";
import { type Timeframe, timeframeMs, ValidationError } from "../../events/index.ts";
import { type Evaluation, type EvaluationTask, taskKey } from "./evaluate-candidate.ts";
import { type MonteCarloResult, monteCarloReshuffle } from "./monte-carlo.ts";
import { gridCandidates, type ParameterSet, randomCandidates, type SearchSpace } from "./search-space.ts";
import { type Fold, walkForwardFolds } from "./walk-forward.ts";
import { createEvaluationPool } from "./worker-pool.ts";

/** Every evaluation starts from runBacktest's default cash. */
const initialCash = 10_000;

export interface OptimizationOptions {
  readonly dataPath: string;
  readonly candles: readonly Candle[];
  readonly dataChecksum: string;
  readonly sourceIntervalMs: number;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly baseStrategy: StrategyConfig;
  readonly space: SearchSpace;
  readonly method: "grid" | "random";
  /** Random search: how many draws (default 20). */
  readonly samples?: number;
  readonly seed: number;
  readonly objective: string;
  readonly workers: number;
  readonly walkForward?: {
    readonly mode: "rolling" | "anchored";
    readonly folds: number;
    readonly trainFraction?: number;
  };
  /** Results file (JSONL, one evaluation a line, keyed): a rerun skips what it holds. */
  readonly resultsFile?: string;
  readonly monteCarloRuns?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface StabilityRow {
  readonly parameter: string;
  readonly value: number | string | boolean;
  readonly candidates: number;
  readonly mean: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

export interface FoldResult {
  readonly fold: number;
  readonly train: Fold["train"];
  readonly test: Fold["test"];
  readonly best: ParameterSet;
  readonly trainObjective: number | null;
  readonly testObjective: number | null;
  readonly testNetProfit: string;
  readonly testTrades: number;
}

export interface OptimizationResult {
  readonly method: "grid" | "random";
  readonly objective: string;
  readonly seed: number;
  readonly candidates: number;
  /** Evaluations this run performed (the rest came from the results file). */
  readonly evaluated: number;
  readonly reused: number;
  /** Every candidate on the whole data (or, walk-forward, on the first fold's train window), best first. */
  readonly ranking: readonly Evaluation[];
  readonly best: ParameterSet;
  readonly stability: readonly StabilityRow[];
  readonly walkForward: readonly FoldResult[] | null;
  readonly monteCarlo: MonteCarloResult;
}

/** Best first: higher objective, null last, ties by key (so the order never depends on completion order). */
export function rank(evals: readonly Evaluation[]): Evaluation[] {
  return [...evals].sort((a, b) => {
    if (a.objective !== b.objective) {
      if (a.objective === null) return 1;
      if (b.objective === null) return -1;
      return b.objective - a.objective;
    }
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
}

/** Per parameter and value: how the objective varied across every candidate holding that value. */
export function stabilityTable(evals: readonly Evaluation[]): StabilityRow[] {
  const groups = new Map<
    string,
    { parameter: string; value: number | string | boolean; values: number[]; n: number }
  >();
  for (const e of evals) {
    for (const [parameter, value] of Object.entries(e.params)) {
      const k = `${parameter}\u0000${JSON.stringify(value)}`;
      const g = groups.get(k) ?? { parameter, value, values: [], n: 0 };
      g.n++;
      if (e.objective !== null) g.values.push(e.objective);
      groups.set(k, g);
    }
  }
  return [...groups.values()]
    .sort((a, b) =>
      a.parameter !== b.parameter
        ? a.parameter < b.parameter
          ? -1
          : 1
        : typeof a.value === "number" && typeof b.value === "number"
          ? a.value - b.value
          : String(a.value) < String(b.value)
            ? -1
            : 1,
    )
    .map((g) => ({
      parameter: g.parameter,
      value: g.value,
      candidates: g.n,
      mean: g.values.length === 0 ? null : g.values.reduce((s, x) => s + x, 0) / g.values.length,
      min: g.values.length === 0 ? null : Math.min(...g.values),
      max: g.values.length === 0 ? null : Math.max(...g.values),
    }));
}

function readResults(file: string | undefined): Map<string, Evaluation> {
  const done = new Map<string, Evaluation>();
  if (file === undefined || !existsSync(file)) return done;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      const e = JSON.parse(line) as Evaluation;
      // A line cut by an interruption does not parse, or names a different task: evaluate again.
      if (typeof e.key === "string" && e.key === taskKey(e)) done.set(e.key, e);
    } catch {
      /* a torn last line */
    }
  }
  return done;
}

/**
 * Grid or random search over strategy parameters, optionally walk-forward (rolling or anchored), evaluated by a
 * pool of worker threads. Seeded and ranked by content, so N workers give the same result as one; resumable through
 * the results file. Then a parameter-stability table and a Monte Carlo reshuffle of the best candidate's trades.
 */
export async function runOptimization(o: OptimizationOptions): Promise<OptimizationResult> {
  const candidates =
    o.method === "grid" ? gridCandidates(o.space) : randomCandidates(o.space, o.samples ?? 20, o.seed);
  if (candidates.length === 0) {
    throw new ValidationError("the search space yields no candidate", [
      { path: "--space", message: "empty" },
    ]);
  }
  const minCandles = Math.ceil((2 * timeframeMs[o.timeframe]) / o.sourceIntervalMs) + 1;
  const full = { start: 0, end: o.candles.length };
  if (o.candles.length < minCandles) {
    throw new ValidationError(
      `the data holds ${o.candles.length} candles: fewer than two ${o.timeframe} bars to optimise on`,
      [{ path: "--data", message: "too short" }],
    );
  }
  const folds =
    o.walkForward === undefined ? null : walkForwardFolds(o.candles.length, { ...o.walkForward, minCandles });
  const done = readResults(o.resultsFile);
  const reusedKeys = new Set<string>();
  let evaluated = 0;
  const pool = await createEvaluationPool(o.workers, {
    dataPath: o.dataPath,
    dataRef: o.dataPath,
    dataChecksum: o.dataChecksum,
    sourceIntervalMs: o.sourceIntervalMs,
    symbol: o.symbol,
    timeframe: o.timeframe,
    baseStrategy: o.baseStrategy,
    objective: o.objective,
  });
  if (o.resultsFile !== undefined) {
    mkdirSync(dirname(o.resultsFile), { recursive: true });
    // An interruption may have left a torn last line: start the next result on a line of its own.
    if (existsSync(o.resultsFile)) {
      const text = readFileSync(o.resultsFile, "utf8");
      if (text.length > 0 && !text.endsWith("\n")) appendFileSync(o.resultsFile, "\n");
    }
  }
  const totalPlanned = candidates.length * (folds === null ? 1 : folds.length) + (folds?.length ?? 0);
  let progressed = 0;
  const evaluate = async (tasks: EvaluationTask[]): Promise<Evaluation[]> => {
    const byKey = new Map<string, Evaluation>();
    const pending: EvaluationTask[] = [];
    for (const t of tasks) {
      const k = taskKey(t);
      const have = done.get(k);
      if (have !== undefined) {
        byKey.set(k, have);
        reusedKeys.add(k);
        progressed++;
      } else pending.push(t);
    }
    o.onProgress?.(progressed, totalPlanned);
    await pool.run(pending, (r) => {
      byKey.set(r.key, r);
      done.set(r.key, r);
      evaluated++;
      progressed++;
      if (o.resultsFile !== undefined) appendFileSync(o.resultsFile, `${JSON.stringify(r)}\n`);
      o.onProgress?.(progressed, totalPlanned);
    });
    return tasks.map((t) => byKey.get(taskKey(t)) as Evaluation);
  };
  try {
    if (folds === null) {
      const ranking = rank(
        await evaluate(candidates.map((params) => ({ params, window: full, role: "search" }))),
      );
      const best = ranking[0] as Evaluation;
      return {
        method: o.method,
        objective: o.objective,
        seed: o.seed,
        candidates: candidates.length,
        evaluated,
        reused: reusedKeys.size,
        ranking,
        best: best.params,
        stability: stabilityTable(ranking),
        walkForward: null,
        monteCarlo: monteCarloReshuffle(initialCash, best.pnls, o.monteCarloRuns ?? 1000, o.seed),
      };
    }
    const trainRuns = await evaluate(
      folds.flatMap((f) =>
        candidates.map((params) => ({ params, window: f.train, role: `train-${f.fold}` })),
      ),
    );
    const bestPerFold = folds.map(
      (f) => rank(trainRuns.filter((e) => e.role === `train-${f.fold}`))[0] as Evaluation,
    );
    const testRuns = await evaluate(
      folds.map((f, i) => ({
        params: (bestPerFold[i] as Evaluation).params,
        window: f.test,
        role: `test-${f.fold}`,
      })),
    );
    const results: FoldResult[] = folds.map((f, i) => ({
      fold: f.fold,
      train: f.train,
      test: f.test,
      best: (bestPerFold[i] as Evaluation).params,
      trainObjective: (bestPerFold[i] as Evaluation).objective,
      testObjective: (testRuns[i] as Evaluation).objective,
      testNetProfit: (testRuns[i] as Evaluation).netProfit,
      testTrades: (testRuns[i] as Evaluation).trades,
    }));
    const firstFold = rank(trainRuns.filter((e) => e.role === "train-1"));
    return {
      method: o.method,
      objective: o.objective,
      seed: o.seed,
      candidates: candidates.length,
      evaluated,
      reused: reusedKeys.size,
      ranking: firstFold,
      best: (bestPerFold.at(-1) as Evaluation).params,
      stability: stabilityTable(trainRuns),
      walkForward: results,
      // The out-of-sample trades, fold after fold: the path a walk-forward trader would have lived.
      monteCarlo: monteCarloReshuffle(
        initialCash,
        testRuns.flatMap((e) => e.pnls),
        o.monteCarloRuns ?? 1000,
        o.seed,
      ),
    };
  } finally {
    await pool.close();
  }
}
