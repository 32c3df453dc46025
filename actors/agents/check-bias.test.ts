import { describe, expect, it } from "vitest";
import { assign, emit, setup } from "xstate";
import type { AnyEvent, EventDraft } from "../../events/index.ts";
import { marketFeed } from "../market/market-feed.ts";
import { syntheticMarket } from "../market/synthetic-market.ts";
import type { ActorSpec } from "../runtime/machine-driver.ts";
import { defaultStrategy } from "../strategy/strategy-config.ts";
import { randomBars, realWeekCandles, specSetup } from "./agent-fixtures.ts";
import { createAgentSpecs } from "./agent-registry.ts";
import { checkBias, storedFeed } from "./check-bias.ts";

// Issue 3 item 6: no look-ahead (cuts at 50 seeded bars leave earlier signals identical) and no warm-up dependence
// (final indicator values within 1e-9 whether the agent started 0, 200, 500 or 1,000 bars later), for every agent.
// Agents that read books, news or quotes are checked on a synthetic market that has them; the real week has none.

const setupAll = specSetup(defaultStrategy);
const specs = createAgentSpecs(setupAll).filter((s) => s.writer !== "agent.risk");
const real = storedFeed(marketFeed({ symbol: "BTC/USDT", timeframe: "1m", candles: realWeekCandles() }));
// 6,000 bars: more than 1,000 + the 72 h (4,320 bars) the sentiment agent remembers.
const synthetic = storedFeed(syntheticMarket({ seed: 7, bars: 6000 }));
const dataFor = (writer: string) =>
  ["agent.orderbook", "agent.sentiment", "agent.arbitrage"].includes(writer) ? synthetic : real;

describe("check-bias on every agent", () => {
  for (const spec of specs) {
    it(`${spec.writer}: no look-ahead, no warm-up dependence`, () => {
      const report = checkBias(spec, dataFor(spec.writer));
      expect(report.findings).toEqual([]);
      expect(report.cuts).toHaveLength(50);
      expect(report.warmUp.offsets).toEqual([200, 500, 1000]);
      expect(report.warmUp.compared.length).toBeGreaterThan(0);
      expect(report.warmUp.maxRelativeDiff).toBeLessThanOrEqual(1e-9);
    }, 300_000);
  }

  it("reports which indicators it compared for the technical agent (EMA 200 included)", () => {
    const report = checkBias(specs.find((s) => s.writer === "agent.technical") as ActorSpec, real, {
      cuts: 2,
    });
    expect(report.warmUp.compared).toEqual(
      expect.arrayContaining(["ema200", "macdSignal", "rsi", "bbUpper"]),
    );
  }, 120_000);
});

// Two deliberately biased agents: the checks must find them.
type Draft = EventDraft<"SignalEmitted">;
const signal = (bar: string, value: number): Draft => ({
  type: "SignalEmitted",
  at: bar,
  data: {
    agent: "technical",
    symbol: "BTC/USDT",
    timeframe: "1m",
    bar,
    action: "HOLD",
    confidence: 0,
    reasoning: "",
    features: { value },
  },
});

/** Judges bar t only when bar t + 1 arrives, with t + 1's close: the signal of the last bar depends on the future. */
const peeking = setup({
  types: { context: {} as { prev: string | null }, events: {} as AnyEvent, emitted: {} as Draft },
}).createMachine({
  context: { prev: null },
  on: {
    CandleClosed: {
      actions: [
        emit(({ context, event }) =>
          signal(context.prev ?? event.at, Number((event as AnyEvent & { type: "CandleClosed" }).data.close)),
        ),
        assign({ prev: ({ event }) => event.at }),
      ],
    },
  },
});

/** Reports the mean close since it started: a value that never forgets its warm-up. */
const remembering = setup({
  types: {
    context: {} as { sum: number; n: number; last: Draft | null },
    events: {} as AnyEvent,
    emitted: {} as Draft,
  },
}).createMachine({
  context: { sum: 0, n: 0, last: null },
  on: {
    CandleClosed: {
      actions: [
        assign(({ context, event }) => {
          const sum = context.sum + Number((event as AnyEvent & { type: "CandleClosed" }).data.close);
          return { sum, n: context.n + 1, last: signal(event.at, sum / (context.n + 1)) };
        }),
        emit(({ context }) => context.last as Draft),
      ],
    },
  },
});

const fake = (machine: ActorSpec["machine"]): ActorSpec => ({
  writer: "agent.technical",
  machine,
  input: {},
  accepts: ["CandleClosed"],
  machineVersion: "fake",
});

describe("check-bias finds bias", () => {
  const bars = randomBars(9, 1500);
  it("finds a look-ahead: a signal about bar t decided on bar t + 1", () => {
    const report = checkBias(fake(peeking), bars, { cuts: 5 });
    expect(report.findings.filter((f) => f.check === "look-ahead")).toEqual([
      {
        check: "look-ahead",
        detail: expect.stringMatching(/^1499 signal\(s\) not about the bar that produced them/),
      },
    ]);
  });

  it("finds a look-ahead in the feed: a bar published before its close, an input after it", () => {
    const early = bars
      .slice(0, 300)
      .map((e, i) => (i === 250 ? { ...e, at: bars[249]?.at } : e)) as AnyEvent[];
    const late = [
      ...bars.slice(0, 100),
      { ...bars[0], type: "VenueQuote", at: bars[200]?.at } as AnyEvent,
      ...bars.slice(100, 300),
    ];
    expect(checkBias(fake(remembering), early, { cuts: 1, offsets: [] }).findings).toEqual(
      expect.arrayContaining([{ check: "look-ahead", detail: expect.stringMatching(/ was published at /) }]),
    );
    expect(checkBias(fake(remembering), late, { cuts: 1, offsets: [] }).findings).toEqual([
      { check: "look-ahead", detail: expect.stringMatching(/^VenueQuote at .* came before the bar closing/) },
    ]);
  });

  it("finds warm-up dependence: a value that remembers where it started", () => {
    const report = checkBias(fake(remembering), bars, { cuts: 3 });
    expect(report.findings.filter((f) => f.check === "warm-up")).toHaveLength(3);
    expect(report.findings.filter((f) => f.check === "look-ahead")).toHaveLength(0);
  });
});
