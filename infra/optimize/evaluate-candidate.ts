import type { Candle, SessionMetrics, StrategyConfig } from "../../actors/index.ts";
import type { Timeframe } from "../../events/index.ts";
import { runBacktest } from "../backtest/run-backtest.ts";
import { applyParameters, contentHash, type ParameterSet } from "./search-space.ts";
import type { CandleWindow } from "./walk-forward.ts";

/** What every evaluation of one optimisation shares. */
export interface EvaluationContext {
  readonly candles: readonly Candle[];
  readonly dataRef: string;
  readonly dataChecksum: string;
  readonly sourceIntervalMs: number;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly baseStrategy: StrategyConfig;
  /** A metric path: `canonical.sharpe`, `freqtrade.profitTotal`, `canonical.netProfit` … (higher is better). */
  readonly objective: string;
}

export interface EvaluationTask {
  readonly params: ParameterSet;
  readonly window: CandleWindow;
  /** Which phase asked: the search itself, or a walk-forward fold's train or test run. */
  readonly role: string;
}

/** One evaluation, as one line of the results file. */
export interface Evaluation extends EvaluationTask {
  readonly key: string;
  /** The objective's value; null when the metric has none (no trades, zero variance …). */
  readonly objective: number | null;
  readonly trades: number;
  readonly netProfit: string;
  readonly maxDrawdown: number;
  readonly sharpe: number | null;
  /** Closed trades' P&L in order (for the Monte Carlo reshuffle). */
  readonly pnls: readonly number[];
}

/** The results-file key of a task: the parameters, the window and the role. */
export function taskKey(task: EvaluationTask): string {
  return contentHash({ params: task.params, window: task.window, role: task.role });
}

export function objectiveOf(metrics: SessionMetrics, path: string): number | null {
  let node: unknown = metrics;
  for (const k of path.split(".")) node = (node as Record<string, unknown> | undefined)?.[k];
  if (typeof node === "string") node = Number(node);
  return typeof node === "number" && Number.isFinite(node) ? node : null;
}

/** Backtests one parameter set over one window of the candles. */
export function evaluateCandidate(ctx: EvaluationContext, task: EvaluationTask): Evaluation {
  const r = runBacktest({
    candles: ctx.candles.slice(task.window.start, task.window.end),
    dataRef: ctx.dataRef,
    dataChecksum: `${ctx.dataChecksum}[${task.window.start},${task.window.end})`,
    sourceIntervalMs: ctx.sourceIntervalMs,
    symbol: ctx.symbol,
    timeframe: ctx.timeframe,
    strategy: applyParameters(ctx.baseStrategy, task.params),
    keepEvents: false,
  });
  return {
    ...task,
    key: taskKey(task),
    objective: objectiveOf(r.metrics, ctx.objective),
    trades: r.metrics.canonical.trades,
    netProfit: r.metrics.canonical.netProfit,
    maxDrawdown: r.metrics.canonical.maxDrawdownMarked,
    sharpe: r.metrics.canonical.sharpe,
    pnls: r.trades.map((t) => Number(t.pnl)),
  };
}
