import type { Command } from "commander";
import {
  defaultStrategy,
  runInProcessSession,
  type SessionSetup,
  type SessionSummary,
  syntheticMarket,
} from "../../../actors/index.ts";
import {
  createEmbeddedEventLog,
  deterministicId,
  sessionFilter,
  sessionHash,
} from "../../../events/index.ts";
import { defaultNamespace } from "../../../projections/index.ts";
import type { AppConfig } from "../../config/app-config.ts";
import { type OpenedEventLog, openEventLog } from "../../connections/open-event-log.ts";
import type { Logger } from "../../logging/create-logger.ts";
import { startGatewayService } from "../../session/gateway-service.ts";
import { createProgressReporter } from "../../session/progress-reporter.ts";
import { recordSession } from "../../session/record-session.ts";
import { cliContext } from "../cli-context.ts";

export interface DemoResult extends SessionSummary {
  readonly sessionId: string;
  readonly hash: string;
  readonly log: "jetstream" | "embedded";
  readonly seed: number;
}

/** `cryptofunk demo`: the main job — a full paper session of all seven agents on the seeded synthetic market. */
export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description("run a full paper trading session of all seven agents on a synthetic market (the main job)")
    .option("--bars <n>", "number of 1-minute bars", "3000")
    .option("--seed <s>", "seed of the synthetic market", "42")
    .option("--cash <amount>", "starting cash in USDT", "10000")
    .option("--no-serve", "exit after the session instead of serving the gateway")
    .option("--json", "print the summary as one JSON object on stdout")
    .option("--embedded", "record to the embedded log even when NATS is reachable")
    .action(async (opts, cmd: Command) => {
      const { config, logger } = cliContext(cmd);
      const bars = positiveInt("--bars", opts.bars);
      const seed = positiveInt("--seed", opts.seed, true);
      // The session id is the only thing taken from the wall clock: two demos never collide in one log, and the
      // session hash ignores it, so the same seed still gives the same hash.
      const sessionId = `demo-${deterministicId("demo", seed, bars, new Date().toISOString()).slice(0, 8)}`;
      const setup: SessionSetup = {
        sessionId,
        mode: "paper",
        symbol: "BTC/USDT",
        timeframe: "1m",
        strategy: defaultStrategy,
        initialCash: String(opts.cash),
        quoteCurrency: "USDT",
      };
      logger.info(
        { sessionId, bars, seed },
        "demo session: running all seven agents on the synthetic market",
      );
      const progress = createProgressReporter("bars", bars, logger);
      const started = Date.now();
      const run = runInProcessSession(setup, syntheticMarket({ seed, bars }), {
        // Recorded as they are afterwards: the subjects must be under the configured root (CRYPTOFUNK_ROOT), not cf.
        log: createEmbeddedEventLog({ root: config.nats.root }),
        recordedAt: () => new Date().toISOString(),
        source: { kind: "synthetic", ref: `seed:${seed};bars:${bars}` },
        label: `demo seed ${seed}`,
        progressEvery: Math.max(1, Math.floor(bars / 50)),
        onProgress: (p) => progress.update(p.bars),
      });
      progress.stop();
      const secs = (Date.now() - started) / 1000;
      logger.info({ sessionId, events: run.events.length, seconds: secs }, "session done in process");

      const opened = await openEventLog(config, logger, opts.embedded ? "embedded" : "auto");
      let serving = false;
      try {
        const recording = createProgressReporter("recording events", run.events.length, logger);
        await recordSession(run.events, opened.log, (n) => recording.update(n));
        recording.stop();
        // Read back from the durable log: the hash printed is the hash of what was recorded.
        const recorded = [];
        for await (const e of opened.log.read(sessionFilter(config.nats.root, sessionId))) recorded.push(e);
        const hash = sessionHash(recorded);
        if (hash !== run.hash) {
          throw new Error(`recorded session hash ${hash} differs from the in-process hash ${run.hash}`);
        }
        logger.info(
          { sessionId, log: opened.kind, where: opened.where, events: recorded.length },
          "session recorded",
        );
        const result: DemoResult = { ...run.summary, sessionId, hash, log: opened.kind, seed };
        process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : formatSummary(result, secs));
        if (opts.serve) {
          serving = true;
          await serve(config, logger, opened, sessionId);
        }
      } finally {
        if (!serving) await opened.close();
      }
    });
}

/**
 * Keeps serving after the session: read models projected (PGlite under CRYPTOFUNK_HOME unless DATABASE_URL), the
 * gateway on PORT with an admin key issued for this run, until SIGINT/SIGTERM.
 */
async function serve(
  config: AppConfig,
  logger: Logger,
  opened: OpenedEventLog,
  sessionId: string,
): Promise<void> {
  const service = await startGatewayService({
    config,
    logger,
    opened,
    namespace: defaultNamespace,
    project: true,
    runPaperSessions: true,
  });
  const key = await service.gateway.apiKeys.issue({
    name: `demo ${sessionId}`,
    role: "admin",
    issuedBy: "demo",
  });
  process.stdout.write(
    [
      "",
      `serving   ${service.address} (Ctrl-C to stop)`,
      `api key   ${key.key}   (admin, issued for this demo; shown once)`,
      `try       curl -H 'X-API-Key: ${key.key}' ${service.address}/api/v1/sessions/${sessionId}/metrics`,
      "",
    ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await service.close();
  await opened.close();
}

function positiveInt(flag: string, value: string, allowZero = false): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    throw Object.assign(
      new Error(`${flag} must be a ${allowZero ? "non-negative" : "positive"} integer, got "${value}"`),
      {
        code: "VALIDATION",
      },
    );
  }
  return n;
}

/** The human form of a session's summary. */
export function formatSummary(r: DemoResult, seconds: number): string {
  const d = r.decisions;
  return [
    `session     ${r.sessionId} (${r.log} log)`,
    `hash        ${r.hash}`,
    `bars        ${r.bars} in ${seconds.toFixed(1)} s (${Math.round(r.bars / Math.max(seconds, 0.001))} bars/s)`,
    `signals     ${r.signals}`,
    `decisions   ${d.total} (BUY ${d.BUY}, SELL ${d.SELL}, HOLD ${d.HOLD})`,
    `risk        ${r.riskApproved} approved, ${r.riskRejected} rejected`,
    `orders      ${r.orders}, fills ${r.fills}, trades ${r.trades} (${r.wins} won, ${r.losses} lost)`,
    `P&L         ${r.pnl} USDT (equity ${r.initialCash} → ${r.finalEquity}), fees ${r.fees}`,
    `max drawdown ${(r.maxDrawdown * 100).toFixed(2)} %`,
    "",
  ].join("\n");
}
