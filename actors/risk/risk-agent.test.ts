import { describe, expect, it } from "vitest";
import { type AnyEvent, eventCatalog } from "../../events/index.ts";
import { deciderSpec } from "../testing/decider-spec.ts";
import { createRiskAgentSpec } from "./risk-agent.ts";
import { candle, hour, riskSetup, valued } from "./risk-fixtures.ts";

const spec = deciderSpec(createRiskAgentSpec(riskSetup));

function valuedAt(h: number, drawdown: number, quantity = "0"): AnyEvent {
  return valued(h, { drawdown, quantity });
}

describe("risk agent (agent.risk)", () => {
  it("cannot judge before any valuation: HOLD, confidence 0, ready false", () => {
    spec
      .given()
      .when(candle(1))
      .then([
        {
          type: "SignalEmitted",
          at: hour(1),
          data: { agent: "risk", bar: hour(1), action: "HOLD", confidence: 0, features: { ready: false } },
        },
      ]);
  });

  it("HOLDs within limits, confidence = closeness to the drawdown limit", () => {
    spec
      .given(candle(1), valuedAt(1, 0.03, "1"))
      .when(candle(2))
      .then([
        {
          data: { action: "HOLD", confidence: 0.2, features: { ready: true, valuationBar: hour(1) } },
        },
      ]);
  });

  it("vetoes with SELL while long beyond vetoAtDrawdownShare × maxDrawdownPct", () => {
    spec
      .given(valuedAt(1, 0.12, "0.5"))
      .when(candle(2))
      .then([{ data: { action: "SELL", veto: true, confidence: 0.8 } }]);
  });

  it("vetoes with BUY (cover) while short", () => {
    spec
      .given(valuedAt(1, 0.15, "-0.5"))
      .when(candle(2))
      .then([{ data: { action: "BUY", veto: true, confidence: 1 } }]);
  });

  it("stays HOLD without a veto while flat even past the veto drawdown", () => {
    const { outputs } = spec.given(valuedAt(1, 0.14)).when(candle(2));
    expect(outputs[0]).toMatchObject({ data: { action: "HOLD" } });
    expect(outputs[0]?.data).not.toHaveProperty("veto");
  });

  it("judges bar t only from valuations of earlier bars, whatever the arrival order", () => {
    const early = spec.given(valuedAt(1, 0.01, "1"), valuedAt(2, 0.14, "1")).when(candle(2));
    const late = spec.given(valuedAt(1, 0.01, "1")).when(candle(2), valuedAt(2, 0.14, "1"));
    expect(early.outputs).toEqual(late.outputs);
    expect(early.outputs[0]).toMatchObject({ data: { action: "HOLD", features: { valuationBar: hour(1) } } });
    // The early valuation of bar 2 is kept and used for bar 3.
    spec
      .given(valuedAt(1, 0.01, "1"), valuedAt(2, 0.14, "1"), candle(2))
      .when(candle(3))
      .then([{ data: { action: "SELL", veto: true, features: { valuationBar: hour(2) } } }]);
  });

  it("emits exactly one signal per bar and ignores other symbols and timeframes", () => {
    spec
      .given(candle(1))
      .when(candle(1), candle(2, { symbol: "ETH/USDT" }), candle(2, { timeframe: "5m" }))
      .then([]);
  });
});

describe("risk agent: outputs", () => {
  it("emits only SignalEmitted drafts the event catalog accepts", () => {
    const { outputs } = spec
      .given()
      .when(
        candle(1),
        valuedAt(1, 0.05, "1"),
        candle(2),
        valuedAt(2, 0.13, "1"),
        candle(3),
        valuedAt(3, 0.2, "-1"),
        candle(4),
      );
    expect(outputs.map((o) => (o.type === "SignalEmitted" ? o.data.action : o.type))).toEqual([
      "HOLD",
      "HOLD",
      "SELL",
      "BUY",
    ]);
    for (const o of outputs) expect(eventCatalog[o.type].schema.safeParse(o.data).success).toBe(true);
  });
});
