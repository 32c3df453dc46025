import { jetstreamManager } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../logging/create-logger.ts";
import { planSession } from "../session/session-planner.ts";
import { openSyntheticSession } from "../testing/synthetic-session.ts";
import { openTestJetStream, type TestJetStream } from "../testing/test-jetstream.ts";
import { createKvSnapshotStore } from "./kv-snapshot-store.ts";
import { createSessionLeases } from "./session-lease.ts";
import { type SessionWorker, startSessionWorker } from "./session-worker.ts";

// Two workers of two sessions each and four sessions opened at once. The renewal tick is a minute away, so nothing
// here may wait for it: a worker that loses a claim, or finishes a session, takes the next waiting one at once. Both
// workers must end up running sessions (a worker idle while sessions queue elsewhere is the bug this guards).

let js: TestJetStream;
const recordedAt = () => new Date().toISOString();
const claims: { worker: string; sessionId: string }[] = [];

beforeAll(async () => {
  js = await openTestJetStream("session-worker.int.test");
});
afterAll(async () => {
  const jsm = await jetstreamManager(js.nc);
  for (const b of ["leases", "snapshots"])
    await jsm.streams.delete(`KV_${js.stream}_${b}`).catch(() => undefined);
  await js?.dispose();
});

async function startWorker(workerId: string): Promise<SessionWorker> {
  const logger = createLogger(
    "info",
    {},
    {
      write(line: string) {
        const l = JSON.parse(line) as { msg: string; sessionId?: string };
        if (l.msg === "claimed session" && l.sessionId)
          claims.push({ worker: workerId, sessionId: l.sessionId });
      },
    },
  );
  return startSessionWorker({
    workerId,
    log: js.log,
    leases: await createSessionLeases(js.nc, `${js.stream}_leases`, workerId, 60_000),
    snapshots: await createKvSnapshotStore(js.nc, `${js.stream}_snapshots`),
    plan: planSession,
    logger,
    recordedAt,
    renewEveryMs: 60_000,
    maxSessions: 2,
  });
}

describe("two session workers, two sessions each", () => {
  it("take four sessions opened at once without waiting for the renewal tick: each run once, both workers busy", async () => {
    const workers = [await startWorker("w1"), await startWorker("w2")];
    const sessions = ["a", "b", "c", "d"];
    try {
      await Promise.all(sessions.map((sid, i) => openSyntheticSession(js.log, sid, 11 + i, 30)));
      const deadline = Date.now() + 40_000;
      const finished = () => workers.flatMap((w) => w.finished()).sort();
      while (finished().length < sessions.length && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(finished(), `sessions finished (claims: ${JSON.stringify(claims)})`).toEqual(sessions);
      for (const sid of sessions)
        expect(
          claims.filter((c) => c.sessionId === sid),
          `${sid} claimed by`,
        ).toHaveLength(1);
      for (const w of ["w1", "w2"])
        expect(claims.filter((c) => c.worker === w).length, `${w} ran no session`).toBeGreaterThanOrEqual(1);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });
});
