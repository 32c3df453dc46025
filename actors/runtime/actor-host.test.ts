import { describe, expect, it } from "vitest";
import { assign, emit, setup } from "xstate";
import {
  type AnyEvent,
  type AnyEventDraft,
  createEmbeddedEventLog,
  createEvent,
  type EmbeddedEventLog,
  sessionFilter,
  subjectFor,
} from "../../events/index.ts";
import { createMemorySnapshotStore, startActorHost } from "./actor-host.ts";
import type { ActorSpec } from "./machine-driver.ts";

// A tiny decider: one HOLD signal per candle, naming how many bars it has seen (state that must survive restarts).
const echo = setup({
  types: { context: {} as { bars: number }, events: {} as AnyEvent, emitted: {} as AnyEventDraft },
}).createMachine({
  context: { bars: 0 },
  on: {
    CandleClosed: {
      actions: [
        assign({ bars: ({ context }) => context.bars + 1 }),
        emit(({ event, context }) => {
          const e = event as Extract<AnyEvent, { type: "CandleClosed" }>;
          return {
            type: "SignalEmitted",
            at: e.at,
            data: {
              agent: "technical",
              symbol: e.data.symbol,
              timeframe: e.data.timeframe,
              bar: e.data.closeTime,
              action: "HOLD",
              confidence: 0,
              reasoning: `bar ${context.bars}`,
              features: {},
            },
          } as AnyEventDraft;
        }),
      ],
    },
  },
});
const spec: ActorSpec = {
  writer: "agent.technical",
  machine: echo,
  input: {},
  accepts: ["CandleClosed", "SessionStopped"],
  machineVersion: "1",
};
const sid = "host1";
const recordedAt = () => "2024-01-01T00:00:00.000Z";

function candle(i: number) {
  const open = new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString();
  const close = new Date(Date.UTC(2024, 0, 1, 0, i + 1)).toISOString();
  return createEvent(
    { root: "cf", sessionId: sid, writer: "feed", recordedAt: recordedAt() },
    {
      type: "CandleClosed",
      at: close,
      data: {
        symbol: "BTC/USDT",
        timeframe: "1m",
        openTime: open,
        closeTime: close,
        open: "1",
        high: "1",
        low: "1",
        close: "1",
        volume: "1",
        sourceBars: 1,
      },
    },
    null,
    i,
  );
}

async function feedCandles(log: EmbeddedEventLog, from: number, to: number) {
  for (let i = from; i < to; i++) log.appendSync(subjectFor("cf", sid, "feed"), [candle(i)]);
}

const outputs = (log: EmbeddedEventLog) => log.readAll(subjectFor("cf", sid, "agent.technical"));
const settle = () => new Promise((r) => setTimeout(r, 20));

describe("actor host", () => {
  it("appends the machine's outputs with ids derived from their cause", async () => {
    const log = createEmbeddedEventLog();
    await feedCandles(log, 0, 5);
    const host = await startActorHost({
      log,
      spec,
      sessionId: sid,
      snapshots: createMemorySnapshotStore(),
      recordedAt,
    });
    await settle();
    await host.stop();
    const out = outputs(log);
    expect(out).toHaveLength(5);
    const feed = log.readAll(subjectFor("cf", sid, "feed"));
    expect(out.map((e) => e.causationId)).toEqual(feed.map((e) => e.id));
    expect(out[4]?.data).toMatchObject({ reasoning: "bar 5" });
  });

  it("resumes from its checkpoint, and a restart without one refolds with no duplicate", async () => {
    const log = createEmbeddedEventLog();
    const snapshots = createMemorySnapshotStore();
    await feedCandles(log, 0, 3);
    const a = await startActorHost({ log, spec, sessionId: sid, snapshots, recordedAt, snapshotEvery: 1 });
    await settle();
    await a.stop();
    await feedCandles(log, 3, 6);
    const b = await startActorHost({ log, spec, sessionId: sid, snapshots, recordedAt });
    await settle();
    await b.stop();
    expect(outputs(log)).toHaveLength(6);
    expect(outputs(log)[5]?.data).toMatchObject({ reasoning: "bar 6" });
    // Lost checkpoint: the host refolds from the start; the log takes the same ids as an idempotent retry.
    await feedCandles(log, 6, 7);
    const c = await startActorHost({
      log,
      spec,
      sessionId: sid,
      snapshots: createMemorySnapshotStore(),
      recordedAt,
    });
    await settle();
    const exit = await c.stop();
    expect(exit.reason).toBe("stopped");
    expect(outputs(log).map((e) => (e.data as { reasoning: string }).reasoning)).toEqual(
      Array.from({ length: 7 }, (_, i) => `bar ${i + 1}`),
    );
  });

  it("two hosts for one writer: exactly one writes, the other is fenced and stops", async () => {
    const log = createEmbeddedEventLog();
    const one = await startActorHost({
      log,
      spec,
      sessionId: sid,
      snapshots: createMemorySnapshotStore(),
      recordedAt,
    });
    const two = await startActorHost({
      log,
      spec,
      sessionId: sid,
      snapshots: createMemorySnapshotStore(),
      recordedAt,
    });
    await feedCandles(log, 0, 4);
    await settle();
    const exits = await Promise.all([one.stop(), two.stop()]);
    expect(exits.map((e) => e.reason).sort()).toEqual(["fenced", "stopped"]);
    expect(outputs(log)).toHaveLength(4);
    expect(new Set(outputs(log).map((e) => e.id)).size).toBe(4);
  });

  it("ends when the session stops", async () => {
    const log = createEmbeddedEventLog();
    const host = await startActorHost({
      log,
      spec,
      sessionId: sid,
      snapshots: createMemorySnapshotStore(),
      recordedAt,
    });
    await feedCandles(log, 0, 2);
    log.appendSync(subjectFor("cf", sid, "session"), [
      createEvent(
        { root: "cf", sessionId: sid, writer: "session", recordedAt: recordedAt() },
        { type: "SessionStopped", at: "2024-01-01T00:03:00.000Z", data: { reason: "done" } },
        null,
        0,
      ),
    ]);
    expect((await host.done).reason).toBe("session-ended");
    expect(log.readAll(sessionFilter("cf", sid))).toHaveLength(5);
  });
});
