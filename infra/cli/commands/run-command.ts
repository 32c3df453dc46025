import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import {
  createMemorySnapshotStore,
  createSessionActors,
  openSessionOnLog,
  parseStrategy,
  runSessionOnLog,
  summariseSession,
} from "../../../actors/index.ts";
import {
  type AnyEventDraft,
  deterministicId,
  type EventEnvelope,
  sessionHash,
  timeframeMs,
  timeframe as timeframeSchema,
  ValidationError,
} from "../../../events/index.ts";
import { openEventLog } from "../../connections/open-event-log.ts";
import { createExchange } from "../../execution/create-exchange.ts";
import { ccxtMarketFeed } from "../../feeds/ccxt-market-source.ts";
import { loadCandleFile } from "../../loaders/candle-file-loader.ts";
import type { Logger } from "../../logging/create-logger.ts";
import { createProgressReporter } from "../../session/progress-reporter.ts";
import { planSession, setupFromCreated } from "../../session/session-planner.ts";
import { cliContext } from "../cli-context.ts";
import { formatSummary } from "./demo-command.ts";
import { runLive } from "./live-run.ts";

/** Reads a strategy file (YAML or JSON); a bad one stops with the field named. */
export function readStrategyFile(path: string | undefined): Record<string, unknown> {
  if (path === undefined) return parseStrategy({}) as unknown as Record<string, unknown>;
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, "utf8"));
  } catch (e) {
    throw new ValidationError(`cannot read the strategy file ${path}: ${(e as Error).message}`, [
      { path: "--strategy", message: "unreadable" },
    ]);
  }
  return parseStrategy(raw) as unknown as Record<string, unknown>;
}

/**
 * `cryptofunk run`: a user's paper session over the event log — every actor in its own host, the feed paced — from a
 * candle file or the synthetic market. `--detach` only opens the session, for workers to run.
 */
export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description("run a paper (or live) session over the event log with every actor in a host")
    .option("--mode <mode>", "paper | live", "paper")
    .option("--data <file>", "candle file (CSV or JSON) to replay as the market")
    .option("--synthetic <bars>", "use the seeded synthetic market with this many bars")
    .option("--seed <s>", "seed of the synthetic market", "42")
    .option("--exchange <id>", "live market data from an exchange (ccxt id)")
    .option(
      "--exchange-url <url>",
      "--exchange: point the exchange's REST URLs here (a proxy or a local exchange)",
    )
    .option("--polls <n>", "--exchange: stop after this many market polls (default: until interrupted)")
    .option("--poll-interval <ms>", "--exchange: between market polls (default 5000)")
    .option("--symbol <symbol>", "market symbol", "BTC/USDT")
    .option("--timeframe <tf>", "strategy timeframe: 1m 5m 15m 1h 4h 1d", "1m")
    .option("--strategy <file>", "strategy file (YAML or JSON); defaults fill the rest")
    .option("--cash <amount>", "starting cash in the quote currency", "10000")
    .option("--detach", "only open the session: workers run it")
    .option("--embedded", "use the embedded log even when NATS is reachable")
    .option("--json", "print the summary as one JSON object")
    .action(async (opts, cmd: Command) => {
      const { config, logger } = cliContext(cmd);
      if (opts.mode !== "paper" && opts.mode !== "live") {
        throw new ValidationError(`--mode must be paper or live, got ${opts.mode}`, [
          { path: "--mode", message: "invalid" },
        ]);
      }
      const tf = timeframeSchema.safeParse(opts.timeframe);
      if (!tf.success) {
        throw new ValidationError(`--timeframe must be one of 1m 5m 15m 1h 4h 1d`, [
          { path: "--timeframe", message: "invalid" },
        ]);
      }
      if (opts.mode === "live") {
        if (opts.data !== undefined || opts.synthetic !== undefined) {
          throw new ValidationError(
            "a live session trades on the exchange's own market: use --exchange <id>",
            [{ path: "--exchange", message: "live takes no --data or --synthetic" }],
          );
        }
        await runLive(
          {
            ...(opts.exchange === undefined ? {} : { exchange: opts.exchange }),
            ...(opts.exchangeUrl === undefined ? {} : { exchangeUrl: opts.exchangeUrl }),
            symbol: opts.symbol,
            timeframe: tf.data,
            cash: String(opts.cash),
            strategy: readStrategyFile(opts.strategy),
            strategyVersion: opts.strategy ?? "default",
            ...(opts.polls === undefined ? {} : { polls: Number(opts.polls) }),
            ...(opts.pollInterval === undefined ? {} : { pollIntervalMs: Number(opts.pollInterval) }),
            embedded: opts.embedded === true,
            detach: opts.detach === true,
            json: opts.json === true,
          },
          config,
          logger,
        );
        return;
      }
      const sources = [opts.data, opts.synthetic, opts.exchange].filter((x) => x !== undefined);
      if (sources.length !== 1) {
        throw new ValidationError("give exactly one of --data <file>, --synthetic <bars>, --exchange <id>", [
          { path: "--data", message: "one market source" },
        ]);
      }
      let source: { kind: "file" | "synthetic" | "exchange"; ref: string; checksum?: string };
      let firstAt = "1970-01-01T00:00:00.000Z";
      let totalBars = 0;
      if (opts.data !== undefined) {
        const loaded = await loadCandleFile(opts.data);
        const r = loaded.report;
        logger.info(
          { file: opts.data, rows: r.rows, gaps: r.gaps.length, duplicates: r.duplicates.length },
          "candles loaded",
        );
        source = { kind: "file", ref: opts.data, checksum: r.sha256 };
        const first = loaded.candles[0]?.openTime;
        if (first !== undefined) firstAt = new Date(first).toISOString();
        totalBars = Math.floor(((r.intervalMs ?? 60_000) * loaded.candles.length) / timeframeMs[tf.data]);
      } else if (opts.exchange !== undefined) {
        // Paper trading on the exchange's live market: data from ccxt, fills by the paper venue.
        source = { kind: "exchange", ref: opts.exchange };
        firstAt = new Date().toISOString();
        totalBars = opts.polls === undefined ? 0 : Number(opts.polls);
      } else {
        const bars = Number(opts.synthetic);
        if (!Number.isInteger(bars) || bars < 1) {
          throw new ValidationError("--synthetic takes a positive number of bars", [
            { path: "--synthetic", message: "invalid" },
          ]);
        }
        source = { kind: "synthetic", ref: `seed:${Number(opts.seed)};bars:${bars}` };
        totalBars = bars;
        firstAt = "2024-01-01T00:00:00.000Z";
      }
      const sessionId = `run-${deterministicId("run", source.ref, new Date().toISOString()).slice(0, 8)}`;
      const created: AnyEventDraft & { type: "SessionCreated" } = {
        type: "SessionCreated",
        at: firstAt,
        data: {
          mode: "paper",
          symbols: [opts.symbol],
          timeframe: tf.data,
          initialCash: String(opts.cash),
          quoteCurrency: opts.symbol.split("/")[1] ?? "USDT",
          strategy: readStrategyFile(opts.strategy),
          strategyVersion: opts.strategy ?? "default",
          source,
        },
      };
      const opened = await openEventLog(config, logger, opts.embedded ? "embedded" : "auto");
      try {
        await openSessionOnLog(opened.log, sessionId, created, new Date().toISOString());
        logger.info({ sessionId, log: opened.kind, where: opened.where }, "session opened");
        if (opts.detach) {
          process.stdout.write(`${sessionId}\n`);
          return;
        }
        const recorded = await readCreated(opened.log, config.nats.root, sessionId);
        const plan =
          source.kind === "exchange"
            ? paperOnExchange(recorded, source.ref, opts, logger)
            : await planSession(recorded);
        const started = Date.now();
        const progress = createProgressReporter("bars", totalBars, logger);
        const result = await runSessionOnLog({
          log: opened.log,
          sessionId,
          specs: plan.specs,
          feed: plan.feed,
          snapshots: createMemorySnapshotStore(),
          recordedAt: () => new Date().toISOString(),
          onProgress: (p) => progress.update(p.bars),
        });
        progress.stop();
        const summary = summariseSession(result.events);
        const out = {
          ...summary,
          sessionId,
          hash: sessionHash(result.events),
          log: opened.kind,
          seed: Number(opts.seed),
        };
        process.stdout.write(
          opts.json ? `${JSON.stringify(out)}\n` : formatSummary(out, (Date.now() - started) / 1000),
        );
      } finally {
        await opened.close();
      }
    });
}

/** A paper session whose market is an exchange's, polled through ccxt (no credentials: public endpoints only). */
function paperOnExchange(
  created: EventEnvelope<"SessionCreated">,
  exchangeId: string,
  opts: { exchangeUrl?: string; polls?: string; pollInterval?: string },
  logger: Logger,
): { specs: ReturnType<typeof createSessionActors>; feed: AsyncIterable<AnyEventDraft> } {
  const setup = setupFromCreated(created);
  const exchange = createExchange({
    id: exchangeId,
    ...(opts.exchangeUrl === undefined ? {} : { baseUrl: opts.exchangeUrl }),
  });
  const feed = ccxtMarketFeed({
    symbol: setup.symbol,
    timeframe: setup.timeframe,
    venues: [{ venue: exchangeId, exchange }],
    ...(opts.polls === undefined ? {} : { maxPolls: Number(opts.polls) }),
    ...(opts.pollInterval === undefined ? {} : { intervalMs: Number(opts.pollInterval) }),
    onError: (venue, error) => logger.warn({ venue, err: error }, "market data poll failed"),
  });
  return { specs: createSessionActors(setup), feed };
}

async function readCreated(
  log: import("../../../events/index.ts").EventLog,
  root: string,
  sessionId: string,
): Promise<EventEnvelope<"SessionCreated">> {
  for await (const e of log.read(`${root}.${sessionId}.control`)) {
    if (e.type === "SessionCreated") return e as EventEnvelope<"SessionCreated">;
  }
  throw new ValidationError(`session ${sessionId} has no SessionCreated`, []);
}
