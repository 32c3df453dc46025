import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { parseStrategy } from "../../../actors/index.ts";
import { timeframe as timeframeSchema, ValidationError } from "../../../events/index.ts";
import { loadCandleFile } from "../../loaders/candle-file-loader.ts";
import { type OptimizationResult, runOptimization } from "../../optimize/run-optimization.ts";
import { parseSearchSpace } from "../../optimize/search-space.ts";
import { createProgressReporter, type ProgressReporter } from "../../session/progress-reporter.ts";
import { cliContext } from "../cli-context.ts";
import { readStrategyFile } from "./run-command.ts";

function int(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    throw new ValidationError(`${flag} must be an integer ≥ ${min}, got "${v}"`, [
      { path: flag, message: "invalid" },
    ]);
  }
  return n;
}

/** `cryptofunk optimize`: grid or random search, optionally walk-forward, over worker threads; seeded and resumable. */
export function registerOptimizeCommand(program: Command): void {
  program
    .command("optimize")
    .description(
      "search strategy parameters (grid/random, walk-forward) over worker threads; seeded, resumable",
    )
    .requiredOption("--data <file>", "candle file (CSV or JSON)")
    .requiredOption(
      "--space <file>",
      "search space (YAML/JSON): {parameters: {<strategy path>: {values: [...]} | {min, max, step?, integer?}}}",
    )
    .option("--symbol <symbol>", "market symbol", "BTC/USDT")
    .option("--timeframe <tf>", "strategy timeframe", "1h")
    .option("--strategy <file>", "base strategy file; the search space overrides its parameters")
    .option("--method <m>", "grid | random", "grid")
    .option("--samples <n>", "random search: number of draws", "20")
    .option("--seed <n>", "seed of the random search and the Monte Carlo reshuffle", "1")
    .option(
      "--objective <path>",
      "metric to maximise (canonical.sharpe, canonical.netProfit, freqtrade.profitTotal …)",
      "canonical.sharpe",
    )
    .option("--workers <n>", "worker threads", "2")
    .option("--walk-forward <mode>", "rolling | anchored")
    .option("--folds <n>", "walk-forward folds", "3")
    .option("--train-fraction <f>", "walk-forward share of a fold used to train", "0.7")
    .option("--results <file>", "JSONL file of evaluations: a rerun skips what it holds (resume)")
    .option("--monte-carlo <n>", "Monte Carlo reshuffles of the best trades", "1000")
    .option("--json <out>", "write the result as JSON ('-' for stdout)")
    .action(async (opts, cmd: Command) => {
      const { logger } = cliContext(cmd);
      const tf = timeframeSchema.safeParse(opts.timeframe);
      if (!tf.success) {
        throw new ValidationError("--timeframe must be one of 1m 5m 15m 1h 4h 1d", [
          { path: "--timeframe", message: "invalid" },
        ]);
      }
      if (opts.method !== "grid" && opts.method !== "random") {
        throw new ValidationError("--method must be grid or random", [
          { path: "--method", message: "invalid" },
        ]);
      }
      if (
        opts.walkForward !== undefined &&
        opts.walkForward !== "rolling" &&
        opts.walkForward !== "anchored"
      ) {
        throw new ValidationError("--walk-forward must be rolling or anchored", [
          { path: "--walk-forward", message: "invalid" },
        ]);
      }
      let rawSpace: unknown;
      try {
        rawSpace = parseYaml(readFileSync(opts.space, "utf8"));
      } catch (e) {
        throw new ValidationError(`cannot read the search space ${opts.space}: ${(e as Error).message}`, [
          { path: "--space", message: "unreadable" },
        ]);
      }
      const space = parseSearchSpace(rawSpace);
      const loaded = await loadCandleFile(opts.data);
      // Created on the first report, when the number of planned evaluations is known.
      let progress: ProgressReporter | null = null;
      let total = 0;
      const result = await runOptimization({
        dataPath: opts.data,
        candles: loaded.candles,
        dataChecksum: loaded.report.sha256,
        sourceIntervalMs: loaded.report.intervalMs ?? 60_000,
        symbol: opts.symbol,
        timeframe: tf.data,
        baseStrategy: parseStrategy(readStrategyFile(opts.strategy)),
        space,
        method: opts.method,
        samples: int("--samples", opts.samples, 1),
        seed: int("--seed", opts.seed, 0),
        objective: opts.objective,
        workers: int("--workers", opts.workers, 1),
        monteCarloRuns: int("--monte-carlo", opts.monteCarlo, 0),
        ...(opts.results === undefined ? {} : { resultsFile: opts.results }),
        ...(opts.walkForward === undefined
          ? {}
          : {
              walkForward: {
                mode: opts.walkForward,
                folds: int("--folds", opts.folds, 1),
                trainFraction: Number(opts.trainFraction),
              },
            }),
        onProgress: (done, planned) => {
          total = planned;
          progress ??= createProgressReporter("evaluations", planned, logger);
          progress.update(done);
        },
      });
      (progress as ProgressReporter | null)?.stop();
      logger.info(
        { evaluated: result.evaluated, reused: result.reused, planned: total },
        "optimisation done",
      );
      if (opts.json === "-") process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        if (opts.json !== undefined) writeFileSync(opts.json, `${JSON.stringify(result, null, 2)}\n`);
        process.stdout.write(formatOptimization(result));
      }
    });
}

const n = (x: number | null) => (x === null ? "—" : x.toFixed(4));

/** The human form: the best candidates, the stability table, the folds, the Monte Carlo spread. */
export function formatOptimization(r: OptimizationResult): string {
  const stabilityWidth =
    Math.max(0, ...r.stability.map((s) => `${s.parameter} = ${String(s.value)}`.length)) + 2;
  const lines = [
    `${r.method} search, ${r.candidates} candidates, objective ${r.objective} (seed ${r.seed}); evaluated ${r.evaluated}, reused ${r.reused}`,
    "",
    r.walkForward === null ? "ranking (whole data):" : "ranking (fold 1 train window):",
    ...r.ranking
      .slice(0, 10)
      .map(
        (e, i) =>
          `  ${String(i + 1).padStart(2)}. ${n(e.objective).padStart(10)}  trades ${String(e.trades).padStart(4)}  P&L ${e.netProfit.padStart(14)}  ${JSON.stringify(e.params)}`,
      ),
    "",
    "parameter stability (objective across candidates holding the value):",
    ...r.stability.map(
      (s) =>
        `  ${`${s.parameter} = ${String(s.value)}`.padEnd(stabilityWidth)} n=${String(s.candidates).padStart(3)}  mean ${n(s.mean)}  min ${n(s.min)}  max ${n(s.max)}`,
    ),
  ];
  if (r.walkForward !== null) {
    lines.push("", "walk-forward (best on train, judged out of sample):");
    for (const f of r.walkForward) {
      lines.push(
        `  fold ${f.fold}: train [${f.train.start}, ${f.train.end}) ${n(f.trainObjective)} → test [${f.test.start}, ${f.test.end}) ${n(f.testObjective)}, ${f.testTrades} trades, P&L ${f.testNetProfit}  ${JSON.stringify(f.best)}`,
      );
    }
  }
  const mc = r.monteCarlo;
  lines.push(
    "",
    `Monte Carlo (${mc.runs} reshuffles of ${mc.trades} trades): max drawdown p5 ${(mc.maxDrawdown.p5 * 100).toFixed(2)} %, p50 ${(mc.maxDrawdown.p50 * 100).toFixed(2)} %, p95 ${(mc.maxDrawdown.p95 * 100).toFixed(2)} %, worst ${(mc.maxDrawdown.worst * 100).toFixed(2)} %; actual ${(mc.actualMaxDrawdown * 100).toFixed(2)} % (${(mc.worseThanActual * 100).toFixed(1)} % of orders worse)`,
    `best ${JSON.stringify(r.best)}`,
    "",
  );
  return lines.join("\n");
}
