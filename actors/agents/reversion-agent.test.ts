import { describe, expect, it } from "vitest";
import { deciderSpec } from "../testing/decider-spec.ts";
import { barsFromCloses, randomBars, specSetup } from "./agent-fixtures.ts";
import { createReversionAgentSpec } from "./reversion-agent.ts";

const spec = createReversionAgentSpec(specSetup());
const signalsOf = (bars: ReturnType<typeof randomBars>) =>
  deciderSpec(spec)
    .given()
    .when(...bars)
    .outputs.flatMap((o) => (o.type === "SignalEmitted" ? [o.data] : []));

describe("reversion agent", () => {
  it("warms up (Bollinger 20, RSI 15, ADX 28 bars) with HOLD at confidence 0", () => {
    const s = signalsOf(randomBars(2, 28));
    expect(s.slice(0, 27).every((x) => x.confidence === 0 && x.features.ready === false)).toBe(true);
    expect(s[27]?.features.ready).toBe(true);
  });

  it("buys a lower-band touch with RSI ≤ 30 only while ADX < 25, and sells the mirror image", () => {
    const s = signalsOf(randomBars(1, 3000));
    const acted = s.filter((x) => x.action !== "HOLD");
    expect(acted.length).toBeGreaterThan(0);
    for (const x of acted) {
      const f = x.features as Record<string, number>;
      expect(f.adx).toBeLessThan(25);
      if (x.action === "BUY") {
        expect(f.low).toBeLessThanOrEqual(f.bbLower!);
        expect(f.rsi).toBeLessThanOrEqual(30);
        expect(x.confidence).toBeCloseTo(0.5 + (0.5 * (30 - f.rsi!)) / 30, 12);
      } else {
        expect(f.high).toBeGreaterThanOrEqual(f.bbUpper!);
        expect(f.rsi).toBeGreaterThanOrEqual(70);
      }
    }
    // Touches with an RSI extreme in a trend are left alone.
    const trending = s.filter((x) => (x.features.adx as number) >= 25);
    expect(trending.length).toBeGreaterThan(0);
    expect(trending.every((x) => x.action === "HOLD" && x.confidence === 0)).toBe(true);
  });

  it("holds on a strong trend even at the band with an extreme RSI", () => {
    const closes = Array.from({ length: 80 }, (_, i) => 100 - 1.5 * i);
    const s = signalsOf(barsFromCloses(closes, { range: 0.2 }));
    const last = s[s.length - 1]!;
    expect(last).toMatchObject({ action: "HOLD", confidence: 0 });
    expect(last.features.rsi).toBeLessThan(30);
    expect(last.reasoning).toMatch(/trending, ADX/);
  });

  it("holds on flat prices and zero volume (RSI 50, ADX 0)", () => {
    const s = signalsOf(barsFromCloses(Array(40).fill(100), { range: 0, volume: 0 }));
    expect(s[39]).toMatchObject({ action: "HOLD", features: { rsi: 50, adx: 0, ready: true } });
  });
});
