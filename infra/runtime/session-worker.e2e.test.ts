import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnyEvent, type EventSubscription, sessionFilter, subjectFor } from "../../events/index.ts";
import { expectAsInProcess } from "../testing/expect-as-in-process.ts";
import { openSyntheticSession } from "../testing/synthetic-session.ts";
import { openTestJetStream, type TestJetStream } from "../testing/test-jetstream.ts";
import { createKvSnapshotStore } from "./kv-snapshot-store.ts";

// Issue 4 item 5: two `cryptofunk worker` processes share paper sessions through KV leases, none runs one twice; a
// worker killed (SIGKILL) mid-session loses its lease and the other resumes the session from the checkpoints, ending
// with the same events as an uninterrupted in-process run.

const leaseMs = 2000;
const home = mkdtempSync(join(tmpdir(), "cf-workers-"));
let js: TestJetStream;

interface LogLine {
  readonly msg: string;
  readonly sessionId?: string;
  readonly worker?: string;
  readonly level: number;
}

/** A `cryptofunk worker` process and the JSON log lines it wrote (pino, on stderr). */
interface WorkerProcess {
  readonly id: string;
  readonly child: ChildProcess;
  readonly lines: LogLine[];
  readonly exited: Promise<number | null>;
}

function startWorker(id: string): WorkerProcess {
  const child = spawn(
    process.execPath,
    [
      "bin/cryptofunk.js",
      "worker",
      "--id",
      id,
      "--health-port",
      "0",
      "--lease-ms",
      String(leaseMs),
      "--max-sessions",
      "2",
    ],
    {
      env: {
        ...process.env,
        CRYPTOFUNK_HOME: home,
        NATS_URL: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
        CRYPTOFUNK_STREAM: js.stream,
        CRYPTOFUNK_ROOT: js.root,
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  const lines: LogLine[] = [];
  let partial = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    const text = partial + chunk.toString("utf8");
    const parts = text.split("\n");
    partial = parts.pop() ?? "";
    for (const p of parts) {
      try {
        lines.push(JSON.parse(p) as LogLine);
      } catch {
        lines.push({ msg: p, level: 60 }); // not JSON: a crash trace, counted as an error
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { id, child, lines, exited };
}

let workers: WorkerProcess[] = [];
/** Sessions seen stopping (one live subscription rather than polling every session). */
const stoppedSessions = new Set<string>();
let following: Promise<void> = Promise.resolve();
let stops: EventSubscription | undefined;

async function waitUntil(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) {
      const logs = workers.map((w) => `${w.id}: ${w.lines.map((l) => l.msg).join(" | ")}`).join("\n");
      throw new Error(`timed out waiting for ${what}\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  js = await openTestJetStream("session-worker.e2e.test");
  const sub = js.log.subscribe(`${js.root}.*.session`);
  stops = sub;
  following = (async () => {
    for await (const e of sub) if (e.type === "SessionStopped") stoppedSessions.add(e.sessionId);
  })();
  workers = [startWorker("w1"), startWorker("w2")];
  await waitUntil(
    "both workers to start",
    () => workers.every((w) => w.lines.some((l) => l.msg === "worker started")),
    60_000,
  );
});
afterAll(async () => {
  for (const w of workers)
    if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGTERM");
  await Promise.all(workers.map((w) => w.exited));
  await stops?.close();
  await following;
  const jsm = await jetstreamManager(js.nc);
  for (const b of ["leases", "snapshots"])
    await jsm.streams.delete(`KV_${js.stream}_${b}`).catch(() => undefined);
  await js?.dispose();
  rmSync(home, { recursive: true, force: true });
});

async function readAll(filter: string): Promise<AnyEvent[]> {
  const out: AnyEvent[] = [];
  for await (const e of js.log.read(filter)) out.push(e);
  return out;
}

const stopped = (sessionId: string) => stoppedSessions.has(sessionId);

/** The session's events, as the log holds them, equal an uninterrupted in-process run's. */
const checkAsInProcess = async (sessionId: string) =>
  expectAsInProcess(await readAll(sessionFilter(js.root, sessionId)));

const said = (w: WorkerProcess, msg: string, sessionId?: string) =>
  w.lines.filter((l) => l.msg === msg && (sessionId === undefined || l.sessionId === sessionId));
const trouble = (w: WorkerProcess) => w.lines.filter((l) => l.level >= 40); // warn and above: fenced, failed, lost

describe("two cryptofunk workers", () => {
  it("share four sessions: each claimed and run by exactly one worker, both busy, every session as in process", async () => {
    const sessions = ["s1", "s2", "s3", "s4"];
    // Opened together: each worker runs at most two at once, and a busy worker defers its claims to an idle one.
    await Promise.all(sessions.map((sid, i) => openSyntheticSession(js.log, sid, 21 + i, 50)));
    await waitUntil("every session to stop", async () =>
      (await Promise.all(sessions.map(stopped))).every(Boolean),
    );
    await waitUntil("every session to be reported finished", () =>
      sessions.every((sid) => workers.some((w) => said(w, "session finished", sid).length > 0)),
    );
    for (const sid of sessions) {
      const claims = workers.flatMap((w) => said(w, "claimed session", sid).map(() => w.id));
      expect(claims, `${sid} claimed by`).toHaveLength(1);
      await checkAsInProcess(sid);
    }
    for (const w of workers) {
      expect(said(w, "claimed session").length, `${w.id} ran no session`).toBeGreaterThanOrEqual(1);
      expect(trouble(w)).toEqual([]);
    }
  });

  it("a worker killed mid-session: its lease lapses, the other resumes from the checkpoints and ends as in process", async () => {
    const sid = "killed";
    await openSyntheticSession(js.log, sid, 31, 120);
    let owner: WorkerProcess | undefined;
    await waitUntil("a worker to claim the session", () => {
      owner = workers.find((w) => said(w, "claimed session", sid).length > 0);
      return owner !== undefined;
    });
    const holder = owner as WorkerProcess;
    const other = workers.find((w) => w !== holder) as WorkerProcess;
    const bars = async () =>
      (await readAll(subjectFor(js.root, sid, "feed"))).filter((e) => e.type === "CandleClosed").length;
    await waitUntil("30 bars", async () => (await bars()) >= 30);
    holder.child.kill("SIGKILL");
    await holder.exited;
    const cut = await bars();
    expect(cut).toBeLessThan(120);
    const snapshots = await createKvSnapshotStore(js.nc, `${js.stream}_snapshots`);
    const checkpointed = await Promise.all(
      ["session", "orchestrator", "risk", "exec"].map(
        async (w) => (await snapshots.load(`${sid}.${w}`))?.lastSeq ?? 0,
      ),
    );
    expect(checkpointed.some((seq) => seq > 0)).toBe(true);

    await waitUntil(
      "the other worker to take the session over",
      () => said(other, "claimed session", sid).length > 0,
    );
    await waitUntil("the session to stop", () => stopped(sid), 60_000);
    await waitUntil(
      "the session to be reported finished",
      () => said(other, "session finished", sid).length > 0,
    );
    await checkAsInProcess(sid);
    expect(trouble(other)).toEqual([]);
  });
});
