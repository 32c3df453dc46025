import { describe, expect, it } from "vitest";
import { type AnyEventDraft, eventCatalog } from "../../events/index.ts";
import { createMachineDriver } from "../runtime/machine-driver.ts";
import { parseStrategy } from "../strategy/strategy-config.ts";
import { deciderSpec, stored } from "../testing/decider-spec.ts";
import { createRiskEngineSpec } from "./risk-engine.ts";
import {
  candle,
  commandAccepted,
  decision,
  hour,
  positionChanged,
  riskSetup,
  riskSetupWith,
  stopExit,
  valued,
} from "./risk-fixtures.ts";

const spec = deciderSpec(createRiskEngineSpec(riskSetup));
const specWith = (strategy: Record<string, unknown>) =>
  deciderSpec(createRiskEngineSpec(riskSetupWith(strategy)));

/** The rules a RiskRejected names. */
function rejectedRules(outputs: AnyEventDraft[]): string[] {
  const rejected = outputs.find((o) => o.type === "RiskRejected");
  expect(rejected, "a RiskRejected").toBeDefined();
  return rejected?.type === "RiskRejected" ? rejected.data.reasons.map((r) => r.rule) : [];
}

const wins = (n: number, at = hour(0)) =>
  Array.from({ length: n }, (_, i) => positionChanged(at, { closedPnl: "40", fillId: `win-${i}` }));

describe("risk engine: verdicts", () => {
  it("approves a first BUY with the initial size (no closed trade yet), stop and take-profit from the strategy", () => {
    spec
      .given(stored("SessionStarted", {}, hour(0), { writer: "session" }))
      .when(decision("BUY", hour(1)))
      .then([
        {
          type: "RiskApproved",
          at: hour(1),
          data: {
            symbol: "BTC/USDT",
            side: "buy",
            // 10 % (initialSizeFraction) of the 25 % position cap of 10 000 → 250 → 2.5 at 100.
            quantity: "2.5",
            price: "100",
            notional: "250",
            reduceOnly: false,
            sizing: { method: "initial", kellyFraction: 0.25, edge: 0, sampleSize: 0, capsApplied: [] },
            stopLoss: "98",
            takeProfit: "104",
            trailingPct: 1.5,
          },
        },
      ])
      .then((outputs) => {
        const approved = outputs[0];
        if (approved?.type !== "RiskApproved") throw new Error("expected RiskApproved");
        expect(approved.data.checks.every((c) => c.passed)).toBe(true);
        expect(approved.data.checks.map((c) => c.rule)).toEqual([
          "session_state",
          "trading_state",
          "drawdown",
          "stoploss_guard",
          "drawdown_halt",
          "daily_loss",
          "cooldown",
          "volatility_halt",
          "daily_loss_limit",
          "reward_risk",
          "trades_per_hour",
          "open_positions",
          "kelly_edge",
          "position_notional",
          "concentration",
          "total_exposure",
          "cash",
          "size",
        ]);
      });
  });

  it("produces nothing for a HOLD decision", () => {
    spec
      .given()
      .when(decision("HOLD", hour(1)))
      .then([]);
  });

  it("SELL while long closes the long (reduce-only, whole position, no stop)", () => {
    const { outputs } = spec
      .given(positionChanged(hour(1), { quantity: "3" }))
      .when(decision("SELL", hour(1)));
    expect(outputs).toMatchObject([
      {
        type: "RiskApproved",
        data: { side: "sell", quantity: "3", reduceOnly: true, sizing: { method: "close" } },
      },
    ]);
    expect(outputs[0]?.data).not.toHaveProperty("stopLoss");
  });

  it("BUY while short covers the short (reduce-only)", () => {
    spec
      .given(positionChanged(hour(1), { quantity: "-1.25" }))
      .when(decision("BUY", hour(1)))
      .then([{ type: "RiskApproved", data: { side: "buy", quantity: "1.25", reduceOnly: true } }]);
  });

  it("SELL while flat opens a short with the stop above and the take-profit below", () => {
    spec
      .given()
      .when(decision("SELL", hour(1)))
      .then([
        {
          type: "RiskApproved",
          data: { side: "sell", quantity: "2.5", reduceOnly: false, stopLoss: "102", takeProfit: "96" },
        },
      ]);
  });

  it("rejects opening a short when execution.allowShort is false", () => {
    const { outputs } = specWith({ execution: { allowShort: false } })
      .given()
      .when(decision("SELL", hour(1)));
    expect(rejectedRules(outputs)).toEqual(["short_allowed"]);
  });

  it("sizes by fractional Kelly from the closed trades, shrunk by the sample size", () => {
    // Returns +4 %, +4 %, +4 %, −2 %: p = 0.75, b = 2, f* = 0.625; n = 4, prior 20 → edge 0.625 × 4/24.
    const { outputs } = spec
      .given(positionChanged(hour(0), { closedPnl: "-20", fillId: "loss" }), ...wins(3, hour(1)))
      .when(decision("BUY", hour(2)));
    expect(outputs).toMatchObject([
      {
        type: "RiskApproved",
        data: {
          quantity: "2.604166",
          sizing: { method: "fractional-kelly", sampleSize: 4, capsApplied: [] },
        },
      },
    ]);
    const approved = outputs[0];
    if (approved?.type === "RiskApproved")
      expect(approved.data.sizing.edge).toBeCloseTo((0.625 * 4) / 24, 12);
  });

  it("caps the Kelly size by every limit and says which ones cut it", () => {
    // Full Kelly with no prior after one win: target = equity; position 25 %, concentration 40 %, exposure 50 %, cash.
    specWith({ risk: { kellyFraction: 1, kellyPriorTrades: 0 } })
      .given(...wins(1))
      .when(decision("BUY", hour(1)))
      .then([
        {
          type: "RiskApproved",
          data: {
            quantity: "25",
            notional: "2500",
            sizing: { capsApplied: ["position_notional", "concentration", "total_exposure", "cash"] },
          },
        },
      ]);
  });

  it("rejects on total exposure when other positions use it all", () => {
    const { outputs } = spec
      .given(positionChanged(hour(1), { symbol: "ETH/USDT", quantity: "50" }))
      .when(decision("BUY", hour(1)));
    expect(rejectedRules(outputs)).toEqual(["total_exposure", "size"]);
  });

  it("rejects on concentration when the symbol already holds its share of equity", () => {
    const { outputs } = spec
      .given(positionChanged(hour(1), { quantity: "40" }))
      .when(decision("BUY", hour(1)));
    expect(rejectedRules(outputs)).toEqual(["concentration", "size"]);
  });

  it("rejects a new position beyond maxOpenPositions", () => {
    const { outputs } = specWith({ risk: { maxOpenPositions: 1 } })
      .given(positionChanged(hour(1), { symbol: "ETH/USDT", quantity: "10" }))
      .when(decision("BUY", hour(1)));
    expect(rejectedRules(outputs)).toEqual(["open_positions"]);
  });

  it("rejects entries below the minimum reward:risk of the strategy's stop and take-profit", () => {
    const { outputs } = specWith({ agents: { trend: { takeProfitPct: 2, stopLossPct: 2 } } })
      .given()
      .when(decision("BUY", hour(1)));
    expect(rejectedRules(outputs)).toEqual(["reward_risk"]);
  });

  it("limits entries per hour (by decision time), reductions not counted", () => {
    const { outputs } = specWith({ risk: { maxTradesPerHour: 2 } })
      .given()
      .when(
        decision("BUY", hour(0, 15)),
        decision("BUY", hour(0, 30)),
        decision("BUY", hour(0, 45)),
        decision("BUY", hour(1, 14)),
        decision("BUY", hour(1, 16)),
      );
    expect(outputs.map((o) => o.type)).toEqual([
      "RiskApproved",
      "RiskApproved",
      "RiskRejected",
      "RiskRejected",
      "RiskApproved",
    ]);
    expect(rejectedRules(outputs)).toEqual(["trades_per_hour"]);
  });

  it("rejects with a 'no edge' check once the closed trades show no edge (size 0)", () => {
    const { outputs } = specWith({ risk: { cooldownMinutesAfterLoss: 0 } })
      .given(positionChanged(hour(0), { closedPnl: "-20" }))
      .when(decision("BUY", hour(1)));
    expect(rejectedRules(outputs)).toEqual(["kelly_edge", "size"]);
    const rejected = outputs[0];
    if (rejected?.type === "RiskRejected") expect(rejected.data.reasons[0]?.message).toMatch(/^no edge/);
  });

  it("keeps trading at the initial size through the learning phase, then lets Kelly decide", () => {
    const learning = deciderSpec(
      createRiskEngineSpec({
        ...riskSetup,
        strategy: parseStrategy({ risk: { cooldownMinutesAfterLoss: 0, kellyMinTrades: 2 } }),
      }),
    );
    const oneLoss = learning
      .given(positionChanged(hour(0), { closedPnl: "-20" }))
      .when(decision("BUY", hour(1)));
    expect(oneLoss.outputs[0]).toMatchObject({
      type: "RiskApproved",
      data: { sizing: { method: "initial" } },
    });
    const twoLosses = learning
      .given(positionChanged(hour(0), { closedPnl: "-20" }), positionChanged(hour(0), { closedPnl: "-20" }))
      .when(decision("BUY", hour(1)));
    expect(rejectedRules(twoLosses.outputs)).toEqual(["kelly_edge", "size"]);
  });

  it("blocks entries while the session is paused or halted; while stopping only reductions pass", () => {
    const paused = stored("SessionPaused", { reason: "operator" }, hour(1), { writer: "session" });
    expect(rejectedRules(spec.given(paused).when(decision("BUY", hour(1))).outputs)).toEqual([
      "session_state",
    ]);
    const long = positionChanged(hour(1), { quantity: "3" });
    const halted = stored("SessionHalted", { reason: "breaker" }, hour(1), { writer: "session" });
    expect(rejectedRules(spec.given(long, halted).when(decision("SELL", hour(1))).outputs)).toEqual([
      "session_state",
    ]);
    const stopping = stored("SessionStopping", { reason: "end of data" }, hour(1), { writer: "session" });
    const { outputs } = spec.given(long, stopping).when(decision("SELL", hour(1)), decision("BUY", hour(1)));
    expect(outputs[0]).toMatchObject({ type: "RiskApproved", data: { reduceOnly: true, quantity: "3" } });
    expect(rejectedRules(outputs)).toEqual(["session_state"]);
  });

  it("judges a decision on bar t with the valuation of bar t, whichever arrives first", () => {
    const decided = decision("BUY", hour(2));
    const first = spec.given(valued(1)).when(decided);
    expect(first.outputs).toEqual([]);
    const late = first.driver.feed(valued(2, { equity: "20000", cash: "20000", peakEquity: "20000" }));
    const early = spec
      .given(valued(1), valued(2, { equity: "20000", cash: "20000", peakEquity: "20000" }))
      .when(decision("BUY", hour(2))).outputs;
    // Same verdict apart from the decision's id (two different stored decisions)…
    const verdict = (outputs: AnyEventDraft[]) =>
      outputs.map(({ cause: _cause, ...o }) => ({ ...o, data: { ...o.data, decisionId: "" } }));
    expect(verdict(late)).toEqual(verdict(early));
    // …and caused by the decision, not by the valuation that let it be judged.
    expect(late[0]?.cause?.id).toBe(decided.id);
    expect(early).toMatchObject([{ type: "RiskApproved", data: { quantity: "5" } }]);
  });

  it("judges a pending decision when the next bar closes before its valuation", () => {
    spec
      .given(valued(1), decision("BUY", hour(2)))
      .when(candle(3))
      .then([{ type: "RiskApproved", at: hour(2), data: { quantity: "2.5" } }]);
  });

  it("resumes from a persisted snapshot with the same verdicts", () => {
    const engine = createRiskEngineSpec(riskSetup);
    const a = createMachineDriver(engine);
    for (const e of [...wins(2), positionChanged(hour(1), { quantity: "1" }), valued(1, { quantity: "1" })])
      a.feed(e);
    const b = createMachineDriver(engine, JSON.parse(JSON.stringify(a.persist())));
    const next = decision("BUY", hour(2));
    expect(b.feed(next)).toEqual(a.feed(next));
  });
});

describe("risk engine: trading states", () => {
  // A wide daily-loss limit, so the drawdown alone is what these specs move.
  const spec = specWith({ risk: { maxDailyLossPct: 50 } });

  it("goes REDUCING at reducingDrawdownPct: entries rejected, reductions approved", () => {
    const dd = valued(1, { drawdown: 0.11, quantity: "3", equity: "8900", peakEquity: "10000" });
    spec
      .given()
      .when(dd)
      .then([{ type: "TradingStateChanged", data: { from: "ACTIVE", to: "REDUCING" } }]);
    const { outputs } = spec.given(dd).when(decision("BUY", hour(1)), decision("SELL", hour(1)));
    expect(rejectedRules(outputs)).toEqual(["trading_state", "drawdown"]);
    expect(outputs[1]).toMatchObject({ type: "RiskApproved", data: { reduceOnly: true, quantity: "3" } });
  });

  it("halts at maxDrawdownPct until an operator resumes; a resume re-arms once the drawdown recovers", () => {
    const deep = (h: number) =>
      valued(h, { drawdown: 0.16, quantity: "3", equity: "8400", peakEquity: "10000" });
    spec
      .given()
      .when(deep(1))
      .then([
        { type: "CircuitBreakerTripped", data: { breaker: "drawdown_halt", threshold: "15" } },
        { type: "TradingStateChanged", data: { from: "ACTIVE", to: "HALTED" } },
      ]);
    const halted = spec.given(deep(1)).when(decision("BUY", hour(1)), decision("SELL", hour(1)));
    expect(rejectedRules(halted.outputs)).toEqual(["trading_state", "drawdown", "drawdown_halt"]);
    expect(halted.outputs[1]).toMatchObject({
      type: "RiskRejected",
      data: { reasons: [{ rule: "trading_state" }] },
    });
    // Time alone does not reset it.
    spec.given(deep(1)).when(candle(30)).then([]);
    spec
      .given(deep(1))
      .when(commandAccepted("resume", "halted", "running", hour(2)), deep(2), decision("SELL", hour(2)))
      .then([
        { type: "CircuitBreakerReset", data: { breaker: "drawdown_halt" } },
        { type: "TradingStateChanged", data: { from: "HALTED", to: "REDUCING" } },
        { type: "RiskApproved", data: { reduceOnly: true } },
      ]);
    spec
      .given(deep(1), commandAccepted("resume", "halted", "running", hour(2)))
      .when(valued(3, { drawdown: 0.05 }), deep(4))
      .then([
        { type: "TradingStateChanged", data: { from: "REDUCING", to: "ACTIVE" } },
        { type: "CircuitBreakerTripped", data: { breaker: "drawdown_halt" } },
        { type: "TradingStateChanged", data: { from: "ACTIVE", to: "HALTED" } },
      ]);
  });
});

describe("risk engine: protections", () => {
  it("daily-loss limit: trips at maxDailyLossPct, blocks entries, resets on the next UTC day", () => {
    const down = valued(5, { equity: "9400", drawdown: 0.06, peakEquity: "10000" });
    spec
      .given(valued(1))
      .when(down)
      .then([
        {
          type: "CircuitBreakerTripped",
          at: hour(5),
          data: { breaker: "daily_loss", value: "6.0000", threshold: "5", until: "2024-01-02T00:00:00.000Z" },
        },
      ]);
    const blocked = spec.given(valued(1), down).when(decision("BUY", hour(5)));
    expect(rejectedRules(blocked.outputs)).toEqual(["daily_loss", "daily_loss_limit"]);
    spec
      .given(valued(1), down)
      .when(
        candle(25),
        valued(25, { equity: "9400", drawdown: 0.06, peakEquity: "10000" }),
        decision("BUY", hour(25)),
      )
      .then([
        { type: "CircuitBreakerReset", at: hour(25), data: { breaker: "daily_loss" } },
        { type: "RiskApproved" },
      ]);
  });

  it("cooldown after a losing trade: entries blocked for cooldownMinutesAfterLoss", () => {
    const loss = positionChanged(hour(1), { closedPnl: "-20", fillId: "loss" });
    spec
      .given(...wins(3))
      .when(loss)
      .then([{ type: "CircuitBreakerTripped", data: { breaker: "cooldown", until: hour(1, 15) } }]);
    const blocked = spec.given(...wins(3), loss).when(decision("BUY", hour(1, 10)));
    expect(rejectedRules(blocked.outputs)).toEqual(["cooldown"]);
    spec
      .given(...wins(3), loss)
      .when(decision("BUY", hour(1, 30)))
      .then([
        { type: "CircuitBreakerReset", at: hour(1, 30), data: { breaker: "cooldown" } },
        { type: "RiskApproved" },
      ]);
  });

  it("stop-loss guard: maxStops losing stop exits within the window halt entries for haltMinutes", () => {
    const noCooldown = specWith({ risk: { cooldownMinutesAfterLoss: 0 } });
    const stops = [...stopExit("o1", hour(1)), ...stopExit("o2", hour(2), "trailing_stop")];
    noCooldown
      .given(...wins(6), ...stops)
      .when(...stopExit("o3", hour(3)))
      .then([
        {
          type: "CircuitBreakerTripped",
          at: hour(3),
          data: { breaker: "stoploss_guard", value: "3", threshold: "3", until: hour(5) },
        },
      ]);
    const blocked = noCooldown
      .given(...wins(6), ...stops, ...stopExit("o3", hour(3)))
      .when(decision("BUY", hour(4)));
    expect(rejectedRules(blocked.outputs)).toEqual(["stoploss_guard"]);
    noCooldown
      .given(...wins(6), ...stops, ...stopExit("o3", hour(3)))
      .when(candle(5))
      .then([{ type: "CircuitBreakerReset", at: hour(5), data: { breaker: "stoploss_guard" } }]);
  });

  it("stop-loss guard ignores stops spread beyond the window and losing exits that were not stops", () => {
    const noCooldown = specWith({ risk: { cooldownMinutesAfterLoss: 0 } });
    noCooldown
      .given(...stopExit("a", hour(1)), ...stopExit("b", hour(6)))
      .when(...stopExit("c", hour(11)))
      .then([]);
    noCooldown
      .given(positionChanged(hour(1), { closedPnl: "-20", fillId: "m1" }))
      .when(
        positionChanged(hour(2), { closedPnl: "-20", fillId: "m2" }),
        positionChanged(hour(3), { closedPnl: "-20", fillId: "m3" }),
      )
      .then([]);
  });

  it("volatility halt: a bar wider than maxBarRangePct halts entries for haltMinutes", () => {
    const wild = candle(1, { open: "100", high: "106", low: "100" });
    spec
      .given()
      .when(wild)
      .then([
        {
          type: "CircuitBreakerTripped",
          at: hour(1),
          data: { breaker: "volatility_halt", value: "6.0000", threshold: "5", until: hour(2) },
        },
      ]);
    expect(rejectedRules(spec.given(wild).when(decision("BUY", hour(1))).outputs)).toEqual([
      "volatility_halt",
    ]);
    spec
      .given(wild)
      .when(candle(2))
      .then([{ type: "CircuitBreakerReset", at: hour(2), data: { breaker: "volatility_halt" } }]);
  });
});

describe("risk engine: outputs", () => {
  it("emits only drafts the event catalog accepts", () => {
    const driver = createMachineDriver(createRiskEngineSpec(riskSetup));
    const inputs = [
      candle(1, { open: "100", high: "106", low: "100" }),
      decision("BUY", hour(1)),
      candle(2),
      decision("BUY", hour(2)),
      positionChanged(hour(3), { quantity: "2.5" }),
      decision("SELL", hour(3)),
      ...stopExit("s1", hour(4)),
      ...stopExit("s2", hour(4, 10)),
      ...stopExit("s3", hour(4, 20)),
      valued(5, { drawdown: 0.16, equity: "8400", peakEquity: "10000" }),
      decision("SELL", hour(5)),
      commandAccepted("resume", "halted", "running", hour(6)),
      candle(30),
    ];
    const outputs = inputs.flatMap((e) => driver.feed(e));
    const types = new Set(outputs.map((o) => o.type));
    for (const t of [
      "RiskApproved",
      "RiskRejected",
      "CircuitBreakerTripped",
      "CircuitBreakerReset",
      "TradingStateChanged",
    ])
      expect(types, t).toContain(t);
    for (const o of outputs) {
      const parsed = eventCatalog[o.type].schema.safeParse(o.data);
      expect(parsed.success, `${o.type}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });
});
