import { Decimal } from "decimal.js";
import { describe, expect, it } from "vitest";
import { type AnyEvent, createEmbeddedEventLog } from "../../events/index.ts";
import { syntheticMarket } from "../market/synthetic-market.ts";
import { createSessionActors } from "../session/session-actors.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import { summariseSession } from "../session/session-summary.ts";
import { defaultStrategy, parseStrategy } from "../strategy/strategy-config.ts";
import { createInProcessSession } from "./in-process-scheduler.ts";
import { runInProcessSession } from "./run-in-process-session.ts";

function sessionSetup(sessionId: string): SessionSetup {
  return {
    sessionId,
    mode: "backtest",
    symbol: "BTC/USDT",
    timeframe: "1m",
    strategy: defaultStrategy,
    initialCash: "10000",
    quoteCurrency: "USDT",
  };
}

const market = (bars: number, seed: number) => syntheticMarket({ seed, bars });

function count(events: readonly AnyEvent[], type: AnyEvent["type"]): number {
  return events.filter((e) => e.type === type).length;
}

describe("a whole session in process, every real actor", () => {
  const run = runInProcessSession(sessionSetup("whole1"), market(800, 42));
  const { events, summary } = run;

  it("lists the actors in the dispatch order of the flow contract", () => {
    expect(createSessionActors(sessionSetup("x")).map((s) => s.writer)).toEqual([
      "session",
      "agent.arbitrage",
      "agent.orderbook",
      "agent.reversion",
      "agent.risk",
      "agent.sentiment",
      "agent.technical",
      "agent.trend",
      "orchestrator",
      "risk",
      "exec",
    ]);
  });

  it("turns signals into decisions, verdicts, orders and fills", () => {
    expect(summary.bars).toBe(800);
    expect(summary.signals).toBe(800 * 7);
    expect(summary.decisions.total).toBe(800);
    expect(summary.decisions.BUY + summary.decisions.SELL).toBeGreaterThan(0);
    expect(summary.riskApproved + summary.riskRejected).toBe(summary.decisions.BUY + summary.decisions.SELL);
    expect(summary.riskApproved).toBeGreaterThan(0);
    expect(summary.orders).toBeGreaterThan(0);
    expect(summary.fills).toBeGreaterThan(0);
    expect(summary.trades).toBeGreaterThan(0);
    // Every decision closed with all seven voters: the scheduler delivers every bar's signals before the next bar.
    for (const e of events) if (e.type === "DecisionMade") expect(e.data.missing).toEqual([]);
  });

  it("ends stopped and flat, with the numbers adding up", () => {
    expect(summary.status).toBe("stopped");
    const lastValuation = events.findLast((e) => e.type === "PortfolioValued");
    if (lastValuation?.type !== "PortfolioValued") throw new Error("no valuation");
    for (const p of lastValuation.data.positions) expect(new Decimal(p.quantity).isZero()).toBe(true);
    expect(lastValuation.data.equity).toBe(lastValuation.data.cash);
    expect(summary.finalEquity).toBe(lastValuation.data.equity);
    expect(new Decimal(summary.pnl).eq(new Decimal(summary.finalEquity).minus(summary.initialCash))).toBe(
      true,
    );
    expect(new Decimal(summary.fees).eq(lastValuation.data.fees)).toBe(true);
    expect(summary.fills).toBe(count(events, "OrderFilled"));
    expect(summary.trades).toBe(summary.wins + summary.losses);
    expect(summary.maxDrawdown).toBeGreaterThanOrEqual(0);
    expect(summariseSession(events)).toEqual(summary);
    const stopped = events.at(-1);
    expect(stopped?.type).toBe("SessionStopped");
  });

  it("gives the same hash for the same input, whatever the session id", () => {
    const again = runInProcessSession(sessionSetup("whole2"), market(800, 42), {
      recordedAt: () => new Date().toISOString(),
    });
    expect(again.hash).toBe(run.hash);
    expect(again.events[5]?.id).not.toBe(events[5]?.id);
    const other = runInProcessSession(sessionSetup("whole1"), market(800, 43));
    expect(other.hash).not.toBe(run.hash);
  });
});

describe("operator commands against the real actors", () => {
  it("flatten closes the open position at the next bar; pause blocks new entries", () => {
    const setup = sessionSetup("flat1");
    const s = createInProcessSession({
      setup,
      log: createEmbeddedEventLog(),
      recordedAt: () => "2030-01-01T00:00:00.000Z",
    });
    const feed = [...market(300, 42)];
    s.start(feed[0]?.at as string);
    const position = () => {
      const last = s.events().findLast((e) => e.type === "PositionChanged");
      return last?.type === "PositionChanged" ? new Decimal(last.data.quantity) : new Decimal(0);
    };
    let i = 0;
    while (i < feed.length && position().isZero()) s.push(feed[i++] as (typeof feed)[number]);
    expect(position().isZero(), "a position opened").toBe(false);
    s.command("flatten", { issuedBy: "cli" });
    s.command("pause", { issuedBy: "cli" });
    const flattenAnswer = s
      .events()
      .find((e) => e.type === "CommandAccepted" && e.data.command === "flatten");
    expect(flattenAnswer).toBeDefined();
    // Run to the next strategy bar: the flatten order fills at its open.
    const before = s.events().length;
    while (
      i < feed.length &&
      !s
        .events()
        .slice(before)
        .some((e) => e.type === "CandleClosed")
    ) {
      s.push(feed[i++] as (typeof feed)[number]);
    }
    expect(position().isZero()).toBe(true);
    // While paused, no decision is approved as a new entry.
    const pausedFrom = s.events().length;
    for (; i < Math.min(feed.length, 200); i++) s.push(feed[i] as (typeof feed)[number]);
    const approvals = s
      .events()
      .slice(pausedFrom)
      .filter((e) => e.type === "RiskApproved");
    for (const a of approvals) if (a.type === "RiskApproved") expect(a.data.reduceOnly).toBe(true);
    expect(s.summary().status).toBe("paused");
    s.close();
  });

  it("a drawdown halt stops the session until an operator resumes; positions still close at the end", () => {
    const setup = {
      ...sessionSetup("halt1"),
      // A hair-trigger drawdown limit, so the synthetic market trips it within a few bars.
      strategy: parseStrategy({ risk: { maxDrawdownPct: 0.002, reducingDrawdownPct: 0.001 } }),
    };
    const s = createInProcessSession({
      setup,
      log: createEmbeddedEventLog(),
      recordedAt: () => "2030-01-01T00:00:00.000Z",
    });
    const feed = [...market(200, 42)];
    s.start(feed[0]?.at as string);
    let i = 0;
    while (i < feed.length && s.summary().status !== "halted") s.push(feed[i++] as (typeof feed)[number]);
    expect(s.summary().status).toBe("halted");
    const halted = s.events().findLast((e) => e.type === "SessionHalted");
    expect(halted?.data).toMatchObject({ breaker: "drawdown_halt" });
    s.command("pause", { issuedBy: "cli" });
    s.command("resume", { issuedBy: "cli" });
    const answers = s.events().filter((e) => e.type === "CommandAccepted" || e.type === "CommandRejected");
    expect(answers.slice(-2).map((e) => `${e.type} ${e.data.command}`)).toEqual([
      "CommandRejected pause",
      "CommandAccepted resume",
    ]);
    expect(s.events().some((e) => e.type === "SessionResumed")).toBe(true);
    expect(
      s.events().some((e) => e.type === "CircuitBreakerReset" && e.data.breaker === "drawdown_halt"),
    ).toBe(true);
    for (; i < feed.length; i++) s.push(feed[i] as (typeof feed)[number]);
    expect(s.summary().status).toBe("stopped");
    const last = s.events().findLast((e) => e.type === "PortfolioValued");
    if (last?.type !== "PortfolioValued") throw new Error("no valuation");
    for (const p of last.data.positions) expect(new Decimal(p.quantity).isZero()).toBe(true);
    s.close();
  });
});
