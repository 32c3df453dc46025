import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ActorHost,
  createMemorySnapshotStore,
  createPaperExecutionSpec,
  createTechnicalAgentSpec,
  type SnapshotStore,
  startActorHost,
  syntheticMarket,
} from "../../actors/index.ts";
import {
  type AnyEvent,
  createEvent,
  createJetStreamEventLog,
  deadLetterSubject,
  type EventLog,
  type JetStreamEventLog,
  sessionFilter,
  subjectFor,
} from "../../events/index.ts";
import { connectNats } from "../connections/nats-connection.ts";
import { syntheticPaperSetup } from "../testing/synthetic-session.ts";
import { openTestJetStream, type TestJetStream } from "../testing/test-jetstream.ts";
import { createKvSnapshotStore } from "./kv-snapshot-store.ts";

// DESIGN §4 host over real JetStream: consumer from the KV checkpoint, refold without one, dead letters for what a
// foreign client published, and OCC fencing of a second host for the same writer. Real actors: paper execution
// (checkpointed; one PortfolioValued a bar) and the technical agent (refolds from the first event; one signal a bar).

const setup = syntheticPaperSetup;
const recordedAt = () => new Date().toISOString();
const candles = [
  ...syntheticMarket({ seed: 11, bars: 40, books: false, quotes: false, news: false, fearGreed: false }),
].filter((d) => d.type === "CandleClosed");

let js: TestJetStream;
let nc2: NatsConnection;
/** A second stream whose duplicate window is short, to refold past it (the log then resolves conflicts by id). */
let shortWindow: JetStreamEventLog;
let snapshots: SnapshotStore;
const buckets: string[] = [];

beforeAll(async () => {
  js = await openTestJetStream("actor-host.int.test");
  nc2 = await connectNats({
    servers: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
    name: "actor-host.int.test (second host)",
  });
  shortWindow = await createJetStreamEventLog({
    nc: js.nc,
    stream: `${js.stream}_W`,
    root: `${js.root}w`,
    duplicateWindowMs: 200,
  });
  buckets.push(`${js.stream}_snapshots`);
  snapshots = await createKvSnapshotStore(js.nc, `${js.stream}_snapshots`);
});
afterAll(async () => {
  const jsm = await jetstreamManager(js.nc);
  await shortWindow?.close();
  for (const s of [`${js.stream}_W`, ...buckets.map((b) => `KV_${b}`)])
    await jsm.streams.delete(s).catch(() => undefined);
  await nc2?.close();
  await js?.dispose();
});

/** Appends feed candles [from, to) of session `sid` (ids from the ordinal, as the runner makes them). */
async function feed(log: EventLog, sid: string, from: number, to: number) {
  const subject = subjectFor(log.root, sid, "feed");
  for (let i = from; i < to; i++) {
    const draft = candles[i];
    if (draft === undefined) throw new Error(`no candle ${i}`);
    await log.append(subject, [
      createEvent(
        { root: log.root, sessionId: sid, writer: "feed", recordedAt: recordedAt() },
        draft,
        null,
        i,
      ),
    ]);
  }
}

async function readAll(log: EventLog, filter: string): Promise<AnyEvent[]> {
  const out: AnyEvent[] = [];
  for await (const e of log.read(filter)) out.push(e);
  return out;
}

async function waitUntil(what: string, ok: () => Promise<boolean>, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until `writer` of `sid` holds `n` events, then checks they are `n` distinct ids, one per feed candle. */
async function expectOnePerCandle(log: EventLog, sid: string, writer: string, n: number) {
  const subject = subjectFor(log.root, sid, writer);
  let events: AnyEvent[] = [];
  await waitUntil(`${n} events on ${subject}`, async () => {
    events = await readAll(log, subject);
    return events.length >= n;
  });
  await new Promise((r) => setTimeout(r, 200)); // nothing more may come: a late duplicate would show here
  events = await readAll(log, subject);
  const feedIds = (await readAll(log, subjectFor(log.root, sid, "feed"))).map((e) => e.id);
  expect(events).toHaveLength(n);
  expect(new Set(events.map((e) => e.id)).size).toBe(n);
  expect(events.map((e) => e.causationId)).toEqual(feedIds.slice(0, n));
  return events;
}

/** The start sequences of the `count` consumers hosts opened on the session's subjects (what they restored to). */
async function consumerStarts(stream: string, filter: string, count: number): Promise<number[]> {
  const jsm = await jetstreamManager(js.nc);
  let starts: number[] = [];
  // A host opens its consumer when its subscription is first iterated, just after startActorHost returns.
  await waitUntil(`${count} consumers on ${filter}`, async () => {
    starts = [];
    for await (const c of jsm.consumers.list(stream)) {
      const f = c.config.filter_subjects?.[0] ?? c.config.filter_subject;
      if (f === filter) starts.push(c.config.opt_start_seq ?? 1);
    }
    return starts.length >= count;
  });
  return starts;
}

describe("actor host over JetStream", () => {
  it("restores from its KV checkpoint: the consumer starts after it, and the outputs go on without a duplicate", async () => {
    const sid = "restore";
    const exec = createPaperExecutionSpec(setup(sid));
    await feed(js.log, sid, 0, 10);
    const a = await startActorHost({ log: js.log, spec: exec, sessionId: sid, snapshots, recordedAt });
    await expectOnePerCandle(js.log, sid, "exec", 10);
    expect((await a.stop()).reason).toBe("stopped");
    const cp = await snapshots.load(`${sid}.exec`);
    expect(cp?.machineVersion).toBe(exec.machineVersion);
    const feedSeqs = (await readAll(js.log, subjectFor(js.root, sid, "feed"))).map((e) => e.seq);
    const execSeqs = (await readAll(js.log, subjectFor(js.root, sid, "exec"))).map((e) => e.seq);
    expect(cp?.lastSeq).toBe(Math.max(...feedSeqs, ...execSeqs)); // it saw everything, its own outputs too
    expect(cp?.ownLastSeq).toBe(execSeqs.at(-1));

    await feed(js.log, sid, 10, 20);
    const b = await startActorHost({ log: js.log, spec: exec, sessionId: sid, snapshots, recordedAt });
    // A restored host reads only what follows its checkpoint.
    expect(await consumerStarts(js.stream, sessionFilter(js.root, sid), 1)).toEqual([(cp?.lastSeq ?? 0) + 1]);
    const out = await expectOnePerCandle(js.log, sid, "exec", 20);
    expect((await b.stop()).reason).toBe("stopped");
    // Valued at each bar's close, in order: the restored machine carried on where the first one stopped.
    expect(out.map((e) => e.at)).toEqual(candles.slice(0, 20).map((c) => c.at));
  });

  it.each([
    ["within the duplicate window (the server drops the repeated ids)", () => js.log],
    ["beyond the duplicate window (the log matches the stored ids)", () => shortWindow],
  ])(
    "a lost checkpoint (and every refolding agent) refolds with no duplicate event, %s",
    async (_, logOf) => {
      const log = logOf();
      const sid = "refold";
      const s = setup(sid);
      const specs = [createPaperExecutionSpec(s), createTechnicalAgentSpec(s)];
      await feed(log, sid, 0, 8);
      let hosts = await Promise.all(
        specs.map((spec) =>
          startActorHost({ log, spec, sessionId: sid, snapshots: createMemorySnapshotStore(), recordedAt }),
        ),
      );
      await expectOnePerCandle(log, sid, "exec", 8);
      await expectOnePerCandle(log, sid, "agent.technical", 8);
      for (const h of hosts) expect((await h.stop()).reason).toBe("stopped");
      await new Promise((r) => setTimeout(r, 300)); // past the short window
      await feed(log, sid, 8, 12);
      // New hosts with empty checkpoint stores: both fold the session from its first event.
      hosts = await Promise.all(
        specs.map((spec) =>
          startActorHost({ log, spec, sessionId: sid, snapshots: createMemorySnapshotStore(), recordedAt }),
        ),
      );
      const stream = log === js.log ? js.stream : `${js.stream}_W`;
      expect(await consumerStarts(stream, sessionFilter(log.root, sid), 2)).toEqual([1, 1]);
      const exec = await expectOnePerCandle(log, sid, "exec", 12);
      const signals = await expectOnePerCandle(log, sid, "agent.technical", 12);
      const exits = await Promise.all(hosts.map((h) => h.stop()));
      expect(exits.map((e) => e.reason)).toEqual(["stopped", "stopped"]);
      expect(signals.map((e) => (e.data as { bar: string }).bar)).toEqual(
        candles.slice(0, 12).map((c) => (c.data as { closeTime: string }).closeTime),
      );
      expect(exec.map((e) => e.at)).toEqual(candles.slice(0, 12).map((c) => c.at));
    },
  );

  it("dead-letters what a foreign client published on the session's subjects, and goes on", async () => {
    const sid = "dlq";
    const exec = createPaperExecutionSpec(setup(sid));
    const host = await startActorHost({
      log: js.log,
      spec: exec,
      sessionId: sid,
      snapshots: createMemorySnapshotStore(),
      recordedAt,
    });
    await feed(js.log, sid, 0, 3);
    const raw = jetstream(nc2);
    const garbage = await raw.publish(subjectFor(js.root, sid, "feed"), "not json at all");
    const badCandle = await raw.publish(
      subjectFor(js.root, sid, "foreign"),
      JSON.stringify({ id: "x", type: "CandleClosed", v: 1, data: { symbol: "BTC/USDT" } }),
    );
    await feed(js.log, sid, 3, 6);
    await expectOnePerCandle(js.log, sid, "exec", 6);
    let dead: AnyEvent[] = [];
    await waitUntil("two dead letters", async () => {
      dead = await readAll(js.log, deadLetterSubject(js.root, sid));
      return dead.length >= 2;
    });
    expect(dead.map((e) => e.type)).toEqual(["DeadLettered", "DeadLettered"]);
    const letters = dead.map(
      (e) => e.data as { originalSeq: number; originalSubject: string; reason: string },
    );
    expect(letters.map((d) => d.originalSeq)).toEqual([garbage.seq, badCandle.seq]);
    expect(letters.map((d) => d.originalSubject)).toEqual([
      subjectFor(js.root, sid, "feed"),
      subjectFor(js.root, sid, "foreign"),
    ]);
    for (const d of letters) expect(d.reason.length).toBeGreaterThan(0);
    expect((await host.stop()).reason).toBe("stopped");
  });

  it("two hosts for one session and writer on two connections: exactly one writes, the other is fenced and stops", async () => {
    const sid = "fence";
    const exec = createPaperExecutionSpec(setup(sid));
    const other = await createJetStreamEventLog({ nc: nc2, stream: js.stream, root: js.root });
    const hosts: ActorHost[] = [];
    try {
      for (const log of [js.log, other]) {
        hosts.push(
          await startActorHost({
            log,
            spec: exec,
            sessionId: sid,
            snapshots: createMemorySnapshotStore(),
            recordedAt,
          }),
        );
      }
      await feed(js.log, sid, 0, 30);
      const fenced = await Promise.race(hosts.map((h, i) => h.done.then((exit) => ({ i, exit }))));
      expect(fenced.exit.reason).toBe("fenced");
      await expectOnePerCandle(js.log, sid, "exec", 30);
      const survivor = hosts[1 - fenced.i] as ActorHost;
      expect((await survivor.stop()).reason).toBe("stopped");
    } finally {
      await Promise.all(hosts.map((h) => h.stop()));
      await other.close();
    }
  });
});
