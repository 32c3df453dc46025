import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemorySnapshotStore, runSessionOnLog } from "../../actors/index.ts";
import {
  type AnyEvent,
  createJetStreamEventLog,
  type EventLog,
  type JetStreamEventLog,
  sessionFilter,
  subjectFor,
} from "../../events/index.ts";
import { connectNats } from "../connections/nats-connection.ts";
import { createLogger } from "../logging/create-logger.ts";
import { planSession } from "../session/session-planner.ts";
import { expectAsInProcess } from "../testing/expect-as-in-process.ts";
import { openSyntheticSession } from "../testing/synthetic-session.ts";
import { openTestJetStream, type TestJetStream } from "../testing/test-jetstream.ts";
import { createKvSnapshotStore } from "./kv-snapshot-store.ts";
import { createSessionLeases } from "./session-lease.ts";
import { startSessionWorker } from "./session-worker.ts";

// Paper sessions over JetStream that do not run in one piece: one interrupted mid-way and resumed later — past the
// server's duplicate window, so nothing is forgiven as a duplicate: the feed skips what it already wrote, checkpointed
// hosts restore from KV, agents refold — and one run by two runners at once (a worker that lost its lease while still
// alive): OCC fences one host per writer. Either way the session must equal an uninterrupted in-process run.

let js: TestJetStream;
/** A stream whose duplicate window (200 ms) is long gone when a session resumes. */
let log: JetStreamEventLog;
let nc2: NatsConnection;
const stream = () => `${js.stream}_R`;
const recordedAt = () => new Date().toISOString();

beforeAll(async () => {
  js = await openTestJetStream("session-resume.int.test");
  log = await createJetStreamEventLog({
    nc: js.nc,
    stream: stream(),
    root: `${js.root}r`,
    duplicateWindowMs: 200,
  });
  nc2 = await connectNats({
    servers: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
    name: "session-resume.int.test (second runner)",
  });
});
afterAll(async () => {
  await log?.close();
  const jsm = await jetstreamManager(js.nc);
  for (const s of [stream(), `KV_${js.stream}_snapshots`, `KV_${js.stream}_leases`])
    await jsm.streams.delete(s).catch(() => undefined);
  await nc2?.close();
  await js?.dispose();
});

async function readAll(l: EventLog, filter: string): Promise<AnyEvent[]> {
  const out: AnyEvent[] = [];
  for await (const e of l.read(filter)) out.push(e);
  return out;
}

describe("a session over JetStream", () => {
  it("interrupted at bar 30 and resumed past the duplicate window, equals an uninterrupted in-process run", async () => {
    const sid = "resumed";
    const created = await openSyntheticSession(log, sid, 5, 70);
    const snapshots = await createKvSnapshotStore(js.nc, `${js.stream}_snapshots`);

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
          if (p.bars >= 30) abort.abort();
        },
      }),
    ).rejects.toThrow(/aborted/);
    const cut = await readAll(log, subjectFor(log.root, sid, "feed"));
    expect(cut.filter((e) => e.type === "CandleClosed").length).toBeLessThan(70);
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
    await expectAsInProcess(result.events);

    // A worker that starts now sees the session's SessionCreated, but the session stopped: it must not run it again.
    const worker = await startSessionWorker({
      workerId: "late-worker",
      log,
      leases: await createSessionLeases(js.nc, `${js.stream}_leases`, "late-worker", 3000),
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
    expect(await readAll(log, sessionFilter(log.root, sid))).toHaveLength(result.events.length);
  });

  it("run by two runners at once on two connections: one host per writer is fenced, the session is as in process", async () => {
    const sid = "twice";
    const created = await openSyntheticSession(js.log, sid, 6, 60);
    const other = await createJetStreamEventLog({ nc: nc2, stream: js.stream, root: js.root });
    try {
      const runs = await Promise.all(
        [js.log, other].map(async (l) => {
          const plan = await planSession(created);
          return runSessionOnLog({
            log: l,
            sessionId: sid,
            specs: plan.specs,
            feed: plan.feed,
            snapshots: createMemorySnapshotStore(),
            recordedAt,
          });
        }),
      );
      const exits = runs.flatMap((r) => r.exits);
      expect(exits.every((x) => x.exit.reason === "session-ended" || x.exit.reason === "fenced")).toBe(true);
      // Every writer raced on its first output: exactly one of its two hosts lost and stopped.
      const writers = [...new Set(exits.map((x) => x.writer))];
      for (const w of writers) {
        const reasons = exits.filter((x) => x.writer === w).map((x) => x.exit.reason);
        expect(reasons.sort(), w).toEqual(["fenced", "session-ended"]);
      }
      await expectAsInProcess(await readAll(js.log, sessionFilter(js.root, sid)));
    } finally {
      await other.close();
    }
  });
});
