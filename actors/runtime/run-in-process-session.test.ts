import { Decimal } from "decimal.js";
import { describe, expect, it } from "vitest";
import type { AnyEvent } from "../../events/index.ts";
import { syntheticMarket } from "../market/synthetic-market.ts";
import { createSessionActors } from "../session/session-actors.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import { summariseSession } from "../session/session-summary.ts";
import { defaultStrategy } from "../strategy/strategy-config.ts";
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
