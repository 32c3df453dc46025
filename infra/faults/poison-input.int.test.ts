import { jetstream } from "@nats-io/jetstream";
import { type NatsConnection, headers as natsHeaders } from "@nats-io/nats-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemorySnapshotStore, runInProcessSession, runSessionOnLog } from "../../actors/index.ts";
import {
  type AnyEvent,
  createEvent,
  deadLetterSubject,
  eventCatalog,
  type InvalidMessage,
  rootFilter,
  subjectFor,
} from "../../events/index.ts";
import { startGatewayFixture } from "../../gateway/testing/gateway-fixture.ts";
import { createProjector, listDeadLetters } from "../../projections/index.ts";
import {
  closeReadModelDatabases,
  readModelDatabases,
} from "../../projections/testing/read-model-databases.ts";
import { connectNats } from "../connections/nats-connection.ts";
import { planSession, setupFromCreated } from "../session/session-planner.ts";
import { openSyntheticSession } from "../testing/synthetic-session.ts";
import { openTestJetStream, type TestJetStream } from "../testing/test-jetstream.ts";
import { pipelineHash, tradeHash } from "../testing/trade-hash.ts";

// Issue 9.3, poison and foreign input: a foreign client (plain JetStream publish, not an EventLog) stores 1,000 bad
// messages on a running paper session's subjects. Every one must be dead-lettered exactly once with the reason of its
// kind, the actors and the projector must go on, and the session must trade as a run without poison does.

const poisonCount = 1000;
/** The log's max event size for this test: small enough that a foreign message can exceed it under max_payload. */
const maxEventBytes = 256 * 1024;
const bars = 40;
/** Poison messages the foreign client publishes per bar the session completes. */
const perBar = Math.ceil(poisonCount / (bars - 5));
const recordedAt = () => new Date().toISOString();

/** Each kind of bad message, how often it is drawn, and the dead-letter reason it must get. */
const kinds = {
  "invalid-utf8": { weight: 10, reason: /^payload is not valid UTF-8$/ },
  "not-json": { weight: 10, reason: /^payload is not JSON: / },
  "not-envelope": { weight: 10, reason: /^invalid envelope: / },
  "unknown-type": { weight: 10, reason: /^unknown event type "/ },
  "too-new-version": { weight: 10, reason: /^CandleClosed v\d+ is newer than this build knows/ },
  "bad-data": { weight: 10, reason: /^invalid CandleClosed v\d+: data\./ },
  oversized: { weight: 4, reason: new RegExp(`^payload is \\d+ bytes; the limit is ${maxEventBytes}$`) },
  "wrong-subject": { weight: 8, reason: /^envelope subject \S+ does not match the message subject / },
  "wrong-session": {
    weight: 8,
    reason: /^envelope session \S+ \/ writer \S+ does not match the message subject /,
  },
  "duplicate-id": { weight: 10, reason: /^Nats-Msg-Id header "[^"]*" does not match the event id / },
} as const;
type Kind = keyof typeof kinds;

/** mulberry32: a small seeded PRNG, so the mix of kinds is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let js: TestJetStream;
let foreign: NatsConnection;

beforeAll(async () => {
  js = await openTestJetStream("poison-input.int.test", { maxEventBytes });
  foreign = await connectNats({
    servers: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
    name: "poison-input.int.test (foreign client)",
  });
});
afterAll(async () => {
  await foreign?.close();
  await js?.dispose();
  await closeReadModelDatabases();
});

describe("poison and foreign input", () => {
  it("1,000 bad messages on a running session's subjects: each dead-lettered once with its reason, the session and the projector unharmed", async () => {
    const started = performance.now();
    const sid = "poisoned";
    const { root, log } = js;
    const postgres = readModelDatabases.find((d) => d.engine === "postgres");
    if (postgres === undefined) throw new Error("no postgres read-model database");
    const rm = await postgres.open();
    const projector = createProjector({ db: rm.db, layout: rm.layout, log });
    const projecting = projector.run();
    try {
      const created = await openSyntheticSession(log, sid, 17, bars);
      const plan = await planSession(created);
      const control = subjectFor(root, sid, "control");
      const rogue = subjectFor(root, sid, "agent.rogue");
      const opening: AnyEvent[] = [];
      for await (const e of log.read(control)) opening.push(e);

      // The foreign client's messages, drawn before the run (seeded): subject, payload, headers, kind.
      const random = prng(9_3);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
      const total = Object.values(kinds).reduce((n, k) => n + k.weight, 0);
      const draw = (): Kind => {
        let r = random() * total;
        for (const [kind, { weight }] of Object.entries(kinds)) {
          r -= weight;
          if (r < 0) return kind as Kind;
        }
        return "not-json";
      };
      const candle = [...(await planSession(created)).feed].find((d) => d.type === "CandleClosed");
      if (candle === undefined) throw new Error("no candle in the feed");
      const envelope = (i: number, subject: string, writer: string, patch: Record<string, unknown>) => ({
        ...createEvent(
          { root, sessionId: sid, writer: "feed", recordedAt: recordedAt() },
          candle,
          null,
          `p${i}`,
        ),
        subject,
        writer,
        ...patch,
      });
      const sent: Record<Kind, number> = Object.fromEntries(Object.keys(kinds).map((k) => [k, 0])) as never;
      const messages = Array.from({ length: poisonCount }, (_, i) => {
        const kind = draw();
        sent[kind]++;
        const [subject, writer] = pick([
          [control, "control"],
          [rogue, "agent.rogue"],
        ] as const);
        let payload: Uint8Array | string;
        let msgId: string | undefined;
        switch (kind) {
          case "invalid-utf8":
            payload = Uint8Array.from({ length: 1 + Math.floor(random() * 200) }, (_, j) =>
              j === 0 ? 0xff : Math.floor(random() * 256),
            );
            break;
          case "not-json":
            payload = pick(["not json at all", "{", '{"id": ', "<xml/>", "\u0000", `nan${i}`]);
            break;
          case "not-envelope":
            payload = JSON.stringify(
              pick([{ hello: i }, [1, 2, 3], i, "text", null, envelope(i, subject, writer, { v: "one" })]),
            );
            break;
          case "unknown-type":
            payload = JSON.stringify(envelope(i, subject, writer, { type: `NoSuchEvent${i % 7}` }));
            break;
          case "too-new-version":
            payload = JSON.stringify(
              envelope(i, subject, writer, { v: eventCatalog.CandleClosed.v + 1 + (i % 5) }),
            );
            break;
          case "bad-data":
            payload = JSON.stringify(
              envelope(i, subject, writer, { data: { ...candle.data, close: pick(["-1", "abc", 42]) } }),
            );
            break;
          case "oversized":
            // Above the log's limit, under the server's max_payload (1 MiB): only a reader can refuse it.
            payload = JSON.stringify(
              envelope(i, subject, writer, { data: { ...candle.data, pad: "x".repeat(maxEventBytes + i) } }),
            );
            break;
          case "wrong-subject":
            payload = JSON.stringify(envelope(i, subjectFor(root, sid, "exec"), "exec", {}));
            break;
          case "wrong-session":
            payload = JSON.stringify(envelope(i, subject, writer, { sessionId: "other" }));
            break;
          case "duplicate-id": {
            // A copy of a stored event under another dedupe key: the server keeps it, a reader must not.
            const original = pick(opening);
            const { seq: _seq, ...stored } = original;
            payload = JSON.stringify(stored);
            msgId = random() < 0.5 ? `dup-${i}` : undefined;
            return { kind, subject: control, payload, msgId };
          }
        }
        return { kind, subject, payload, msgId };
      });

      // Interleaved with the run: the foreign client publishes `perBar` messages per bar while the session trades.
      let progress = 0;
      const raw = jetstream(foreign);
      const poisonSeqs = new Map<number, Kind>();
      const publishing = (async () => {
        for (let bar = 0; bar * perBar < messages.length; bar++) {
          while (progress < bar) await new Promise((r) => setTimeout(r, 5));
          const chunk = messages.slice(bar * perBar, (bar + 1) * perBar);
          const acks = await Promise.all(
            chunk.map((m) => {
              const h = natsHeaders();
              if (m.msgId !== undefined) h.set("Nats-Msg-Id", m.msgId);
              return raw.publish(m.subject, m.payload, { headers: h });
            }),
          );
          for (const [j, ack] of acks.entries()) {
            expect(ack.duplicate, `message ${bar * perBar + j} dropped as a duplicate`).toBe(false);
            poisonSeqs.set(ack.seq, (chunk[j] as (typeof messages)[number]).kind);
          }
        }
      })();
      const invalid: InvalidMessage[] = [];
      const result = await runSessionOnLog({
        log,
        sessionId: sid,
        specs: plan.specs,
        feed: plan.feed,
        snapshots: createMemorySnapshotStore(),
        recordedAt,
        onProgress: (p) => {
          progress = p.bars;
        },
      });
      const publishedDuringSession = poisonSeqs.size;
      await publishing;
      const sessionSeconds = (performance.now() - started) / 1000;
      expect(result.exits.map((x) => x.exit.reason)).toEqual(plan.specs.map(() => "session-ended"));

      // The session traded exactly as a run without poison (the in-process scheduler, DESIGN §12 rule 2).
      const reference = runInProcessSession(setupFromCreated(created), (await planSession(created)).feed);
      const events = result.events.filter((e) => e.writer !== "dlq");
      expect(tradeHash(events)).toBe(tradeHash(reference.events));
      expect(pipelineHash(events)).toBe(pipelineHash(reference.events));
      expect(new Set(events.map((e) => e.id)).size).toBe(events.length);

      // Every poison message dead-lettered exactly once, with its kind's reason; nothing else dead-lettered. What came
      // after the hosts stopped is the projector's to refuse: wait for it, then for any late second copy.
      const letters: { seq: number; reason: string; refusedBy: string }[] = [];
      const readLetters = async () => {
        letters.length = 0;
        for await (const e of log.read(deadLetterSubject(root, sid))) {
          if (e.type !== "DeadLettered") throw new Error(`${e.type} on the dlq subject`);
          letters.push({ seq: e.data.originalSeq ?? -1, reason: e.data.reason, refusedBy: e.data.refusedBy });
        }
      };
      const lettersDeadline = Date.now() + 20_000;
      for (
        await readLetters();
        letters.length < poisonCount && Date.now() < lettersDeadline;
        await readLetters()
      )
        await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 300));
      await readLetters();
      const perSeq = new Map<number, number>();
      for (const l of letters) perSeq.set(l.seq, (perSeq.get(l.seq) ?? 0) + 1);
      expect(
        [...perSeq].filter(([, n]) => n > 1),
        "dead-lettered twice",
      ).toEqual([]);
      expect(
        letters.filter((l) => !poisonSeqs.has(l.seq)),
        "dead letters of valid events",
      ).toEqual([]);
      expect(
        [...poisonSeqs.keys()].filter((s) => !perSeq.has(s)),
        "poison not dead-lettered",
      ).toEqual([]);
      const deadByReason: Record<string, number> = {};
      const mismatched: unknown[] = [];
      for (const l of letters) {
        const kind = poisonSeqs.get(l.seq) as Kind;
        if (!kinds[kind].reason.test(l.reason)) mismatched.push({ kind, reason: l.reason });
        deadByReason[kind] = (deadByReason[kind] ?? 0) + 1;
      }
      expect(mismatched).toEqual([]);
      expect(deadByReason).toEqual(Object.fromEntries(Object.entries(sent).filter(([, n]) => n > 0)));
      expect(letters.length).toBe(poisonCount);
      expect(new Set(letters.map((l) => l.refusedBy))).toEqual(new Set(["jetstream-event-log"]));

      // The projector projected every valid event of the log, without a gap, and lists the dead letters.
      let valid = 0;
      let lastValidSeq = 0;
      for await (const e of log.read(rootFilter(root), { onInvalid: (i) => invalid.push(i) })) {
        valid++;
        lastValidSeq = e.seq;
      }
      expect(invalid.length).toBe(poisonCount);
      const deadline = Date.now() + 20_000;
      while (projector.totals.lastSeq < lastValidSeq && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(projector.totals.lastSeq).toBe(lastValidSeq);
      expect(projector.totals.applied).toBe(valid);
      expect(projector.totals.deadLettered).toBe(0);
      const projected = projector.totals.applied;
      const listed = await listDeadLetters(rm.read, { sessionId: sid, limit: 1 });
      expect(listed.total).toBe(poisonCount);

      // The admin route lists them, from a second (late) projector's read model: reading the poison again must not
      // dead-letter it again.
      const gateway = await startGatewayFixture({ log, listen: false });
      try {
        await gateway.project();
        const res = await gateway.app.inject({
          url: `/api/v1/sessions/${sid}/dead-letters?limit=500`,
          headers: { "x-api-key": await gateway.key("admin") },
        });
        expect(res.statusCode).toBe(200);
        const page = res.json() as { total: number; items: { reason: string; originalSeq: number }[] };
        expect(page.total).toBe(poisonCount);
        for (const item of page.items)
          expect(item.reason).toMatch(kinds[poisonSeqs.get(item.originalSeq) as Kind].reason);
      } finally {
        await gateway.dispose();
      }
      let lettersAfter = 0;
      for await (const _ of log.read(deadLetterSubject(root, sid))) lettersAfter++;
      expect(lettersAfter).toBe(poisonCount);

      const seconds = Math.round((performance.now() - started) / 100) / 10;
      console.log(
        JSON.stringify({
          test: "poison-input",
          poison: poisonCount,
          bars,
          publishedDuringSession,
          sent,
          deadLettered: deadByReason,
          validEvents: valid,
          sessionEvents: events.length,
          projected,
          sessionSeconds: Math.round(sessionSeconds * 10) / 10,
          seconds,
        }),
      );
    } finally {
      await projector.stop();
      await projecting.catch(() => undefined);
      await rm.dispose();
    }
  }, 120_000);
});
