import { describe, expect, it } from "vitest";
import { deciderSpec } from "../testing/decider-spec.ts";
import { barsFromCloses, specSetup } from "./agent-fixtures.ts";
import { createTrendAgentSpec } from "./trend-agent.ts";

const spec = createTrendAgentSpec(specSetup());
const up = Array.from({ length: 60 }, (_, i) => 100 + 2 * i);
const down = Array.from({ length: 60 }, (_, i) => 218 - 2 * i);

describe("trend agent", () => {
  it("warms up for 2 × ADX period bars with HOLD at confidence 0", () => {
    const bars = barsFromCloses(up, { range: 0.5 });
    const { outputs } = deciderSpec(spec)
      .given()
      .when(...bars.slice(0, 28));
    expect(
      outputs
        .slice(0, 27)
        .every(
          (o) => o.type === "SignalEmitted" && o.data.confidence === 0 && o.data.features.ready === false,
        ),
    ).toBe(true);
    expect(outputs[27]).toMatchObject({ data: { features: { ready: true } } });
  });

  it("buys an uptrend with ADX ≥ 25 and +DI > −DI, reporting stop, take-profit and trailing levels", () => {
    const bars = barsFromCloses(up, { range: 0.5 });
    deciderSpec(spec)
      .given(...bars.slice(0, 59))
      .when(bars[59]!)
      .then([
        {
          data: {
            action: "BUY",
            features: {
              close: 218,
              stopLoss: 218 * 0.98,
              takeProfit: 218 * 1.04,
              trailingStopPct: 1.5,
              side: 1,
            },
          },
        },
      ]);
  });

  it("sells a downtrend, with the stop above and the target below", () => {
    const bars = barsFromCloses([...up, ...down], { range: 0.5 });
    const { outputs } = deciderSpec(spec)
      .given(...bars.slice(0, 119))
      .when(bars[119]!);
    expect(outputs[0]).toMatchObject({ data: { action: "SELL", features: { side: -1 } } });
    const f =
      outputs[0]?.type === "SignalEmitted" ? (outputs[0].data.features as Record<string, number>) : {};
    expect(f.stopLoss).toBeCloseTo(f.close! * 1.02, 9);
    expect(f.takeProfit).toBeCloseTo(f.close! * 0.96, 9);
    expect(f.adx).toBeGreaterThanOrEqual(25);
  });

  it("holds at confidence 0 on flat prices (no range: ADX 0, not NaN)", () => {
    const bars = barsFromCloses(Array(60).fill(100), { range: 0 });
    deciderSpec(spec)
      .given(...bars.slice(0, 59))
      .when(bars[59]!)
      .then([{ data: { action: "HOLD", confidence: 0, features: { ready: true, adx: 0, pdi: 0, mdi: 0 } } }]);
  });

  it("is unaffected by zero volume (it reads prices only)", () => {
    const a = barsFromCloses(up, { range: 0.5, volume: 0 });
    const b = barsFromCloses(up, { range: 0.5, volume: 50 });
    const ra = deciderSpec(spec)
      .given()
      .when(...a).outputs;
    const rb = deciderSpec(spec)
      .given()
      .when(...b).outputs;
    expect(ra.map((o) => o.type === "SignalEmitted" && o.data.action)).toEqual(
      rb.map((o) => o.type === "SignalEmitted" && o.data.action),
    );
  });
});
