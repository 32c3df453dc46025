import { describe, expect, it } from "vitest";
import type { AgentName, AnyEvent } from "../../events/index.ts";
import { stored } from "../testing/decider-spec.ts";
import { monthlyReturns } from "./monthly-returns.ts";
import { voteAccuracy } from "./vote-accuracy.ts";

const bar = (i: number) => new Date(Date.UTC(2024, 0, 1, 0, i + 1)).toISOString();
const candle = (i: number, close: number) =>
  stored(
    "CandleClosed",
    {
      symbol: "BTC/USDT",
      timeframe: "1m",
      openTime: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString(),
      closeTime: bar(i),
      open: String(close),
      high: String(close),
      low: String(close),
      close: String(close),
      volume: "1",
      sourceBars: 1,
    },
    bar(i),
  );
const signal = (agent: AgentName, i: number, action: "BUY" | "SELL" | "HOLD") =>
  stored(
    "SignalEmitted",
    {
      agent,
      symbol: "BTC/USDT",
      timeframe: "1m",
      bar: bar(i),
      action,
      confidence: 0.5,
      reasoning: "",
      features: {},
    },
    bar(i),
  );

describe("voteAccuracy", () => {
  it("judges each BUY/SELL by the close N bars later; HOLDs counted, calls without a later bar not judged", () => {
    const closes = [100, 101, 99, 102, 98, 97];
    const events = [
      ...closes.map((c, i) => candle(i, c)),
      signal("trend", 0, "BUY"), // 100 → 99 (2 bars later): wrong
      signal("trend", 1, "SELL"), // 101 → 102: wrong
      signal("trend", 2, "BUY"), // 99 → 98: wrong
      signal("trend", 3, "SELL"), // 102 → 97: right
      signal("trend", 4, "BUY"), // no bar 6: not judged
      signal("technical", 0, "HOLD"),
      signal("technical", 1, "BUY"), // 101 → 102: right
    ] as AnyEvent[];
    expect(voteAccuracy(events, 2)).toEqual([
      { agent: "technical", buys: 1, sells: 0, holds: 1, judged: 1, correct: 1, accuracy: 1 },
      { agent: "trend", buys: 3, sells: 2, holds: 0, judged: 4, correct: 1, accuracy: 0.25 },
    ]);
  });
});

describe("monthlyReturns", () => {
  it("chains month-end equity from the start", () => {
    const r = monthlyReturns([
      { at: "2024-01-15T00:00:00.000Z", equity: 100 },
      { at: "2024-01-31T00:00:00.000Z", equity: 110 },
      { at: "2024-02-01T00:00:00.000Z", equity: 120 },
      { at: "2024-02-29T00:00:00.000Z", equity: 108 },
      { at: "2024-03-01T00:00:00.000Z", equity: 90 },
    ]);
    expect(r.map((x) => x.month)).toEqual(["2024-01", "2024-02"]);
    expect(r[0]?.return).toBeCloseTo(0.2, 12);
    expect(r[1]?.return).toBeCloseTo(90 / 120 - 1, 12);
  });
});
