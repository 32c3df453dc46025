import { type Candle, parseStrategy, syntheticCandles } from "../../actors/index.ts";
import type { BacktestSpec } from "./run-backtest.ts";

/** A strategy that trades on candles alone (the book, news and venue agents off), for tests and examples. */
export const candlesOnlyStrategy = parseStrategy({
  name: "candles-only",
  enabledAgents: ["technical", "trend", "reversion", "risk"],
  orchestrator: { minConsensus: 0.5, minConfidence: 0.2, minAgreeing: 1 },
});

/** A backtest over `bars` seeded synthetic 1-minute candles at 15-minute bars. */
export function syntheticBacktestSpec(bars = 6000, seed = 4): BacktestSpec {
  const candles: Candle[] = [...syntheticCandles({ seed, bars })];
  return {
    candles,
    dataRef: `synthetic seed ${seed}`,
    dataChecksum: "sha256-of-the-file",
    sourceIntervalMs: 60_000,
    symbol: "BTC/USDT",
    timeframe: "15m",
    strategy: candlesOnlyStrategy,
  };
}
