import {
  type Candle,
  computeMetrics,
  type FillModelName,
  fillModels,
  type MetricTrade,
  marketFeed,
  metricsInputFromEvents,
  parseStrategy,
  runInProcessSession,
  type SessionMetrics,
  type SessionSummary,
  type StrategyConfig,
  tradesFingerprint,
} from "../../actors/index.ts";
import {
  type AnyEvent,
  canonicalJson,
  createEmbeddedEventLog,
  deterministicId,
  type Timeframe,
  timeframeMs,
  ValidationError,
} from "../../events/index.ts";

export interface BacktestSpec {
  readonly candles: readonly Candle[];
  /** Where the candles came from and their sha256 (the loader's checksum). */
  readonly dataRef: string;
  readonly dataChecksum: string;
  /** Source bar length in ms (1m data: 60000). */
  readonly sourceIntervalMs: number;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly strategy: StrategyConfig;
  readonly fillModel?: FillModelName;
  readonly initialCash?: string;
  /** Subject root of the in-process log (the durable log's, when the run is to be recorded). */
  readonly root?: string;
  readonly riskFreeRate?: number;
  readonly onProgress?: (bars: number) => void;
  readonly recordedAt?: () => string;
  /** Keep every event (reports, --record); default true. */
  readonly keepEvents?: boolean;
}

export interface BacktestResult {
  readonly sessionId: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly data: { readonly ref: string; readonly sha256: string; readonly candles: number };
  readonly strategyName: string;
  readonly fillModel: FillModelName;
  readonly bars: number;
  readonly summary: SessionSummary;
  readonly metrics: SessionMetrics;
  /** sha256 over the closed trades' canonical JSON. */
  readonly tradesFingerprint: string;
  readonly trades: readonly MetricTrade[];
  /** The session hash (every event, normalised). */
  readonly hash: string;
  readonly openPositionsAtEnd: number;
}

/** Strategy bars the candles make at a timeframe (what a progress bar counts to). */
export function expectedBars(candles: number, sourceIntervalMs: number, timeframe: Timeframe): number {
  return Math.floor((candles * sourceIntervalMs) / timeframeMs[timeframe]);
}

/** The backtest's session id: a function of the data, the market and the strategy, so a rerun is the same session. */
export function backtestSessionId(spec: BacktestSpec, strategy: StrategyConfig): string {
  return `bt-${deterministicId("backtest", spec.dataChecksum, spec.symbol, spec.timeframe, spec.initialCash ?? "10000", canonicalJson(strategy)).slice(0, 8)}`;
}

/**
 * A backtest in process: the candles resampled to the strategy timeframe, every actor through the in-process
 * scheduler, MarketDataEnded at the end (execution closes what is still open there), then the three metric blocks
 * and the trades fingerprint.
 */
export function runBacktest(spec: BacktestSpec): BacktestResult & { readonly events: readonly AnyEvent[] } {
  if (spec.fillModel !== undefined && !fillModels.includes(spec.fillModel)) {
    throw new ValidationError(`--fill-model must be one of ${fillModels.join(", ")}`, [
      { path: "--fill-model", message: "unknown" },
    ]);
  }
  const strategy =
    spec.fillModel === undefined
      ? spec.strategy
      : parseStrategy({
          ...spec.strategy,
          execution: { ...spec.strategy.execution, fillModel: spec.fillModel },
        });
  const bars = expectedBars(spec.candles.length, spec.sourceIntervalMs, spec.timeframe);
  if (bars < 2) {
    throw new ValidationError(
      `the data holds ${spec.candles.length} candles: fewer than two ${spec.timeframe} bars to backtest on`,
      [{ path: "--data", message: "too short" }],
    );
  }
  const sessionId = backtestSessionId(spec, strategy);
  const run = runInProcessSession(
    {
      sessionId,
      mode: "backtest",
      symbol: spec.symbol,
      timeframe: spec.timeframe,
      strategy,
      initialCash: spec.initialCash ?? "10000",
      quoteCurrency: spec.symbol.split("/")[1] ?? "USDT",
    },
    marketFeed({ symbol: spec.symbol, timeframe: spec.timeframe, candles: spec.candles }),
    {
      log: createEmbeddedEventLog({ root: spec.root ?? "cf" }),
      source: { kind: "file", ref: spec.dataRef, checksum: spec.dataChecksum },
      label: `backtest ${strategy.name} ${spec.symbol} ${spec.timeframe}`,
      progressEvery: Math.max(1, Math.floor(bars / 100)),
      ...(spec.recordedAt === undefined ? {} : { recordedAt: spec.recordedAt }),
      ...(spec.onProgress === undefined ? {} : { onProgress: (p) => spec.onProgress?.(p.bars) }),
    },
  );
  const input = metricsInputFromEvents(run.events);
  const last = run.events.findLast((e) => e.type === "PortfolioValued");
  return {
    sessionId,
    symbol: spec.symbol,
    timeframe: spec.timeframe,
    data: { ref: spec.dataRef, sha256: spec.dataChecksum, candles: spec.candles.length },
    strategyName: strategy.name,
    fillModel: strategy.execution.fillModel,
    bars: run.summary.bars,
    summary: run.summary,
    metrics: computeMetrics(
      input,
      spec.riskFreeRate === undefined ? {} : { riskFreeRate: spec.riskFreeRate },
    ),
    tradesFingerprint: tradesFingerprint(input.trades),
    trades: input.trades,
    hash: run.hash,
    openPositionsAtEnd: last?.type === "PortfolioValued" ? last.data.positions.length : 0,
    events: spec.keepEvents === false ? [] : run.events,
  };
}
