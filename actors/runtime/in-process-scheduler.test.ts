import { describe, expect, it } from "vitest";
import { enqueueActions, setup as xstateSetup } from "xstate";
import {
  type AnyEvent,
  type AnyEventDraft,
  ConcurrencyError,
  createEmbeddedEventLog,
  sessionHash,
} from "../../events/index.ts";
import { createOrchestratorSpec } from "../orchestrator/orchestrator-machine.ts";
import { createSessionSpec } from "../session/session-machine.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import { parseStrategy } from "../strategy/strategy-config.ts";
import { createInProcessSession } from "./in-process-scheduler.ts";
import type { ActorSpec } from "./machine-driver.ts";
import { createPassThroughLog } from "./pass-through-log.ts";
import { runInProcessSession } from "./run-in-process-session.ts";

// Stand-ins for the real agents and execution: the scheduler is under test here, not their judgement.

/** An agent voting BUY on an up bar and SELL on a down bar. */
const candleAgent = xstateSetup({
  types: {
    events: {} as AnyEvent,
    emitted: {} as AnyEventDraft,
    input: {} as { agent: "trend" | "technical" },
  },
}).createMachine({
  context: ({ input }) => input,
  on: {
    CandleClosed: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== "CandleClosed") return;
        const up = Number(event.data.close) >= Number(event.data.open);
        enqueue.emit({
          type: "SignalEmitted",
          at: event.at,
          data: {
            agent: context.agent,
            symbol: event.data.symbol,
            timeframe: event.data.timeframe,
            bar: event.data.closeTime,
            action: up ? "BUY" : "SELL",
            confidence: 0.8,
            reasoning: up ? "up bar" : "down bar",
            features: { close: Number(event.data.close) },
          },
        });
      }),
    },
  },
});

/** Execution reduced to its rhythm: one valuation per bar, and a final one at the end of the data. */
const valuer = xstateSetup({ types: { events: {} as AnyEvent, emitted: {} as AnyEventDraft } }).createMachine(
  {
    on: {
      "*": {
        actions: enqueueActions(({ event, enqueue }) => {
          if (event.type !== "CandleClosed" && event.type !== "MarketDataEnded") return;
          enqueue.emit({
            type: "PortfolioValued",
            at: event.at,
            data: {
              bar: event.at,
              cash: "1000",
              equity: "1000",
              peakEquity: "1000",
              drawdown: 0,
              exposure: "0",
              positions: [],
              realizedPnl: "0",
              unrealizedPnl: "0",
              fees: "0",
            },
          });
        }),
      },
    },
  },
);

function sessionSetup(sessionId: string): SessionSetup {
  return {
    sessionId,
    mode: "backtest",
    symbol: "BTC/USDT",
    timeframe: "1m",
    strategy: parseStrategy({ enabledAgents: ["technical", "trend"] }),
    initialCash: "1000",
    quoteCurrency: "USDT",
  };
}

function specs(setup: SessionSetup): ActorSpec[] {
  const agent = (name: "technical" | "trend"): ActorSpec => ({
    writer: `agent.${name}`,
    machine: candleAgent,
    input: { agent: name },
    accepts: ["CandleClosed"],
    machineVersion: "stand-in",
  });
  return [
    createSessionSpec(setup),
    agent("technical"),
    agent("trend"),
    createOrchestratorSpec(setup),
    {
      writer: "exec",
      machine: valuer,
      input: {},
      accepts: ["CandleClosed", "MarketDataEnded"],
      machineVersion: "stand-in",
    },
  ];
}

/** A tiny seeded random walk of 1-minute candles, ended by MarketDataEnded. */
function* walk(bars: number, seed: number): Generator<AnyEventDraft> {
  let s = seed >>> 0;
  let price = 100;
  const t0 = Date.parse("2024-03-01T00:00:00.000Z");
  let last = "";
  for (let i = 0; i < bars; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const open = price;
    price = Math.max(1, Math.round((price + ((s % 200) - 100) / 50) * 100) / 100);
    const openTime = new Date(t0 + i * 60_000).toISOString();
    last = new Date(t0 + (i + 1) * 60_000).toISOString();
    yield {
      type: "CandleClosed",
      at: last,
      data: {
        symbol: "BTC/USDT",
        timeframe: "1m",
        openTime,
        closeTime: last,
        open: String(open),
        high: String(Math.max(open, price) + 0.5),
        low: String(Math.max(0.5, Math.min(open, price) - 0.5)),
        close: String(price),
        volume: "12.5",
        sourceBars: 1,
      },
    };
  }
  yield { type: "MarketDataEnded", at: last, data: { bars, lastBarClose: last } };
}

const fixedClock = () => "2030-01-01T00:00:00.000Z";

describe("in-process scheduler", () => {
  it("runs a session: created, started, a decision per bar, stopped at the final valuation", () => {
    const setup = sessionSetup("sched1");
    const r = runInProcessSession(setup, walk(20, 7), { specs: specs(setup) });
    const types = r.events.map((e) => e.type);
    expect(types.slice(0, 4)).toEqual([
      "SessionCreated",
      "CommandIssued",
      "CommandAccepted",
      "SessionStarted",
    ]);
    expect(types.filter((t) => t === "DecisionMade")).toHaveLength(20);
    expect(types.at(-1)).toBe("SessionStopped");
    expect(r.summary).toMatchObject({
      sessionId: "sched1",
      status: "stopped",
      bars: 20,
      signals: 40,
      decisions: { total: 20 },
      initialCash: "1000",
      finalEquity: "1000",
      pnl: "0",
    });
    expect(r.summary.decisions.BUY + r.summary.decisions.SELL + r.summary.decisions.HOLD).toBe(20);
    expect(r.summary.decisions.BUY).toBeGreaterThan(0);
    expect(r.summary.decisions.SELL).toBeGreaterThan(0);
  });

  it("dispatches FIFO: a bar's signals, then its decision, then its valuation, all before the next bar", () => {
    const setup = sessionSetup("sched2");
    const r = runInProcessSession(setup, walk(2, 1), { specs: specs(setup) });
    const afterStart = r.events.slice(4).map((e) => `${e.writer}:${e.type}`);
    expect(afterStart).toEqual([
      "feed:CandleClosed",
      "agent.technical:SignalEmitted",
      "agent.trend:SignalEmitted",
      "exec:PortfolioValued",
      "orchestrator:DecisionMade",
      "feed:CandleClosed",
      "agent.technical:SignalEmitted",
      "agent.trend:SignalEmitted",
      "exec:PortfolioValued",
      "orchestrator:DecisionMade",
      "feed:MarketDataEnded",
      "session:SessionStopping",
      "exec:PortfolioValued",
      "session:SessionStopped",
    ]);
  });

  it("links every output to its cause and correlates it with the root input", () => {
    const setup = sessionSetup("sched3");
    const r = runInProcessSession(setup, walk(3, 2), { specs: specs(setup) });
    const byId = new Map(r.events.map((e) => [e.id, e]));
    for (const e of r.events) {
      if (e.writer === "feed" || e.writer === "control" || e.type === "SessionCreated") {
        expect(e.causationId).toBeNull();
        expect(e.correlationId).toBe(e.id);
      } else {
        const cause = byId.get(e.causationId as string);
        expect(cause, `${e.type} has its cause in the log`).toBeDefined();
        expect(e.correlationId).toBe(cause?.correlationId);
      }
    }
    const decision = r.events.find((e) => e.type === "DecisionMade");
    if (decision?.type !== "DecisionMade") throw new Error("no decision");
    for (const v of decision.data.votes) expect(byId.get(v.signalId)?.type).toBe("SignalEmitted");
  });

  it("is deterministic: the same input gives the same events and hash, whatever the session id", () => {
    const a = runInProcessSession(sessionSetup("alpha"), walk(50, 3), {
      specs: specs(sessionSetup("alpha")),
    });
    const b = runInProcessSession(sessionSetup("beta"), walk(50, 3), {
      specs: specs(sessionSetup("beta")),
      recordedAt: () => new Date().toISOString(),
    });
    const c = runInProcessSession(sessionSetup("alpha"), walk(50, 3), {
      specs: specs(sessionSetup("alpha")),
    });
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.hash).toBe(a.hash);
    expect(c.events.map((e) => e.id)).toEqual(a.events.map((e) => e.id));
    expect(b.events[10]?.id).not.toBe(a.events[10]?.id);
    const other = runInProcessSession(sessionSetup("alpha"), walk(50, 4), {
      specs: specs(sessionSetup("alpha")),
    });
    expect(other.hash).not.toBe(a.hash);
    expect(sessionHash(a.events)).toBe(a.hash);
  });

  it("answers operator commands between bars", () => {
    const setup = sessionSetup("sched4");
    const log = createEmbeddedEventLog();
    const s = createInProcessSession({ setup, log, recordedAt: fixedClock, specs: specs(setup) });
    const feed = [...walk(3, 5)];
    s.start(feed[0]?.at as string);
    s.push(feed[0] as AnyEventDraft);
    s.command("pause", { issuedBy: "cli", reason: "look" });
    s.command("start");
    s.push(feed[1] as AnyEventDraft);
    s.command("resume");
    s.push(feed[2] as AnyEventDraft);
    s.push(feed[3] as AnyEventDraft);
    s.command("pause");
    const answers = s
      .events()
      .filter((e) => e.type === "CommandAccepted" || e.type === "CommandRejected")
      .map((e) =>
        e.type === "CommandRejected"
          ? `rejected ${e.data.command}: ${e.data.reason}`
          : `accepted ${e.data.command}`,
      );
    expect(answers).toEqual([
      "accepted start",
      "accepted pause",
      "rejected start: cannot start: session is paused (only a created session can start)",
      "accepted resume",
      "rejected pause: cannot pause: session is stopped (only a running session can pause)",
    ]);
    const issued = s.events().filter((e) => e.type === "CommandIssued");
    expect(issued.every((e) => e.at <= (feed[3]?.at as string))).toBe(true);
    expect(s.summary().status).toBe("stopped");
    expect(s.progress()).toEqual({ bars: 3, events: s.events().length });
  });

  it("fences each writer with OCC: a foreign append on its subject stops the run", () => {
    const setup = sessionSetup("sched5");
    const log = createEmbeddedEventLog();
    const s = createInProcessSession({ setup, log, recordedAt: fixedClock, specs: specs(setup) });
    const feed = [...walk(3, 5)];
    s.start(feed[0]?.at as string);
    s.push(feed[0] as AnyEventDraft);
    const intruder = s.events().find((e) => e.writer === "orchestrator") as AnyEvent;
    log.appendSync(intruder.subject, [{ ...intruder, id: "intruder" }]);
    expect(() => s.push(feed[1] as AnyEventDraft)).toThrow(ConcurrencyError);
  });

  it("reports progress and appends MarketDataEnded when the feed lacks it", () => {
    const setup = sessionSetup("sched6");
    const seen: { bars: number; events: number }[] = [];
    const drafts = [...walk(25, 9)].filter((d) => d.type !== "MarketDataEnded");
    const r = runInProcessSession(setup, drafts, {
      specs: specs(setup),
      progressEvery: 10,
      onProgress: (p) => seen.push(p),
    });
    expect(seen.map((p) => p.bars)).toEqual([10, 20, 25]);
    expect(seen.at(-1)?.events).toBe(r.events.length);
    const end = r.events.find((e) => e.type === "MarketDataEnded");
    expect(end?.data).toEqual({ bars: 25, lastBarClose: drafts.at(-1)?.at });
    expect(r.summary.status).toBe("stopped");
  });

  it("names the actor and the input when a machine fails", () => {
    const setup = sessionSetup("sched7");
    const broken = xstateSetup({ types: { events: {} as AnyEvent } }).createMachine({
      on: {
        CandleClosed: {
          actions: () => {
            throw new Error("boom");
          },
        },
      },
    });
    const s = createInProcessSession({
      setup,
      log: createEmbeddedEventLog(),
      recordedAt: fixedClock,
      specs: [
        { writer: "agent.trend", machine: broken, input: {}, accepts: ["CandleClosed"], machineVersion: "x" },
      ],
    });
    const feed = [...walk(1, 1)];
    s.start(feed[0]?.at as string);
    expect(() => s.push(feed[0] as AnyEventDraft)).toThrow(/agent\.trend failed on CandleClosed/);
  });

  it("runs the same on a pass-through log, holding no events", () => {
    const setup = sessionSetup("sched8");
    const kept = runInProcessSession(setup, walk(30, 11), { specs: specs(setup) });
    const log = createPassThroughLog();
    const streamed = runInProcessSession(setup, walk(30, 11), { specs: specs(setup), log, hash: false });
    expect(streamed.summary).toEqual(kept.summary);
    expect(streamed.events).toEqual([]);
    expect(log.size).toBe(kept.events.length);
  });

  it("measures time per actor and for appends when asked", () => {
    const setup = sessionSetup("sched9");
    const timed = runInProcessSession(setup, walk(5, 1), { specs: specs(setup), timings: true });
    expect(Object.keys(timed.timings).sort()).toEqual([
      "agent.technical",
      "agent.trend",
      "append",
      "exec",
      "orchestrator",
      "session",
    ]);
    expect(timed.timings["agent.trend"]?.calls).toBe(5);
    expect(timed.timings.append?.calls).toBeGreaterThan(0);
    expect(runInProcessSession(setup, walk(5, 1), { specs: specs(setup) }).timings).toEqual({});
  });
});
