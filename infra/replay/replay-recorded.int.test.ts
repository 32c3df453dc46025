import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createInProcessSession,
  createMemorySnapshotStore,
  createSessionActors,
  defaultStrategy,
  openSessionOnLog,
  parseStrategy,
  runSessionOnLog,
  type SessionSetup,
  syntheticMarket,
} from "../../actors/index.ts";
import { type AnyEvent, createEmbeddedEventLog } from "../../events/index.ts";
import { recordSession } from "../session/record-session.ts";
import { openTestJetStream, type TestJetStream } from "../testing/test-jetstream.ts";
import { readRecordedSession, verifyRecorded, whatIfRecorded } from "./replay-recorded.ts";

const run = promisify(execFile);
const setup = (sessionId: string): SessionSetup => ({
  sessionId,
  mode: "paper",
  symbol: "BTC/USDT",
  timeframe: "1m",
  strategy: defaultStrategy,
  initialCash: "10000",
  quoteCurrency: "USDT",
});
const changed = parseStrategy({ agents: { technical: { rsiPeriod: 7 } } });

/** The in-process session as run, and the progress its recording reported. */
let inProcessEvents: readonly AnyEvent[] = [];
let progress: number[] = [];
let js: TestJetStream;
beforeAll(async () => {
  js = await openTestJetStream("replay-recorded.int.test");
  // A paper session run by the runner over JetStream: SessionCreated on control, every actor in its own host.
  const hosted = setup("hosted");
  const feed = [...syntheticMarket({ seed: 21, bars: 150 })];
  await openSessionOnLog(
    js.log,
    hosted.sessionId,
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
        source: { kind: "synthetic", ref: "seed:21;bars:150" },
      },
    },
    new Date().toISOString(),
  );
  await runSessionOnLog({
    log: js.log,
    sessionId: hosted.sessionId,
    specs: createSessionActors(hosted),
    feed,
    snapshots: createMemorySnapshotStore(),
    recordedAt: () => new Date().toISOString(),
  });
  // A session run in process (as `cryptofunk demo` does, with an operator's pause and resume), recorded to JetStream.
  const local = createEmbeddedEventLog({ root: js.root });
  const s = createInProcessSession({
    setup: setup("inproc"),
    log: local,
    recordedAt: () => new Date().toISOString(),
  });
  const drafts = [...syntheticMarket({ seed: 22, bars: 200 })];
  s.start((drafts[0] as { at: string }).at);
  drafts.forEach((d, i) => {
    s.push(d);
    if (i === 60) s.command("pause", { reason: "look", issuedBy: "cli" });
    if (i === 90) s.command("resume", { reason: "go", issuedBy: "cli" });
  });
  inProcessEvents = s.events();
  progress = [];
  await recordSession(inProcessEvents, js.log, (n) => progress.push(n));
  s.close();
}, 240_000);
afterAll(async () => {
  await js?.dispose();
});

describe("replay over JetStream", () => {
  it("inproc: recorded in its original order (pipelined appends): the log reads back the same ids, one by one", async () => {
    const events = await readRecordedSession(js.log, "inproc");
    expect(events.map((e) => e.id)).toEqual(inProcessEvents.map((e) => e.id));
    expect(progress.at(-1)).toBe(inProcessEvents.length);
  });

  for (const sessionId of ["hosted", "inproc"]) {
    it(`${sessionId}: the recording reproduces; a changed parameter is reported at the first divergent event`, async () => {
      const events = await readRecordedSession(js.log, sessionId);
      const ok = verifyRecorded(events);
      expect(ok.verdict.divergence).toBeNull();
      expect(ok.verdict.match).toBe(true);
      expect(ok.verdict.compared).toBeGreaterThan(1000);
      expect(ok.commands).toBe(sessionId === "inproc" ? 2 : 0);
      const broken = verifyRecorded(events, { strategy: changed });
      expect(broken.verdict.match).toBe(false);
      expect(broken.verdict.divergence?.writer).toBe("agent.technical");
      expect(broken.verdict.divergence?.diffs.length).toBeGreaterThan(0);
    }, 120_000);
  }

  it("the CLI verifies a JetStream session: exit 0 with the hash", async () => {
    const { stdout } = await run(
      process.execPath,
      ["bin/cryptofunk.js", "replay", "hosted", "--verify", "--json"],
      {
        env: {
          ...process.env,
          NATS_URL: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
          CRYPTOFUNK_STREAM: js.stream,
          CRYPTOFUNK_ROOT: js.root,
          LOG_LEVEL: "warn",
        },
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const out = JSON.parse(stdout);
    expect(out.verdict.match).toBe(true);
    expect(out.verdict.recordedHash).toMatch(/^[0-9a-f]{64}$/);
    expect(out.verdict.replayedHash).toBe(out.verdict.recordedHash);
  }, 120_000);

  it("what-if: a new session linked to its parent, recorded, itself reproducible, compared side by side", async () => {
    const parent = await readRecordedSession(js.log, "inproc");
    const cautious = parseStrategy({ orchestrator: { minConsensus: 0.8 } });
    const r = await whatIfRecorded(js.log, parent, cautious);
    expect(r.parentSessionId).toBe("inproc");
    expect(r.recorded).toBe(r.run.events.length);
    const child = await readRecordedSession(js.log, r.sessionId);
    expect(child.length).toBe(r.run.events.length);
    const created = child.find((e) => e.type === "SessionCreated");
    expect(created?.type === "SessionCreated" && created.data.parentSessionId).toBe("inproc");
    expect(created?.type === "SessionCreated" && created.data.source).toEqual({
      kind: "replay",
      ref: "inproc",
    });
    expect(r.comparison.decisionsCompared).toBe(200);
    expect(r.comparison.decisionsChanged.count).toBeGreaterThan(0);
    expect(verifyRecorded(child).verdict.match).toBe(true);
    // The same question again lands on the same session: nothing new is written.
    const again = await whatIfRecorded(js.log, parent, cautious);
    expect(again.sessionId).toBe(r.sessionId);
    expect(again.recorded).toBe(0);
  }, 120_000);
});
