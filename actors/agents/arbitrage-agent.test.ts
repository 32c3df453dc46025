import { describe, expect, it } from "vitest";
import { deciderSpec } from "../testing/decider-spec.ts";
import { barsFromCloses, quote, specSetup } from "./agent-fixtures.ts";
import { createArbitrageAgentSpec } from "./arbitrage-agent.ts";

const spec = createArbitrageAgentSpec(specSetup());
const bar = (i: number) => barsFromCloses([100], { from: i })[0]!;
const features = (o: unknown) =>
  (o as { data: { features: Record<string, number | string | null> } }).data.features;

describe("arbitrage agent", () => {
  it("holds with confidence 0 without quotes, or with the home venue alone", () => {
    deciderSpec(spec)
      .given()
      .when(bar(0))
      .then([{ data: { action: "HOLD", confidence: 0, features: { ready: false } } }]);
    deciderSpec(spec)
      .given(quote(0, "binance", 99.99, 100.01))
      .when(bar(0))
      .then([{ data: { action: "HOLD", confidence: 0, features: { venues: 1 } } }]);
  });

  it("buys here when another venue's bid beats our ask by more than both taker fees, transfer and the minimum", () => {
    // 100.50 / 100.01 − 1 = 0.49 %; less 0.1 % + 0.1 % fees and 0.05 % transfer = 0.24 % ≥ 0.1 %.
    const { outputs } = deciderSpec(spec)
      .given(quote(0, "binance", 99.99, 100.01), quote(0, "kraken", 100.5, 100.52))
      .when(bar(0));
    expect(outputs[0]).toMatchObject({ data: { action: "BUY", features: { buyElsewhere: "kraken" } } });
    const net = (100.5 - 100.01) / 100.01 - 0.001 - 0.001 - 0.0005;
    expect(features(outputs[0]).buyNetEdgePct).toBeCloseTo(net * 100, 9);
    expect((outputs[0] as { data: { confidence: number } }).data.confidence).toBeCloseTo(
      Math.min(1, 0.5 + (0.5 * (net - 0.001)) / 0.001),
      9,
    );
  });

  it("sells here when we are dear: our bid above another venue's ask by the net edge", () => {
    deciderSpec(spec)
      .given(quote(0, "binance", 100.6, 100.62), quote(0, "coinbase", 99.99, 100.01))
      .when(bar(0))
      .then([{ data: { action: "SELL", features: { sellElsewhere: "coinbase" } } }]);
  });

  it("holds when fees eat the spread, using each venue's own taker fee", () => {
    deciderSpec(spec)
      .given(quote(0, "binance", 99.99, 100.01), quote(0, "kraken", 100.5, 100.52, 0, "0.004"))
      .when(bar(0))
      .then([{ data: { action: "HOLD", confidence: 0 } }]);
  });

  it("ignores quotes older than 60 s and quotes stamped after the close", () => {
    deciderSpec(spec)
      .given(quote(0, "binance", 99.99, 100.01), quote(0, "kraken", 100.5, 100.52, 61_000))
      .when(bar(0))
      .then([{ data: { action: "HOLD", confidence: 0, features: { venues: 1 } } }]);
    deciderSpec(spec)
      .given(quote(0, "binance", 99.99, 100.01), quote(0, "kraken", 100.5, 100.52, -1000))
      .when(bar(0))
      .then([{ data: { action: "HOLD", confidence: 0, features: { venues: 1 } } }]);
  });

  it("holds on identical (flat) quotes everywhere", () => {
    deciderSpec(spec)
      .given(quote(0, "binance", 100, 100), quote(0, "kraken", 100, 100))
      .when(barsFromCloses([100], { range: 0, volume: 0 })[0]!)
      .then([{ data: { action: "HOLD", confidence: 0, features: { buyGrossEdgePct: 0 } } }]);
  });
});
