import { EMA } from "trading-signals";
import type { SessionSetup } from "../session/session-setup.ts";
import type { TrendParams } from "../strategy/strategy-config.ts";
import { type AgentLogic, createAgentMachine, createAgentSpec, type Features } from "./agent-machine.ts";
import { cannotJudge, compare, fmt } from "./signal-score.ts";
import { WilderAdx } from "./wilder-adx.ts";

interface TrendState {
  readonly fast: EMA;
  readonly slow: EMA;
  readonly adx: WilderAdx;
  /** Sign of fast − slow on the previous bar (0 before the EMAs are ready). */
  previousSide: number;
}

export const trendLogic: AgentLogic<TrendParams, TrendState> = {
  name: "trend",
  version: "trend-v1",
  inputs: [],
  init: (p) => ({
    fast: new EMA(p.emaFast),
    slow: new EMA(p.emaSlow),
    adx: new WilderAdx(p.adxPeriod),
    previousSide: 0,
  }),
  judge(s, bar, { params: p }) {
    s.fast.add(bar.close);
    s.slow.add(bar.close);
    // ADX from the bar's real high, low and close (the original's ADX was always 0).
    const reading = s.adx.add(bar);
    const adx = reading?.adx ?? null;
    const pdi = reading?.pdi ?? null;
    const mdi = reading?.mdi ?? null;
    const fast = s.fast.isStable ? s.fast.getResultOrThrow() : null;
    const slow = s.slow.isStable ? s.slow.getResultOrThrow() : null;
    const base: Features = { close: bar.close, emaFast: fast, emaSlow: slow, adx, pdi, mdi };
    if (fast === null || slow === null || adx === null || pdi === null || mdi === null) {
      return cannotJudge(`warming up (needs ${Math.max(p.emaSlow, 2 * p.adxPeriod)} bars)`, base);
    }
    const side = compare(fast, slow);
    const crossed = side !== 0 && s.previousSide !== 0 && side !== s.previousSide;
    s.previousSide = side;
    const emaText = `EMA${p.emaFast} ${fmt(fast)} ${side > 0 ? ">" : side < 0 ? "<" : "="} EMA${p.emaSlow} ${fmt(slow)}${crossed ? " (crossed this bar)" : ""}`;
    const adxText = `ADX ${fmt(adx, 1)}, +DI ${fmt(pdi, 1)}, −DI ${fmt(mdi, 1)}`;
    const features: Features = {
      ready: true,
      ...base,
      side,
      crossed,
      stopLoss: null,
      takeProfit: null,
      trailingStopPct: null,
    };
    if (adx < p.adxThreshold) {
      return {
        action: "HOLD",
        confidence: 0,
        reasoning: `HOLD: no trend, ADX ${fmt(adx, 1)} < ${p.adxThreshold} (${emaText})`,
        features,
      };
    }
    const diAgrees = side > 0 ? pdi > mdi : side < 0 ? mdi > pdi : false;
    if (side === 0 || !diAgrees) {
      return {
        action: "HOLD",
        confidence: 0,
        reasoning: `HOLD: trending but the EMAs and the directional indicators disagree (${emaText}; ${adxText})`,
        features,
      };
    }
    const action = side > 0 ? "BUY" : "SELL";
    // Confidence grows with trend strength: 0.5 at the ADX threshold, 1 at twice the threshold.
    const confidence = Math.min(1, adx / (2 * p.adxThreshold));
    const stopLoss = bar.close * (1 - (side * p.stopLossPct) / 100);
    const takeProfit = bar.close * (1 + (side * p.takeProfitPct) / 100);
    return {
      action,
      confidence,
      reasoning:
        `${action}: ${side > 0 ? "up" : "down"}trend, ${emaText}, ${adxText} ≥ ${p.adxThreshold}; ` +
        `stop ${fmt(stopLoss)} (${p.stopLossPct} %), take-profit ${fmt(takeProfit)} (${p.takeProfitPct} %), trailing ${p.trailingStopPct} %`,
      features: { ...features, stopLoss, takeProfit, trailingStopPct: p.trailingStopPct },
    };
  },
  minActConfidence: () => 0.5,
};

/** The trend agent's machine: EMA crossover state confirmed by ADX (DESIGN §5). */
export const trendAgent = createAgentMachine(trendLogic);

/** The trend agent's ActorSpec for a session. */
export function createTrendAgentSpec(setup: SessionSetup) {
  return createAgentSpec(trendLogic, trendAgent, setup, setup.strategy.agents.trend);
}
