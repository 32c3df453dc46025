import { describe, expect, it } from "vitest";
import { deciderSpec } from "../testing/decider-spec.ts";
import { barsFromCloses, book, levels, specSetup } from "./agent-fixtures.ts";
import { createOrderbookAgentSpec } from "./orderbook-agent.ts";

const spec = createOrderbookAgentSpec(specSetup());
const bar = (i: number) => barsFromCloses([100], { from: i })[0]!;
const even = (i: number, ms = 0) => book(i, levels(99.99, -0.01, 20, 1), levels(100.01, 0.01, 20, 1), ms);

describe("orderbook agent", () => {
  it("holds with confidence 0 when it has no book", () => {
    deciderSpec(spec)
      .given()
      .when(bar(0))
      .then([
        {
          data: {
            action: "HOLD",
            confidence: 0,
            reasoning: "HOLD: no order book yet",
            features: { ready: false },
          },
        },
      ]);
  });

  it("holds on a balanced book, with confidence for holding", () => {
    deciderSpec(spec)
      .given(even(0, 500))
      .when(bar(0))
      .then([{ data: { action: "HOLD", confidence: 1, features: { imbalance: 0, score: 0, ready: true } } }]);
  });

  it("buys a bid-heavy book: imbalance, support within 1 % and large bids", () => {
    const b = book(0, levels(99.99, -0.01, 20, 3, { 2: 40 }), levels(100.01, 0.01, 20, 1), 500);
    const { outputs } = deciderSpec(spec).given(b).when(bar(0));
    expect(outputs[0]).toMatchObject({
      data: { action: "BUY", features: { supportPrice: 99.97, supportQty: 40 } },
    });
    const f =
      outputs[0]?.type === "SignalEmitted" ? (outputs[0].data.features as Record<string, number>) : {};
    expect(f.imbalance).toBeGreaterThan(0.3);
    expect(f.largeBidQty).toBe(40);
    expect(f.largeScore).toBe(1);
  });

  it("uses the latest book at or before the close, and ignores one stamped after it", () => {
    const later = book(0, levels(99.99, -0.01, 20, 1), levels(100.01, 0.01, 20, 9), -1000);
    deciderSpec(spec)
      .given(even(0, 2000), later)
      .when(bar(0))
      .then([{ data: { features: { imbalance: 0, bookAgeMs: 2000 } } }]);
  });

  it("does not judge a stale book (older than maxBookAgeMs)", () => {
    deciderSpec(spec)
      .given(even(0))
      .when(bar(2))
      .then([{ data: { action: "HOLD", confidence: 0, features: { ready: false, bookAgeMs: 120_000 } } }]);
  });

  it("flags a large bid pulled within 5 s without the price reaching it as spoofing (bearish)", () => {
    const withWall = book(0, levels(99.99, -0.01, 20, 1, { 5: 30 }), levels(100.01, 0.01, 20, 1), 3000);
    const pulled = even(0, 0);
    const { outputs } = deciderSpec(spec).given(withWall, pulled).when(bar(0));
    expect(outputs[0]).toMatchObject({
      data: { features: { spoofedBidQty: 30, spoofedAskQty: 0, spoofScore: -1 } },
    });
  });

  it("does not call it spoofing when the snapshots are more than 5 s apart or the price traded through", () => {
    const withWall = book(0, levels(99.99, -0.01, 20, 1, { 5: 30 }), levels(100.01, 0.01, 20, 1), 8000);
    const s1 = deciderSpec(spec).given(withWall, even(0, 0)).when(bar(0)).outputs[0];
    expect(s1).toMatchObject({ data: { features: { spoofedBidQty: 0 } } });
    const near = book(0, levels(99.99, -0.01, 20, 1, { 5: 30 }), levels(100.01, 0.01, 20, 1), 3000);
    // The best bid fell to 99.90, below the large bid at 99.94: it may have been filled.
    const fell = book(0, levels(99.9, -0.01, 20, 1), levels(99.92, 0.01, 20, 1), 0);
    const s2 = deciderSpec(spec).given(near, fell).when(bar(0)).outputs[0];
    expect(s2).toMatchObject({ data: { features: { spoofedBidQty: 0 } } });
  });

  it("holds with confidence 0 on a one-sided book, and is unaffected by flat, zero-volume bars", () => {
    const oneSided = book(0, levels(99.99, -0.01, 5, 1), [], 0);
    const flatBar = barsFromCloses([100], { range: 0, volume: 0 })[0]!;
    deciderSpec(spec)
      .given(oneSided)
      .when(flatBar)
      .then([{ data: { action: "HOLD", confidence: 0, reasoning: "HOLD: one-sided book" } }]);
  });
});
