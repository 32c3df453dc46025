import { describe, expect, it } from "vitest";
import { type AnyEvent, createEmbeddedEventLog } from "../../events/index.ts";
import { syntheticMarket } from "../market/synthetic-market.ts";
import { createMemorySnapshotStore } from "../runtime/actor-host.ts";
import { createInProcessSession } from "../runtime/in-process-scheduler.ts";
import { openSessionOnLog, runSessionOnLog } from "../runtime/log-session-runner.ts";
import { createSessionActors } from "../session/session-actors.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import { defaultStrategy, parseStrategy } from "../strategy/strategy-config.ts";
import { compareReplay, diffFields } from "./compare-replay.ts";
import { compareSessions } from "./compare-sessions.ts";
import { extractRecordedInputs } from "./recorded-inputs.ts";
import { replaySession } from "./replay-session.ts";

const setup = (sessionId: string, strategy = defaultStrategy): SessionSetup => ({
  sessionId,
  mode: "paper",
  symbol: "BTC/USDT",
  timeframe: "1m",
  strategy,
  initialCash: "10000",
  quoteCurrency: "USDT",
});

/** A recorded in-process session with an operator's pause and resume in the middle. */
function recorded(bars: number): AnyEvent[] {
  const log = createEmbeddedEventLog({ root: "cf" });
  const s = createInProcessSession({ setup: setup("rec1"), log, recordedAt: () => new Date().toISOString() });
  const feed = [...syntheticMarket({ seed: 11, bars })];
  s.start((feed[0] as { at: string }).at);
  feed.forEach((d, i) => {
    s.push(d);
    if (i === 100) s.command("pause", { reason: "operator look", issuedBy: "alice" });
    if (i === 140) s.command("resume", { reason: "carry on", issuedBy: "alice" });
  });
  const events = s.events();
  s.close();
  return events;
}

const session = recorded(300);

describe("replay --verify", () => {
  it("extracts the feed and the operator commands at their positions, the runner's start set apart", () => {
    const inputs = extractRecordedInputs(session);
    expect(inputs.created.type).toBe("SessionCreated");
    expect(inputs.start?.data.command).toBe("start");
    expect(inputs.commands).toBe(2);
    expect(inputs.feedEvents).toBe(session.filter((e) => e.writer === "feed").length);
    const firstCommand = inputs.steps.findIndex((s) => s.kind === "command");
    expect(inputs.steps.slice(0, firstCommand).filter((s) => s.kind === "feed").length).toBe(101);
  });

  it("reproduces every output event of the recording, under the same or another session id", () => {
    const inputs = extractRecordedInputs(session);
    for (const id of ["rec1", "elsewhere"]) {
      const run = replaySession(setup(id), inputs);
      const v = compareReplay(session, run.events);
      expect(v.divergence).toBeNull();
      expect(v.match).toBe(true);
      expect(v.compared).toBe(
        session.filter((e) => e.writer !== "feed" && e.writer !== "control").length - 1,
      );
      expect(v.replayedHash).toBe(v.recordedHash);
    }
    // Same session id, same inputs: the very same events, ids included.
    const same = replaySession(setup("rec1"), inputs);
    expect(same.hash).toBe(replaySession(setup("rec1"), inputs).hash);
  });

  it("names the first divergent event with a field-level diff when a parameter changes", () => {
    const inputs = extractRecordedInputs(session);
    const changed = parseStrategy({ agents: { trend: { emaFast: 5 } } });
    const v = compareReplay(session, replaySession(setup("rec1", changed), inputs).events);
    expect(v.match).toBe(false);
    expect(v.recordedHash).not.toBe(v.replayedHash);
    expect(v.divergence?.writer).toBe("agent.trend");
    expect(v.divergence?.kind).toBe("differs");
    expect(v.divergence?.recorded?.type).toBe("SignalEmitted");
    expect(v.divergence?.diffs.length).toBeGreaterThan(0);
    expect(v.divergence?.diffs.every((d) => d.path.startsWith("data."))).toBe(true);
  });

  it("reports an output the replay did not write as missing", () => {
    const inputs = extractRecordedInputs(session);
    const run = replaySession(setup("rec1"), inputs);
    const lastDecision = run.events.findLast((e) => e.type === "DecisionMade") as AnyEvent;
    const v = compareReplay(
      session,
      run.events.filter((e) => e.id !== lastDecision.id),
    );
    expect(v.divergence?.kind).toBe("missing");
    expect(v.divergence?.recorded?.type).toBe("DecisionMade");
  });

  it("a session recorded by the runner (SessionCreated on control, hosts over the embedded log) replays", async () => {
    const log = createEmbeddedEventLog({ root: "cf" });
    const s = setup("hosted1");
    const feed = [...syntheticMarket({ seed: 5, bars: 120 })];
    await openSessionOnLog(
      log,
      s.sessionId,
      {
        type: "SessionCreated",
        at: (feed[0] as { at: string }).at,
        data: {
          mode: "paper",
          symbols: ["BTC/USDT"],
          timeframe: "1m",
          initialCash: "10000",
          quoteCurrency: "USDT",
          strategy: defaultStrategy as unknown as Record<string, unknown>,
          strategyVersion: "default",
          source: { kind: "synthetic", ref: "seed:5;bars:120" },
        },
      },
      new Date().toISOString(),
    );
    const result = await runSessionOnLog({
      log,
      sessionId: s.sessionId,
      specs: createSessionActors(s),
      feed,
      snapshots: createMemorySnapshotStore(),
      recordedAt: () => new Date().toISOString(),
    });
    const inputs = extractRecordedInputs(result.events);
    expect(inputs.created.writer).toBe("control");
    const v = compareReplay(result.events, replaySession(s, inputs).events);
    expect(v.divergence).toBeNull();
    await log.close();
  }, 60_000);
});

describe("diffFields", () => {
  it("lists changed, added and removed fields by path", () => {
    expect(diffFields({ a: 1, b: { c: [1, 2] }, d: "x" }, { a: 1, b: { c: [1, 3] }, e: true })).toEqual([
      { path: "b.c[1]", recorded: 2, replayed: 3 },
      { path: "d", recorded: "x", replayed: undefined },
      { path: "e", recorded: undefined, replayed: true },
    ]);
  });
});

describe("compareSessions (what-if)", () => {
  it("lists the bars decided differently and puts trades, P&L and drawdown side by side", () => {
    const inputs = extractRecordedInputs(session);
    const child = replaySession(
      setup("child1", parseStrategy({ orchestrator: { minConsensus: 0.9 } })),
      inputs,
      {
        parentSessionId: "rec1",
        source: { kind: "replay", ref: "rec1" },
      },
    );
    const created = child.events.find((e) => e.type === "SessionCreated");
    expect(created?.type === "SessionCreated" && created.data.parentSessionId).toBe("rec1");
    expect(created?.type === "SessionCreated" && created.data.source.kind).toBe("replay");
    const c = compareSessions(session, child.events);
    expect(c.decisionsCompared).toBe(300);
    expect(c.decisionsChanged.count).toBe(c.decisionsChanged.list.length);
    expect(c.decisionsChanged.count).toBeGreaterThan(0);
    for (const d of c.decisionsChanged.list) expect(d.parent).not.toBe(d.child);
    expect(c.parent.sessionId).toBe("rec1");
    expect(c.child.sessionId).toBe("child1");
    expect(c.parent.tradesFingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    const self = compareSessions(session, session);
    expect(self.decisionsChanged.count).toBe(0);
    expect(self.sameTrades).toBe(true);
  });
});
