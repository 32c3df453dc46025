import { describe, expect, it } from "vitest";
import type { TradeAction } from "../../events/index.ts";
import type { ActorSpec } from "../runtime/machine-driver.ts";
import { defaultStrategy } from "../strategy/strategy-config.ts";
import {
  barsFromCloses,
  book,
  fearGreed,
  levels,
  news,
  quote,
  randomBars,
  specSetup,
} from "./agent-fixtures.ts";
import { arbitrageLogic, createArbitrageAgentSpec } from "./arbitrage-agent.ts";
import { runAgent } from "./check-bias.ts";
import { createOrderbookAgentSpec, orderbookLogic } from "./orderbook-agent.ts";
import { createReversionAgentSpec, reversionLogic } from "./reversion-agent.ts";
import { createSentimentAgentSpec, sentimentLogic } from "./sentiment-agent.ts";
import { createTechnicalAgentSpec, technicalLogic } from "./technical-agent.ts";
import { createTrendAgentSpec, trendLogic } from "./trend-agent.ts";

// Issue 3 item 4: for every agent, inputs on which it says BUY and SELL with more than its acting confidence.
const setup = specSetup(defaultStrategy);
const p = defaultStrategy.agents;
const bar = (i: number) => barsFromCloses([100], { from: i })[0]!;
const up = Array.from({ length: 60 }, (_, i) => 100 + 2 * i);
const down = Array.from({ length: 60 }, (_, i) => 218 - 2 * i);

const cases: {
  name: string;
  spec: ActorSpec;
  min: number;
  buy: Parameters<typeof runAgent>[1];
  sell: Parameters<typeof runAgent>[1];
}[] = [
  {
    name: "technical",
    spec: createTechnicalAgentSpec(setup),
    min: technicalLogic.minActConfidence(p.technical),
    buy: randomBars(1, 3000),
    sell: randomBars(1, 3000),
  },
  {
    name: "orderbook",
    spec: createOrderbookAgentSpec(setup),
    min: orderbookLogic.minActConfidence(p.orderbook),
    buy: [book(0, levels(99.99, -0.01, 20, 3, { 2: 40 }), levels(100.01, 0.01, 20, 1), 500), bar(0)],
    sell: [book(0, levels(99.99, -0.01, 20, 1), levels(100.01, 0.01, 20, 3, { 1: 40 }), 500), bar(0)],
  },
  {
    name: "sentiment",
    spec: createSentimentAgentSpec(setup),
    min: sentimentLogic.minActConfidence(p.sentiment),
    buy: [news(0, "a", "Bitcoin ETF approval sends BTC to the moon"), fearGreed(0, 85), bar(0)],
    sell: [news(0, "b", "Exchange hacked, traders rekt"), fearGreed(0, 10), bar(0)],
  },
  {
    name: "trend",
    spec: createTrendAgentSpec(setup),
    min: trendLogic.minActConfidence(p.trend),
    buy: barsFromCloses(up, { range: 0.5 }),
    sell: barsFromCloses([...up, ...down], { range: 0.5 }),
  },
  {
    name: "reversion",
    spec: createReversionAgentSpec(setup),
    min: reversionLogic.minActConfidence(p.reversion),
    buy: randomBars(1, 3000),
    sell: randomBars(1, 3000),
  },
  {
    name: "arbitrage",
    spec: createArbitrageAgentSpec(setup),
    min: arbitrageLogic.minActConfidence(p.arbitrage),
    buy: [quote(0, "binance", 99.99, 100.01), quote(0, "kraken", 100.6, 100.62), bar(0)],
    sell: [quote(0, "binance", 100.6, 100.62), quote(0, "coinbase", 99.99, 100.01), bar(0)],
  },
];

const strongest = (signals: ReturnType<typeof runAgent>, action: TradeAction) =>
  Math.max(0, ...signals.filter((s) => s.action === action).map((s) => s.confidence));

describe("every agent fires", () => {
  for (const c of cases) {
    it(`${c.name} says BUY and SELL with confidence above its acting threshold (${c.min})`, () => {
      expect(strongest(runAgent(c.spec, c.buy), "BUY")).toBeGreaterThan(c.min);
      expect(strongest(runAgent(c.spec, c.sell), "SELL")).toBeGreaterThan(c.min);
    });
  }
});
