import { BollingerBands } from "trading-signals";
import type { SessionSetup } from "../session/session-setup.ts";
import type { ReversionParams } from "../strategy/strategy-config.ts";
import { type AgentLogic, createAgentMachine, createAgentSpec, type Features } from "./agent-machine.ts";
import { cannotJudge, fmt } from "./signal-score.ts";
import { WilderAdx } from "./wilder-adx.ts";
import { WilderRsi } from "./wilder-rsi.ts";

interface ReversionState {
  readonly bands: BollingerBands;
  readonly rsi: WilderRsi;
  readonly adx: WilderAdx;
}

export const reversionLogic: AgentLogic<ReversionParams, ReversionState> = {
  name: "reversion",
  version: "reversion-v1",
  inputs: [],
  init: (p) => ({
    bands: new BollingerBands(p.bollingerPeriod, p.bollingerStdDev),
    rsi: new WilderRsi(p.rsiPeriod),
    adx: new WilderAdx(p.adxPeriod),
  }),
  judge(s, bar, { params: p }) {
    const bands = s.bands.add(bar.close);
    const rsi = s.rsi.add(bar.close);
    const adx = s.adx.add(bar)?.adx ?? null;
    const base: Features = {
      close: bar.close,
      low: bar.low,
      high: bar.high,
      bbUpper: bands?.upper ?? null,
      bbMiddle: bands?.middle ?? null,
      bbLower: bands?.lower ?? null,
      rsi,
      adx,
    };
    if (bands === null || rsi === null || adx === null) {
      return cannotJudge(
        `warming up (needs ${Math.max(p.bollingerPeriod, p.rsiPeriod + 1, 2 * p.adxPeriod)} bars)`,
        base,
      );
    }
    const features: Features = { ready: true, ...base };
    const bandText = `bands ${fmt(bands.lower)}–${fmt(bands.upper)}, low ${fmt(bar.low)}, high ${fmt(bar.high)}, RSI ${fmt(rsi, 1)}`;
    if (adx >= p.adxMax) {
      return {
        action: "HOLD",
        confidence: 0,
        reasoning: `HOLD: trending, ADX ${fmt(adx, 1)} ≥ ${p.adxMax} (${bandText})`,
        features,
      };
    }
    // A touch is the bar's range reaching the band; the RSI extreme confirms it is stretched, not breaking out.
    const lowerTouch = bar.low <= bands.lower && rsi <= p.rsiOversold;
    const upperTouch = bar.high >= bands.upper && rsi >= p.rsiOverbought;
    if (lowerTouch === upperTouch) {
      return {
        action: "HOLD",
        confidence: lowerTouch ? 0 : 1 - Math.abs(rsi - 50) / 50,
        reasoning: `HOLD: ${lowerTouch ? "both bands touched" : "no band touch with an RSI extreme"}, ranging (ADX ${fmt(adx, 1)} < ${p.adxMax}; ${bandText})`,
        features,
      };
    }
    // Confidence: 0.5 at the RSI threshold, rising to 1 at RSI 0 (BUY) or 100 (SELL).
    const confidence = lowerTouch
      ? 0.5 + (0.5 * (p.rsiOversold - rsi)) / Math.max(p.rsiOversold, 1e-9)
      : 0.5 + (0.5 * (rsi - p.rsiOverbought)) / Math.max(100 - p.rsiOverbought, 1e-9);
    const action = lowerTouch ? "BUY" : "SELL";
    const what = lowerTouch
      ? `low ${fmt(bar.low)} touched the lower band ${fmt(bands.lower)} with RSI ${fmt(rsi, 1)} ≤ ${p.rsiOversold}`
      : `high ${fmt(bar.high)} touched the upper band ${fmt(bands.upper)} with RSI ${fmt(rsi, 1)} ≥ ${p.rsiOverbought}`;
    return {
      action,
      confidence,
      reasoning: `${action}: ${what}, ranging (ADX ${fmt(adx, 1)} < ${p.adxMax}); target the middle band ${fmt(bands.middle)}`,
      features,
    };
  },
  minActConfidence: () => 0.5,
};

/** The reversion agent's machine: Bollinger touches with RSI extremes while ADX says the market ranges. */
export const reversionAgent = createAgentMachine(reversionLogic);

/** The reversion agent's ActorSpec for a session. */
export function createReversionAgentSpec(setup: SessionSetup) {
  return createAgentSpec(reversionLogic, reversionAgent, setup, setup.strategy.agents.reversion);
}
