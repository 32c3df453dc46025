import { describe, expect, it } from "vitest";
import { specSetup } from "./agent-fixtures.ts";
import { createAgentSpecs } from "./agent-registry.ts";

describe("agent registry", () => {
  it("builds every enabled agent, risk included, sorted by name", () => {
    expect(createAgentSpecs(specSetup()).map((s) => s.writer)).toEqual([
      "agent.arbitrage",
      "agent.orderbook",
      "agent.reversion",
      "agent.risk",
      "agent.sentiment",
      "agent.technical",
      "agent.trend",
    ]);
  });

  it("builds only the enabled ones, whatever order the strategy lists them in", () => {
    const specs = createAgentSpecs(specSetup({ enabledAgents: ["trend", "technical", "arbitrage"] }));
    expect(specs.map((s) => s.writer)).toEqual(["agent.arbitrage", "agent.technical", "agent.trend"]);
    expect(specs[0]?.accepts).toEqual(["CandleClosed", "VenueQuote"]);
    expect(specs[1]?.input).toMatchObject({
      symbol: "BTC/USDT",
      timeframe: "1m",
      params: { actThreshold: 0.3 },
    });
  });
});
