import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import { type FillModelName, parseStrategy } from "../../../actors/index.ts";
import { timeframe as timeframeSchema, ValidationError } from "../../../events/index.ts";
import { type BacktestResult, expectedBars, runBacktest } from "../../backtest/run-backtest.ts";
import { openEventLog } from "../../connections/open-event-log.ts";
import { loadCandleFile } from "../../loaders/candle-file-loader.ts";
import { renderHtmlReport } from "../../reports/html-report.ts";
import { buildReportData } from "../../reports/report-data.ts";
import { createProgressReporter } from "../../session/progress-reporter.ts";
import { recordSession } from "../../session/record-session.ts";
import { cliContext } from "../cli-context.ts";
import { readStrategyFile } from "./run-command.ts";

function writeOut(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** `cryptofunk backtest`: a strategy over a candle file in process, metrics in three blocks, optional report and record. */
export function registerBacktestCommand(program: Command): void {
  program
    .command("backtest")
    .description(
      "backtest a strategy over a candle file in process: metrics, trades fingerprint, HTML report",
    )
    .requiredOption("--data <file>", "candle file (CSV or JSON)")
    .option("--symbol <symbol>", "market symbol", "BTC/USDT")
    .option("--timeframe <tf>", "strategy timeframe: 1m 5m 15m 1h 4h 1d", "1h")
    .option("--strategy <file>", "strategy file (YAML or JSON); defaults fill the rest")
    .option("--fill-model <model>", "next-bar-open | ohlc-path | l2-book (overrides the strategy's)")
    .option("--cash <amount>", "starting cash in the quote currency", "10000")
    .option("--risk-free <rate>", "annual risk-free rate for Sharpe and Sortino (0.03 = 3 %)", "0")
    .option("--bars-ahead <n>", "bars after which an agent's call is judged in the report", "5")
    .option("--json <out>", "write the result as JSON to this file ('-' for stdout)")
    .option("--report <out.html>", "write a self-contained HTML report (and its data as .json beside it)")
    .option("--record", "record the session to the event log (JetStream or embedded)")
    .option("--embedded", "with --record: use the embedded log even when NATS is reachable")
    .action(async (opts, cmd: Command) => {
      const { config, logger } = cliContext(cmd);
      const tf = timeframeSchema.safeParse(opts.timeframe);
      if (!tf.success) {
        throw new ValidationError("--timeframe must be one of 1m 5m 15m 1h 4h 1d", [
          { path: "--timeframe", message: "invalid" },
        ]);
      }
      const riskFreeRate = Number(opts.riskFree);
      const barsAhead = Number(opts.barsAhead);
      if (!Number.isFinite(riskFreeRate) || !Number.isInteger(barsAhead) || barsAhead < 1) {
        throw new ValidationError("--risk-free takes a number, --bars-ahead a positive integer", [
          { path: "--risk-free", message: "invalid" },
        ]);
      }
      const strategy = parseStrategy(readStrategyFile(opts.strategy));
      const loaded = await loadCandleFile(opts.data);
      const r = loaded.report;
      logger.info({ file: opts.data, rows: r.rows, gaps: r.gaps.length, sha256: r.sha256 }, "candles loaded");
      const intervalMs = r.intervalMs ?? 60_000;
      const total = expectedBars(loaded.candles.length, intervalMs, tf.data);
      const progress = createProgressReporter("bars", total, logger);
      const started = Date.now();
      const result = runBacktest({
        candles: loaded.candles,
        dataRef: opts.data,
        dataChecksum: r.sha256,
        sourceIntervalMs: intervalMs,
        symbol: opts.symbol,
        timeframe: tf.data,
        strategy,
        root: config.nats.root,
        initialCash: String(opts.cash),
        riskFreeRate,
        onProgress: (n) => progress.update(n),
        ...(opts.fillModel === undefined ? {} : { fillModel: opts.fillModel as FillModelName }),
        ...(opts.record ? { recordedAt: () => new Date().toISOString() } : {}),
      });
      progress.stop();
      const seconds = (Date.now() - started) / 1000;
      const { events, ...out } = result;
      if (opts.report !== undefined) {
        const data = buildReportData(events, {
          title: `Backtest ${result.strategyName} · ${result.symbol} ${result.timeframe}`,
          run: {
            session: result.sessionId,
            data: opts.data,
            "data sha256": r.sha256,
            strategy: result.strategyName,
            "fill model": result.fillModel,
            "trades fingerprint": result.tradesFingerprint,
            "session hash": result.hash,
          },
          summary: result.summary,
          metrics: result.metrics,
          barsAhead,
        });
        writeOut(opts.report, renderHtmlReport(data));
        writeOut(opts.report.replace(/\.html?$/i, "") + ".json", `${JSON.stringify(data, null, 2)}\n`);
        logger.info({ report: opts.report }, "report written");
      }
      if (opts.record) {
        const opened = await openEventLog(config, logger, opts.embedded ? "embedded" : "auto");
        try {
          const n = await recordSession(events, opened.log);
          logger.info({ sessionId: result.sessionId, events: n, log: opened.kind }, "backtest recorded");
        } finally {
          await opened.close();
        }
      }
      if (opts.json === "-") process.stdout.write(`${JSON.stringify(out)}\n`);
      else {
        if (opts.json !== undefined) writeOut(opts.json, `${JSON.stringify(out, null, 2)}\n`);
        process.stdout.write(formatBacktest(out, seconds));
      }
    });
}

/** The human form of a backtest result. */
export function formatBacktest(r: Omit<BacktestResult, "events">, seconds: number): string {
  const c = r.metrics.canonical;
  const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(2)} %`);
  const num = (x: number | null) => (x === null ? "—" : x.toFixed(3));
  return [
    `session        ${r.sessionId} (${r.symbol} ${r.timeframe}, ${r.bars} bars in ${seconds.toFixed(1)} s)`,
    `data           ${r.data.ref} (${r.data.candles} candles, sha256 ${r.data.sha256})`,
    `strategy       ${r.strategyName}, fill model ${r.fillModel}`,
    `trades         ${c.trades} (${c.wins} won, ${c.losses} lost), win rate ${pct(c.winRate)}, open at end ${r.openPositionsAtEnd}`,
    `P&L            ${c.netProfit} (equity ${c.startEquity} → ${c.endEquity}), fees ${c.fees}`,
    `return         ${pct(c.totalReturn)}, CAGR ${pct(c.cagr)}, max drawdown ${pct(c.maxDrawdownMarked)} marked / ${pct(c.maxDrawdownRealised)} realised`,
    `sharpe         ${num(c.sharpe)} (canonical √365), ${num(r.metrics.freqtrade.sharpe)} (freqtrade), ${num(r.metrics.nautilus.sharpe)} (Nautilus √252)`,
    `sortino        ${num(c.sortino)}, profit factor ${num(c.profitFactor)}, expectancy ${num(c.expectancy)}`,
    `fingerprint    ${r.tradesFingerprint}`,
    `hash           ${r.hash}`,
    "",
  ].join("\n");
}
