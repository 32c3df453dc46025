import { describe, expect, it } from "vitest";
import { deciderSpec } from "../testing/decider-spec.ts";
import { barsFromCloses, candle, randomBars, specSetup } from "./agent-fixtures.ts";
import { createTechnicalAgentSpec, rsiScore } from "./technical-agent.ts";

const spec = createTechnicalAgentSpec(specSetup());
const flat = (n: number, volume = 10) => barsFromCloses(Array(n).fill(100), { range: 0, volume });

describe("technical agent", () => {
  it("holds with confidence 0 while the 200-bar EMA warms up, then judges every bar", () => {
    const bars = randomBars(3, 201);
    deciderSpec(spec)
      .given(...bars.slice(0, 198))
      .when(bars[198]!, bars[199]!)
      .then([
        {
          type: "SignalEmitted",
          data: { action: "HOLD", confidence: 0, features: { ready: false, ema200: null } },
        },
        { type: "SignalEmitted", data: { features: { ready: true } } },
      ]);
  });

  it("emits exactly one signal per bar, stamped with the bar's close", () => {
    const bars = randomBars(4, 5);
    const { outputs } = deciderSpec(spec)
      .given()
      .when(...bars);
    expect(outputs.map((o) => o.at)).toEqual(bars.map((b) => b.at));
    expect(outputs.map((o) => o.type === "SignalEmitted" && o.data.bar)).toEqual(bars.map((b) => b.at));
  });

  it("ignores bars of another symbol or timeframe", () => {
    const b = randomBars(5, 1)[0]!;
    const other = candle(0, { open: 1, high: 1, low: 1, close: 1, volume: 1 }, { symbol: "ETH/USDT" });
    const tf = candle(0, { open: 1, high: 1, low: 1, close: 1, volume: 1 }, { timeframe: "5m" });
    deciderSpec(spec)
      .given()
      .when(other, tf, b)
      .then([{ data: { agent: "technical", symbol: "BTC/USDT" } }]);
  });

  it("reads flat prices as neutral: RSI 50, no band width, score 0 — HOLD", () => {
    deciderSpec(spec)
      .given(...flat(250).slice(0, 249))
      .when(flat(250)[249]!)
      .then([
        {
          data: {
            action: "HOLD",
            confidence: 1,
            features: { rsi: 50, score: 0, percentB: null, macdHistogram: 0 },
          },
        },
      ]);
  });

  it("gives zero volume no vote instead of dividing by zero", () => {
    const bars = barsFromCloses(
      Array.from({ length: 230 }, (_, i) => 100 + Math.sin(i / 5)),
      { volume: 0 },
    );
    const { outputs } = deciderSpec(spec)
      .given(...bars.slice(0, 229))
      .when(bars[229]!);
    const f = outputs[0]?.type === "SignalEmitted" ? outputs[0].data.features : {};
    expect(f.volumeRatio).toBeNull();
    expect(f.scoreVolume).toBe(0);
  });

  it("scores RSI +1 at or below oversold, −1 at or above overbought, linearly between", () => {
    expect(rsiScore(20, 30, 70)).toBe(1);
    expect(rsiScore(30, 30, 70)).toBe(1);
    expect(rsiScore(50, 30, 70)).toBe(0);
    expect(rsiScore(60, 30, 70)).toBeCloseTo(-0.5, 12);
    expect(rsiScore(85, 30, 70)).toBe(-1);
  });

  it("weighs the components .25/.25/.20/.20/.10 and acts beyond ±actThreshold", () => {
    const bars = randomBars(1, 3000);
    const { outputs } = deciderSpec(spec)
      .given()
      .when(...bars);
    for (const o of outputs) {
      if (o.type !== "SignalEmitted" || o.data.features.ready !== true) continue;
      const f = o.data.features as Record<string, number>;
      const score =
        0.25 * f.scoreRsi! +
        0.25 * f.scoreMacd! +
        0.2 * f.scoreBollinger! +
        0.2 * f.scoreEma! +
        0.1 * f.scoreVolume!;
      expect(f.score).toBeCloseTo(score, 12);
      const expected = score > 0.3 ? "BUY" : score < -0.3 ? "SELL" : "HOLD";
      expect(o.data.action).toBe(expected);
      if (expected !== "HOLD") expect(o.data.confidence).toBeCloseTo(Math.abs(score), 12);
    }
  });
});
