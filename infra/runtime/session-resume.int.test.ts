import { jetstreamManager } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  defaultStrategy,
  openSessionOnLog,
  runInProcessSession,
  runSessionOnLog,
  syntheticMarket,
} from "../../actors/index.ts";
import {
  type AnyEvent,
  createJetStreamEventLog,
  type EventEnvelope,
  type EventLog,
  type JetStreamEventLog,
  sessionFilter,
  subjectFor,
} from "../../events/index.ts";
import { createLogger } from "../logging/create-logger.ts";
import { planSession, setupFromCreated } from "../session/session-planner.ts";
import { openTestJetStream, type TestJetStream } from "../testing/test-jetstream.ts";
import { pipelineHash, tradeHash } from "../testing/trade-hash.ts";
import { createKvSnapshotStore } from "./kv-snapshot-store.ts";
import { createSessionLeases } from "./session-lease.ts";
import { startSessionWorker } from "./session-worker.ts";

// A paper session over JetStream interrupted mid-way and resumed later — past the server's duplicate window, so
// nothing is forgiven as a duplicate: the feed skips what it already wrote, checkpointed hosts restore from KV,
// agents refold. The result must equal an uninterrupted in-process run, and a worker started afterwards must not
// run the stopped session again.

const bars = 90;
const seed = 5;
let js: TestJetStream;
/** The session's log: a stream whose duplicate window (200 ms) is long gone when the session resumes. */
let log: JetStreamEventLog;
const stream = () => `${js.stream}_R`;

beforeAll(async () => {
  js = await openTestJetStream("session-resume.int.test");
  log = await createJetStreamEventLog({
    nc: js.nc,
    stream: stream(),
    root: `${js.root}r`,
    duplicateWindowMs: 200,
  });
});
afterAll(async () => {
  await log?.close();
  const jsm = await jetstreamManager(js.nc);
  for (const s of [stream(), `KV_${js.stream}_snapshots`, `KV_${js.stream}_leases`])
    await jsm.streams.delete(s).catch(() => undefined);
  await js?.dispose();
});

async function readAll(l: EventLog, filter: string): Promise<AnyEvent[]> {
  const out: AnyEvent[] = [];
  for await (const e of l.read(filter)) out.push(e);
  return out;
}

const byWriter = (events: readonly AnyEvent[]) => {
  const counts: Record<string, number> = {};
  for (const e of events)
    if (e.writer !== "control" && e.writer !== "session") counts[e.writer] = (counts[e.writer] ?? 0) + 1;
  return counts;
};

describe("a session resumed over JetStream", () => {
  it("interrupted at bar 40 and resumed past the duplicate window, equals an uninterrupted in-process run", async () => {
    const sid = "resumed";
    const first = syntheticMarket({ seed, bars }).next().value;
    await openSessionOnLog(
      log,
      sid,
      {
        type: "SessionCreated",
        at: first?.at ?? "2024-01-01T00:00:00.000Z",
        data: {
          mode: "paper",
          symbols: ["BTC/USDT"],
          timeframe: "1m",
          initialCash: "10000",
          quoteCurrency: "USDT",
          strategy: defaultStrategy as unknown as Record<string, unknown>,
          strategyVersion: "default",
          source: { kind: "synthetic", ref: `seed:${seed};bars:${bars}` },
        },
      },
      new Date().toISOString(),
    );
    const created = (await readAll(log, subjectFor(log.root, sid, "control"))).find(
      (e) => e.type === "SessionCreated",
    ) as EventEnvelope<"SessionCreated">;
    const snapshots = await createKvSnapshotStore(js.nc, `${js.stream}_snapshots`);
    const recordedAt = () => new Date().toISOString();

    const abort = new AbortController();
    const interrupted = await planSession(created);
    await expect(
      runSessionOnLog({
        log,
        sessionId: sid,
        specs: interrupted.specs,
        feed: interrupted.feed,
        snapshots,
        recordedAt,
        signal: abort.signal,
        onProgress: (p) => {
          if (p.bars >= 40) abort.abort();
        },
      }),
    ).rejects.toThrow(/aborted/);
    const cut = await readAll(log, subjectFor(log.root, sid, "feed"));
    expect(cut.filter((e) => e.type === "CandleClosed").length).toBeLessThan(bars);
    // The checkpointed hosts saved where they were when they stopped.
    for (const writer of ["session", "orchestrator", "risk", "exec"]) {
      expect((await snapshots.load(`${sid}.${writer}`))?.lastSeq ?? 0).toBeGreaterThan(0);
    }
    await new Promise((r) => setTimeout(r, 400)); // past the duplicate window

    const plan = await planSession(created);
    const result = await runSessionOnLog({
      log,
      sessionId: sid,
      specs: plan.specs,
      feed: plan.feed,
      snapshots,
      recordedAt,
    });
    expect(result.exits.map((x) => x.exit.reason)).toEqual(plan.specs.map(() => "session-ended"));

    const reference = runInProcessSession(setupFromCreated(created), (await planSession(created)).feed);
    const events = result.events;
    expect(events.filter((e) => e.type === "DeadLettered")).toEqual([]);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(byWriter(events)).toEqual(byWriter(reference.events));
    expect(tradeHash(events)).toBe(tradeHash(reference.events));
    expect(pipelineHash(events)).toBe(pipelineHash(reference.events));
    expect(events.filter((e) => e.type === "SessionStopped")).toHaveLength(1);

    // A worker that starts now sees the session's SessionCreated, but the session stopped: it must not run it again.
    const leases = await createSessionLeases(js.nc, `${js.stream}_leases`, "late-worker", 3000);
    const worker = await startSessionWorker({
      workerId: "late-worker",
      log,
      leases,
      snapshots,
      plan: planSession,
      logger: createLogger("silent"),
      recordedAt,
      renewEveryMs: 200,
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(worker.running()).toEqual([]);
    await worker.stop();
    expect(worker.finished()).toEqual([]);
    expect(await readAll(log, sessionFilter(log.root, sid))).toHaveLength(events.length);
  });
});
