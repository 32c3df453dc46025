import { randomBytes } from "node:crypto";
import type { JetStreamManager } from "@nats-io/jetstream";
import { jetstream, jetstreamManager, RetentionPolicy, StorageType } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { nanos } from "@nats-io/nats-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connectNats } from "../../infra/connections/nats-connection.ts";
import type { AnyEvent } from "../envelope/event-envelope.ts";
import {
  ConcurrencyError,
  ConfigError,
  UnsupportedError,
  ValidationError,
} from "../errors/cryptofunk-error.ts";
import { sessionFilter, subjectFor } from "../subjects/subjects.ts";
import { sampleCandle } from "../testing/sample-candle.ts";
import type { InvalidMessage } from "./event-log.ts";
import { collect, eventLogContract } from "./event-log-contract.ts";
import type { JetStreamEventLog, JetStreamEventLogOptions } from "./jetstream-event-log.ts";
import { createJetStreamEventLog } from "./jetstream-event-log.ts";
import { hasCapability } from "./nats-capabilities.ts";

const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
let nc: NatsConnection;
let nc2: NatsConnection;

beforeAll(async () => {
  nc = await connectNats({ servers: url, name: "jetstream-event-log.int.test" });
  nc2 = await connectNats({ servers: url, name: "jetstream-event-log.int.test (second writer)" });
});
afterAll(async () => {
  await nc?.close();
  await nc2?.close();
});

eventLogContract("JetStream", async () => {
  const tag = randomBytes(5).toString("hex");
  const stream = `T_${tag}`;
  const root = `t${tag}`;
  const log = await createJetStreamEventLog({ nc, stream, root });
  const other = await createJetStreamEventLog({ nc: nc2, stream, root });
  return {
    log,
    other,
    dispose: async () => {
      await log.close();
      await other.close();
      await (await jetstreamManager(nc)).streams.delete(stream);
    },
  };
});

describe("JetStream event log, beyond the contract", () => {
  let stream: string;
  let root: string;
  let jsm: JetStreamManager;
  const opened: JetStreamEventLog[] = [];
  const open = async (extra: Partial<JetStreamEventLogOptions> = {}) => {
    const log = await createJetStreamEventLog({ nc, stream, root, ...extra });
    opened.push(log);
    return log;
  };

  beforeEach(async () => {
    const tag = randomBytes(5).toString("hex");
    stream = `T_${tag}`;
    root = `t${tag}`;
    jsm = await jetstreamManager(nc);
  });
  afterEach(async () => {
    for (const log of opened.splice(0)) await log.close();
    await jsm.streams.delete(stream).catch(() => false);
  });

  it("creates the stream as DESIGN §3 says", async () => {
    const log = await open();
    expect(log.serverVersion).toMatch(/^\d+\.\d+\.\d+/);
    const { config } = await jsm.streams.info(stream);
    expect(config).toMatchObject({
      subjects: [`${root}.>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      deny_delete: true,
      deny_purge: true,
      duplicate_window: nanos(120_000),
      num_replicas: 1,
    });
  });

  it("updates what can be updated on an existing stream, and refuses what cannot", async () => {
    await jsm.streams.add({
      name: stream,
      subjects: [`${root}.>`],
      storage: StorageType.File,
      duplicate_window: nanos(60_000),
    });
    await open({ maxAgeMs: 86_400_000 });
    const { config } = await jsm.streams.info(stream);
    expect(config).toMatchObject({
      deny_delete: true,
      deny_purge: true,
      duplicate_window: nanos(120_000),
      max_age: nanos(86_400_000),
    });

    const memory = `${stream}_MEM`;
    await jsm.streams.add({ name: memory, subjects: [`${root}m.>`], storage: StorageType.Memory });
    try {
      const refused = createJetStreamEventLog({ nc, stream: memory, root: `${root}m` });
      await expect(refused).rejects.toBeInstanceOf(ConfigError);
      await expect(createJetStreamEventLog({ nc, stream: memory, root: `${root}m` })).rejects.toThrow(
        /storage/,
      );
      await expect(createJetStreamEventLog({ nc, stream: memory, root: `${root}x` })).rejects.toThrow(
        /subjects/,
      );
    } finally {
      await jsm.streams.delete(memory);
    }
  });

  it("refuses replicas > 1 on a server older than 2.9.21", async () => {
    const version = nc.info?.version ?? "0.0.0";
    const attempt = createJetStreamEventLog({ nc, stream, root, replicas: 3 });
    if (hasCapability(version, "replicatedOcc")) {
      await expect(attempt).rejects.not.toBeInstanceOf(UnsupportedError);
    } else {
      await expect(attempt).rejects.toBeInstanceOf(UnsupportedError);
      await expect(createJetStreamEventLog({ nc, stream, root, replicas: 3 })).rejects.toThrow(/2\.9\.21/);
    }
  });

  it("dead-letters a foreign message that does not decode, and the subscriber goes on", async () => {
    const log = await open();
    const js = jetstream(nc);
    const sid = "s1";
    const feed = subjectFor(root, sid, "feed");
    const invalid: InvalidMessage[] = [];
    const sub = log.subscribe(sessionFilter(root, sid), { onInvalid: (i) => invalid.push(i) });
    const got: AnyEvent[] = [];
    const reading = (async () => {
      for await (const e of sub) {
        got.push(e);
        if (got.length === 4) break;
      }
    })();
    nc.publish(feed, "this is not json {");
    await js.publish(feed, new Uint8Array([0xff, 0xfe, 0x00]));
    await js.publish(feed, JSON.stringify({ hello: "world" }));
    const good = sampleCandle(root, sid, 0);
    await log.append(feed, [good], { expectedLastSeq: await log.lastSeq(feed) });
    await reading;
    await sub.close();

    const letters = got.filter((e) => e.type === "DeadLettered");
    expect(got.filter((e) => e.id === good.id)).toHaveLength(1);
    expect(letters).toHaveLength(3);
    for (const l of letters) {
      expect(l.subject).toBe(`${root}.${sid}.dlq`);
      expect(l.writer).toBe("dlq");
    }
    const reasons = letters.map((l) => (l.type === "DeadLettered" ? l.data.reason : ""));
    expect(reasons).toEqual([
      expect.stringMatching(/not JSON/),
      expect.stringMatching(/not valid UTF-8/),
      expect.stringMatching(/invalid envelope/),
    ]);
    const first = letters[0];
    expect(first?.type === "DeadLettered" && first.data).toMatchObject({
      originalSubject: feed,
      originalSeq: 1,
      payload: "this is not json {",
      refusedBy: "jetstream-event-log",
    });
    expect(invalid.map((i) => i.seq)).toEqual([1, 2, 3]);

    // A second reader meets the same bad messages: the dead letters keep their ids and are not written twice.
    const again: InvalidMessage[] = [];
    await collect(log.read(`${root}.>`, { onInvalid: (i) => again.push(i) }));
    expect(again).toHaveLength(3);
    const dlq = await collect(log.read(`${root}.${sid}.dlq`));
    expect(dlq.map((e) => e.id)).toEqual(letters.map((e) => e.id));
  });

  it("dead-letters a bad message outside any session to the system session", async () => {
    const reports: InvalidMessage[] = [];
    const log = await open({ onInvalid: (i) => reports.push(i) });
    nc.publish(`${root}.not$a$session.feed`, "{}");
    await nc.flush();
    expect(await collect(log.read(`${root}.>`))).toEqual([]);
    expect(reports).toHaveLength(1);
    const [letter] = await collect(log.read(`${root}.system.dlq`));
    expect(letter?.type === "DeadLettered" && letter.data.originalSubject).toBe(`${root}.not$a$session.feed`);
  });

  it("recognises a retry beyond the duplicate window by reading the subject, and completes a partial append", async () => {
    const log = await open({ duplicateWindowMs: 200 });
    const feed = subjectFor(root, "s1", "feed");
    const events = Array.from({ length: 6 }, (_, i) => sampleCandle(root, "s1", i));
    const first = await log.append(feed, events.slice(0, 3), { expectedLastSeq: 0 });
    // Only the first of the next batch made it before a (simulated) crash.
    const partial = await log.append(feed, events.slice(3, 4), { expectedLastSeq: first.lastSeq });
    await new Promise((r) => setTimeout(r, 1200));

    const retry = await log.append(feed, events.slice(0, 3), { expectedLastSeq: 0 });
    expect(retry).toEqual({ seqs: first.seqs, lastSeq: partial.lastSeq, duplicates: 3 });
    const resumed = await log.append(feed, events.slice(3), { expectedLastSeq: first.lastSeq });
    expect(resumed.duplicates).toBe(1);
    expect(resumed.seqs[0]).toBe(partial.seqs[0]);
    expect((await collect(log.read(feed))).map((e) => e.id)).toEqual(events.map((e) => e.id));

    const rival = sampleCandle(root, "s1", 99);
    await expect(log.append(feed, [rival], { expectedLastSeq: first.lastSeq })).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
  });

  it("refuses a subject outside its root", async () => {
    const log = await open();
    const e = sampleCandle("elsewhere", "s1", 0);
    await expect(log.append(e.subject, [e])).rejects.toBeInstanceOf(ValidationError);
  });
});
