import { describe, expect, it } from "vitest";
import type { AgentName, AnyEvent, AnyEventDraft, TradeAction } from "../../events/index.ts";
import { createMachineDriver } from "../runtime/machine-driver.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import { parseStrategy } from "../strategy/strategy-config.ts";
import { deciderSpec, stored } from "../testing/decider-spec.ts";
import { createOrchestratorSpec } from "./orchestrator-machine.ts";
import { voteRuleVersion } from "./weighted-vote.ts";

/** then() with a deep partial match of every output, in order (the drafts' data typed loosely). */
const like = (expected: readonly object[]) => (outputs: AnyEventDraft[]) =>
  expect(outputs).toMatchObject(expected);

const voters: AgentName[] = ["technical", "trend", "risk"];

function sessionSetup(enabledAgents: AgentName[] = voters): SessionSetup {
  return {
    sessionId: "orch",
    mode: "backtest",
    symbol: "BTC/USDT",
    timeframe: "1h",
    strategy: parseStrategy({ enabledAgents }),
    initialCash: "10000",
    quoteCurrency: "USDT",
  };
}

const t1 = "2024-01-01T01:00:00.000Z";
const t2 = "2024-01-01T02:00:00.000Z";

function candle(
  closeTime: string,
  close = "100",
  extra: { symbol?: string; timeframe?: "1h" | "1m" } = {},
): AnyEvent {
  const open = new Date(Date.parse(closeTime) - 3_600_000).toISOString();
  return stored(
    "CandleClosed",
    {
      symbol: extra.symbol ?? "BTC/USDT",
      timeframe: extra.timeframe ?? "1h",
      openTime: open,
      closeTime,
      open: "99",
      high: "101",
      low: "98",
      close,
      volume: "10",
      sourceBars: 1,
    },
    closeTime,
  );
}

function signal(
  agent: AgentName,
  bar: string,
  action: TradeAction,
  confidence: number,
  veto?: boolean,
): AnyEvent {
  return stored(
    "SignalEmitted",
    {
      agent,
      symbol: "BTC/USDT",
      timeframe: "1h",
      bar,
      action,
      confidence,
      reasoning: "test",
      features: {},
      ...(veto ? { veto } : {}),
    },
    bar,
    { id: `sig-${agent}-${bar}`, writer: `agent.${agent}` },
  );
}

const spec = createOrchestratorSpec(sessionSetup());

describe("orchestrator", () => {
  it("decides a bar as soon as every enabled agent has voted, votes sorted by name", () => {
    deciderSpec(spec)
      .given(candle(t1, "42000.5"), signal("trend", t1, "BUY", 0.9), signal("technical", t1, "BUY", 0.7))
      .when(signal("risk", t1, "HOLD", 0.1))
      .then(
        like([
          {
            type: "DecisionMade",
            at: t1,
            data: {
              symbol: "BTC/USDT",
              timeframe: "1h",
              bar: t1,
              action: "BUY",
              price: "42000.5",
              missing: [],
              ruleVersion: voteRuleVersion,
              votes: [
                { agent: "risk", action: "HOLD", confidence: 0.1, weight: 1, signalId: `sig-risk-${t1}` },
                {
                  agent: "technical",
                  action: "BUY",
                  confidence: 0.7,
                  weight: 1,
                  signalId: `sig-technical-${t1}`,
                },
                { agent: "trend", action: "BUY", confidence: 0.9, weight: 1, signalId: `sig-trend-${t1}` },
              ],
            },
          },
        ]),
      );
  });

  it("waits while a voter is missing, then closes the bar when the next bar's candle arrives", () => {
    const r = deciderSpec(spec)
      .given(candle(t1), signal("trend", t1, "SELL", 0.9))
      .when(signal("technical", t1, "SELL", 0.8));
    expect(r.outputs).toEqual([]);
    const next = deciderSpec(spec)
      .given(candle(t1), signal("trend", t1, "SELL", 0.9), signal("technical", t1, "SELL", 0.8))
      .when(candle(t2));
    next.then(like([{ type: "DecisionMade", at: t2, data: { bar: t1, action: "SELL", missing: ["risk"] } }]));
    const d = next.outputs[0] as AnyEventDraft & { type: "DecisionMade" };
    expect(d.data.reasoning).toContain("no vote from risk");
  });

  it("ignores late votes, duplicate votes, other symbols and timeframes, and agents not enabled", () => {
    deciderSpec(spec)
      .given(candle(t1), candle(t2))
      .when(signal("trend", t1, "BUY", 1), candle(t1), candle(t2, "100", { timeframe: "1m" }))
      .then(like([]));
    deciderSpec(createOrchestratorSpec(sessionSetup(["trend"])))
      .given(candle(t1))
      .when(
        signal("technical", t1, "BUY", 1),
        candle("2024-01-01T01:00:00.000Z", "1", { symbol: "ETH/USDT" }),
      )
      .then(like([]));
    // The first vote of an agent for a bar stands.
    deciderSpec(createOrchestratorSpec(sessionSetup(["trend", "technical"])))
      .given(candle(t1), signal("trend", t1, "BUY", 0.9))
      .when(signal("trend", t1, "SELL", 0.9), signal("technical", t1, "BUY", 0.9))
      .then(like([{ type: "DecisionMade", data: { action: "BUY" } }]));
  });

  it("decides once per bar even when a round completes after the bar closed", () => {
    deciderSpec(spec)
      .given(
        candle(t1),
        signal("trend", t1, "BUY", 0.9),
        signal("technical", t1, "BUY", 0.9),
        signal("risk", t1, "BUY", 0.9),
      )
      .when(signal("risk", t1, "SELL", 1), candle(t2))
      .then(like([]));
  });

  it("records a veto and holds against it", () => {
    deciderSpec(spec)
      .given(candle(t1), signal("trend", t1, "BUY", 0.9), signal("technical", t1, "BUY", 0.9))
      .when(signal("risk", t1, "SELL", 0.5, true))
      .then(
        like([
          {
            type: "DecisionMade",
            data: {
              action: "HOLD",
              votes: [
                { agent: "risk", action: "SELL", veto: true },
                { agent: "technical" },
                { agent: "trend" },
              ],
            },
          },
        ]),
      );
  });

  it("makes the same decision whatever order the votes and the candle arrive in", () => {
    const events = [
      candle(t1, "123.4"),
      signal("trend", t1, "BUY", 0.55),
      signal("technical", t1, "SELL", 0.3),
      signal("risk", t1, "BUY", 0.61),
    ];
    const decisions = permutations(events).map((order) => {
      const driver = createMachineDriver(spec);
      return order.flatMap((e) => driver.feed(e));
    });
    for (const d of decisions) {
      expect(d).toHaveLength(1);
      expect(d[0]?.type).toBe("DecisionMade");
      expect(d[0]?.data).toEqual(decisions[0]?.[0]?.data);
    }
  });

  it("survives a persisted snapshot between two votes", () => {
    const driver = createMachineDriver(spec);
    driver.feed(candle(t1));
    driver.feed(signal("trend", t1, "BUY", 0.9));
    const restored = createMachineDriver(spec, JSON.parse(JSON.stringify(driver.persist())));
    restored.feed(signal("technical", t1, "BUY", 0.9));
    expect(restored.feed(signal("risk", t1, "BUY", 0.9))).toMatchObject([
      { data: { action: "BUY", missing: [] } },
    ]);
  });
});

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((x, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]),
  );
}
