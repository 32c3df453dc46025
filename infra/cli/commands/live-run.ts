import {
  createMemorySnapshotStore,
  openSessionOnLog,
  parseStrategy,
  type SessionSetup,
  summariseSession,
} from "../../../actors/index.ts";
import {
  type AnyEventDraft,
  ConfigError,
  deterministicId,
  sessionHash,
  type Timeframe,
  timeframeMs,
  UnsupportedError,
  ValidationError,
  type ValidationIssue,
} from "../../../events/index.ts";
import type { AppConfig } from "../../config/app-config.ts";
import { openEventLog } from "../../connections/open-event-log.ts";
import { createExchange } from "../../execution/create-exchange.ts";
import { runLiveSession } from "../../execution/live-session.ts";
import { ccxtMarketFeed } from "../../feeds/ccxt-market-source.ts";
import type { Logger } from "../../logging/create-logger.ts";
import { createProgressReporter } from "../../session/progress-reporter.ts";
import { formatSummary } from "./demo-command.ts";

/** What live trading needs, checked before anything is opened. */
export interface LiveTradingAccess {
  readonly exchangeId: string;
  readonly apiKey: string;
  readonly secret: string;
  readonly password?: string;
  readonly sandbox: boolean;
}

/**
 * Live trading only with the explicit switch and credentials: LIVE_TRADING=true, an exchange id, and the API key and
 * secret (from files: EXCHANGE_API_KEY_FILE, EXCHANGE_SECRET_FILE, or the plain variables). Otherwise one ConfigError
 * naming every missing field.
 */
export function liveTradingAccess(config: AppConfig, exchangeFlag: string | undefined): LiveTradingAccess {
  const issues: ValidationIssue[] = [];
  if (!config.gateway.liveTrading) {
    issues.push({ path: "gateway.liveTrading", message: "live trading is off: set LIVE_TRADING=true" });
  }
  const exchangeId = exchangeFlag ?? config.exchange.id;
  if (exchangeId === undefined || exchangeId === "") {
    issues.push({ path: "exchange.id", message: "name the exchange: --exchange <id> or EXCHANGE_ID" });
  }
  const { apiKey, secret, password } = config.exchange;
  if (apiKey === undefined || apiKey === "") {
    issues.push({ path: "exchange.apiKey", message: "missing: EXCHANGE_API_KEY_FILE (or EXCHANGE_API_KEY)" });
  }
  if (secret === undefined || secret === "") {
    issues.push({ path: "exchange.secret", message: "missing: EXCHANGE_SECRET_FILE (or EXCHANGE_SECRET)" });
  }
  if (issues.length > 0 || exchangeId === undefined || apiKey === undefined || secret === undefined) {
    throw new ConfigError(
      `live trading refused: ${issues.map((i) => `${i.path} (${i.message})`).join("; ")}`,
      issues,
    );
  }
  return {
    exchangeId,
    apiKey,
    secret,
    ...(password === undefined ? {} : { password }),
    sandbox: config.exchange.sandbox,
  };
}

export interface LiveRunOptions {
  readonly exchange?: string;
  /** Point the exchange's REST URLs here (a proxy, or a local exchange in tests). */
  readonly exchangeUrl?: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly cash: string;
  readonly strategy: Record<string, unknown>;
  readonly strategyVersion: string;
  /** Stop after this many feed polls (default: until interrupted). */
  readonly polls?: number;
  readonly pollIntervalMs?: number;
  readonly embedded?: boolean;
  readonly detach?: boolean;
  readonly json?: boolean;
}

/**
 * `cryptofunk run --mode live`: a session whose orders go to the exchange. Market data from the exchange through
 * ccxt, the actors in hosts with live execution, the venue gateway sending orders and recording answers. Ctrl-C
 * ends the feed: the session values its portfolio a last time and stops (positions stay open at the exchange).
 */
export async function runLive(options: LiveRunOptions, config: AppConfig, logger: Logger): Promise<void> {
  const access = liveTradingAccess(config, options.exchange);
  if (options.detach === true) {
    throw new UnsupportedError(
      "a live session runs in this process: --detach is for paper sessions (workers)",
    );
  }
  const polls = options.polls;
  if (polls !== undefined && (!Number.isInteger(polls) || polls < 1)) {
    throw new ValidationError("--polls takes a positive number", [{ path: "--polls", message: "invalid" }]);
  }
  const exchange = createExchange({
    id: access.exchangeId,
    apiKey: access.apiKey,
    secret: access.secret,
    ...(access.password === undefined ? {} : { password: access.password }),
    sandbox: access.sandbox,
    ...(options.exchangeUrl === undefined ? {} : { baseUrl: options.exchangeUrl }),
  });
  const startedAt = new Date().toISOString();
  const sessionId = `live-${deterministicId("live", access.exchangeId, options.symbol, startedAt).slice(0, 8)}`;
  const setup: SessionSetup = {
    sessionId,
    mode: "live",
    symbol: options.symbol,
    timeframe: options.timeframe,
    strategy: parseStrategy(options.strategy),
    initialCash: options.cash,
    quoteCurrency: options.symbol.split("/")[1] ?? "USDT",
  };
  const created: AnyEventDraft & { type: "SessionCreated" } = {
    type: "SessionCreated",
    at: startedAt,
    data: {
      mode: "live",
      symbols: [setup.symbol],
      timeframe: setup.timeframe,
      initialCash: setup.initialCash,
      quoteCurrency: setup.quoteCurrency,
      strategy: options.strategy,
      strategyVersion: options.strategyVersion,
      source: { kind: "exchange", ref: access.exchangeId },
    },
  };
  const opened = await openEventLog(config, logger, options.embedded === true ? "embedded" : "auto");
  const abort = new AbortController();
  const interrupt = () => abort.abort();
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);
  try {
    await openSessionOnLog(opened.log, sessionId, created, startedAt);
    logger.info(
      { sessionId, exchange: access.exchangeId, sandbox: access.sandbox, log: opened.kind },
      "live session opened",
    );
    const started = Date.now();
    const progress = createProgressReporter("bars", 0, logger);
    const result = await runLiveSession({
      log: opened.log,
      setup,
      exchange,
      feed: ccxtMarketFeed({
        symbol: setup.symbol,
        timeframe: setup.timeframe,
        venues: [{ venue: access.exchangeId, exchange }],
        signal: abort.signal,
        ...(polls === undefined ? {} : { maxPolls: polls }),
        ...(options.pollIntervalMs === undefined ? {} : { intervalMs: options.pollIntervalMs }),
        onError: (venue, error) => logger.warn({ venue, err: error }, "market data poll failed"),
      }),
      snapshots: createMemorySnapshotStore(),
      recordedAt: () => new Date().toISOString(),
      onProgress: (p) => progress.update(p.bars),
      // An intent not sent within a bar (an outage, a restart) is stale: its decision judged another market.
      gateway: { maxOrderAgeMs: timeframeMs[setup.timeframe] },
      onGatewayError: (error, orderId) => logger.warn({ orderId, err: error }, "exchange call failed"),
      // Live bars are a timeframe apart: the pipeline may be quiet that long between them.
      stallTimeoutMs: 24 * 60 * 60 * 1000,
    });
    progress.stop();
    const out = {
      ...summariseSession(result.events),
      sessionId,
      hash: sessionHash(result.events),
      log: opened.kind,
      seed: 0,
      exchange: access.exchangeId,
      gateway: result.gateway.reason,
    };
    process.stdout.write(
      options.json === true ? `${JSON.stringify(out)}\n` : formatSummary(out, (Date.now() - started) / 1000),
    );
  } finally {
    process.off("SIGINT", interrupt);
    process.off("SIGTERM", interrupt);
    await opened.close();
  }
}
