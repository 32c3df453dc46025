import type { Command } from "commander";
import {
  agentSpecFactories,
  checkBias,
  defaultStrategy,
  marketFeed,
  type SessionSetup,
  storedFeed,
} from "../../../actors/index.ts";
import {
  type AgentName,
  agentNames,
  type Timeframe,
  timeframes,
  ValidationError,
} from "../../../events/index.ts";
import { loadCandleFile } from "../../loaders/candle-file-loader.ts";
import { cliContext } from "../cli-context.ts";

interface CheckBiasOptions {
  readonly agent: string;
  readonly data: string;
  readonly timeframe: string;
  readonly symbol: string;
  readonly cuts: string;
  readonly seed: string;
  readonly json?: boolean;
}

/**
 * `cryptofunk check-bias --agent <name> --data <file> [--timeframe 1m]`: runs the look-ahead and warm-up checks of
 * DESIGN §12 for one agent over a candle file; exit code 1 when anything is found.
 */
export function registerCheckBiasCommand(program: Command): void {
  program
    .command("check-bias")
    .description(
      "check one agent for look-ahead and warm-up dependence over a candle file (exit 1 on a finding)",
    )
    .requiredOption("--agent <name>", `agent: ${agentNames.join(", ")}`)
    .requiredOption("--data <file>", "candle file (CSV or JSON; see the candle loader)")
    .option(
      "--timeframe <tf>",
      `strategy timeframe the candles are resampled to (${timeframes.join(", ")})`,
      "1m",
    )
    .option("--symbol <symbol>", "symbol the candles are of", "BTC/USDT")
    .option("--cuts <n>", "random cut points for the look-ahead check", "50")
    .option("--seed <n>", "seed of the cut points", "1")
    .option("--json", "print the report as JSON")
    .action(async (opts: CheckBiasOptions, cmd: Command) => {
      cliContext(cmd); // an entry point like any other: a bad configuration stops it, named
      if (!(agentNames as readonly string[]).includes(opts.agent)) {
        throw new ValidationError(`unknown agent "${opts.agent}" (one of ${agentNames.join(", ")})`);
      }
      if (!(timeframes as readonly string[]).includes(opts.timeframe)) {
        throw new ValidationError(`unknown timeframe "${opts.timeframe}" (one of ${timeframes.join(", ")})`);
      }
      const timeframe = opts.timeframe as Timeframe;
      const { candles, report: loaded } = await loadCandleFile(opts.data);
      const setup: SessionSetup = {
        sessionId: "check-bias",
        mode: "backtest",
        symbol: opts.symbol,
        timeframe,
        strategy: defaultStrategy,
        initialCash: "10000",
        quoteCurrency: opts.symbol.split("/")[1] ?? "USDT",
      };
      const events = storedFeed(marketFeed({ symbol: opts.symbol, timeframe, candles }));
      const spec = agentSpecFactories[opts.agent as AgentName](setup);
      const report = checkBias(spec, events, { cuts: Number(opts.cuts), seed: Number(opts.seed) });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ ...report, data: { file: opts.data, ...loaded } })}\n`);
      } else {
        const w = report.warmUp;
        const lines = [
          `check-bias ${report.agent} over ${opts.data}: ${loaded.candles} candles → ${report.bars} ${timeframe} bars` +
            (loaded.gaps.length > 0
              ? ` (${loaded.missingBars} missing 1m bars in ${loaded.gaps.length} gaps)`
              : ""),
          `signals: BUY ${report.signals.BUY}, SELL ${report.signals.SELL}, HOLD ${report.signals.HOLD}`,
          `look-ahead: ${report.cuts.length} cuts (seed ${opts.seed})`,
          `warm-up: offsets ${w.offsets.join(", ") || "none"}; ${w.compared.length} values compared at the last bar, max relative difference ${w.maxRelativeDiff.toExponential(2)}; ${w.barsAfterLargestOffset} bars after the largest offset` +
            (w.barsAfterLargestOffset < 3000
              ? " (fewer than 3,000: EMA 200 may not have forgotten its start)"
              : ""),
          ...report.findings.map((f) => `FINDING ${f.check}: ${f.detail}`),
          report.findings.length === 0 ? "no finding" : `${report.findings.length} finding(s)`,
        ];
        process.stdout.write(`${lines.join("\n")}\n`);
      }
      if (report.findings.length > 0) process.exitCode = 1;
    });
}
