import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AnyEvent, NewEvent, Writer } from "../envelope/event-envelope.ts";
import { ConcurrencyError, hasErrorCode, ValidationError } from "../errors/cryptofunk-error.ts";
import { sessionFilter, subjectFor } from "../subjects/subjects.ts";
import { sampleCandle } from "../testing/sample-candle.ts";
import type { EventLog } from "./event-log.ts";

/** One log under test, fresh for each case: its own root (and, for JetStream, its own stream). */
export interface ContractLog {
  readonly log: EventLog;
  /** A second handle on the same log (another connection) for the concurrent-writer case; defaults to `log`. */
  readonly other?: EventLog;
  dispose(): Promise<void>;
}

/** Collects an async iterable into an array. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Appends `events` to one subject in batches, chaining the expectation from each result. */
export async function appendInBatches(
  log: EventLog,
  subject: string,
  events: readonly NewEvent[],
  batch: number,
  from = 0,
): Promise<number> {
  let last = from;
  for (let i = 0; i < events.length; i += batch) {
    last = (await log.append(subject, events.slice(i, i + batch), { expectedLastSeq: last })).lastSeq;
  }
  return last;
}

/**
 * The behaviour every EventLog adapter must show. `makeLog` opens a fresh, isolated log per case; the suite disposes
 * of it afterwards.
 */
export function eventLogContract(name: string, makeLog: () => Promise<ContractLog>): void {
  describe(`EventLog contract: ${name}`, () => {
    let h: ContractLog;
    let log: EventLog;
    const sid = "s1";
    const feed = () => subjectFor(log.root, sid, "feed");
    const candles = (n: number, writer: Writer = "feed", start = 0) =>
      Array.from({ length: n }, (_, i) => sampleCandle(log.root, sid, start + i, writer));

    beforeEach(async () => {
      h = await makeLog();
      log = h.log;
    });
    afterEach(async () => {
      await h.dispose();
    });

    it("reports 0 as the last sequence of an empty subject", async () => {
      expect(await log.lastSeq(feed())).toBe(0);
      expect(await collect(log.read(sessionFilter(log.root, sid)))).toEqual([]);
    });

    it("refuses an append whose expected last sequence is stale (ConcurrencyError)", async () => {
      const [a, b, c] = candles(3);
      const first = await log.append(feed(), [a!], { expectedLastSeq: 0 });
      expect(first.duplicates).toBe(0);
      await log.append(feed(), [b!], { expectedLastSeq: first.lastSeq });
      const stale = log.append(feed(), [c!], { expectedLastSeq: first.lastSeq });
      await expect(stale).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(log.append(feed(), [c!], { expectedLastSeq: 0 })).rejects.toSatisfy((e) =>
        hasErrorCode(e, "CONCURRENCY"),
      );
      expect((await collect(log.read(feed()))).map((e) => e.id)).toEqual([a!.id, b!.id]);
    });

    it("treats a retry of the same event ids as idempotent", async () => {
      const batch = candles(3);
      const stored = await log.append(feed(), batch, { expectedLastSeq: 0 });
      expect(stored.duplicates).toBe(0);
      const retry = await log.append(feed(), batch, { expectedLastSeq: 0 });
      expect(retry.duplicates).toBe(3);
      expect(retry.seqs).toEqual(stored.seqs);
      expect(retry.lastSeq).toBe(stored.lastSeq);
      // Still idempotent after the subject moved on.
      const next = await log.append(feed(), candles(1, "feed", 3), { expectedLastSeq: stored.lastSeq });
      const late = await log.append(feed(), batch.slice(0, 1), { expectedLastSeq: 0 });
      expect(late.duplicates).toBe(1);
      expect(late.seqs).toEqual(stored.seqs.slice(0, 1));
      expect(await log.lastSeq(feed())).toBe(next.lastSeq);
      expect(await collect(log.read(feed()))).toHaveLength(4);
    });

    it("keeps the order of a subject and sets seq on every event read", async () => {
      const events = candles(60);
      const last = await appendInBatches(log, feed(), events, 7);
      const read = await collect(log.read(feed()));
      expect(read.map((e) => e.id)).toEqual(events.map((e) => e.id));
      const seqs = read.map((e) => e.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seqs[seqs.length - 1]).toBe(last);
      expect(await log.lastSeq(feed())).toBe(last);
      const fromMiddle = await collect(log.read(feed(), { fromSeq: read[30]!.seq }));
      expect(fromMiddle.map((e) => e.id)).toEqual(events.slice(30).map((e) => e.id));
    });

    it("reads only the matching subjects, and stops at the tail", async () => {
      await log.append(feed(), candles(5), { expectedLastSeq: 0 });
      const risk = subjectFor(log.root, sid, "risk");
      const riskEvents = candles(3, "risk");
      await log.append(risk, riskEvents, { expectedLastSeq: 0 });
      expect((await collect(log.read(risk))).map((e) => e.id)).toEqual(riskEvents.map((e) => e.id));
      expect(await collect(log.read(sessionFilter(log.root, sid)))).toHaveLength(8);
      expect(await collect(log.read(subjectFor(log.root, "other", "feed")))).toEqual([]);
      expect(await collect(log.read(feed(), { fromSeq: 1_000_000 }))).toEqual([]);
    });

    it("delivers catch-up then live with no gap and no duplicate while another writer appends", async () => {
      const writer = h.other ?? log;
      const before = candles(120);
      let feedLast = await appendInBatches(log, feed(), before, 40);
      const orchestrator = subjectFor(log.root, sid, "orchestrator");
      const decisions = candles(150, "orchestrator");
      const later = candles(80, "feed", 120);
      const total = before.length + decisions.length + later.length;

      const sub = log.subscribe(sessionFilter(log.root, sid));
      const received: AnyEvent[] = [];
      const reading = (async () => {
        for await (const e of sub) {
          received.push(e);
          if (received.length === total) break;
        }
      })();
      // Another writer on its own subject, concurrently with this log's own live appends.
      await Promise.all([
        appendInBatches(writer, orchestrator, decisions, 10),
        (async () => {
          for (let i = 0; i < later.length; i += 16) {
            feedLast = (await log.append(feed(), later.slice(i, i + 16), { expectedLastSeq: feedLast }))
              .lastSeq;
          }
        })(),
      ]);
      await reading;
      await sub.close();

      const ids = received.map((e) => e.id);
      expect(new Set(ids).size).toBe(total);
      expect(ids.filter((id) => decisions.some((d) => d.id === id))).toEqual(decisions.map((d) => d.id));
      expect(ids.filter((id) => !decisions.some((d) => d.id === id))).toEqual(
        [...before, ...later].map((e) => e.id),
      );
      const seqs = received.map((e) => e.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    });

    it("ends a subscription waiting for live events when it is closed", async () => {
      await log.append(feed(), candles(2), { expectedLastSeq: 0 });
      const sub = log.subscribe(feed(), { fromSeq: 1 });
      const got: AnyEvent[] = [];
      const reading = (async () => {
        for await (const e of sub) got.push(e);
      })();
      while (got.length < 2) await new Promise((r) => setTimeout(r, 10));
      await sub.close();
      await reading;
      expect(got).toHaveLength(2);
    });

    it("round-trips 10,000 events", async () => {
      const events = candles(10_000);
      const last = await appendInBatches(log, feed(), events, 500);
      expect(await log.lastSeq(feed())).toBe(last);
      const read = await collect(log.read(feed()));
      expect(read).toHaveLength(10_000);
      expect(read.map((e) => e.id)).toEqual(events.map((e) => e.id));
      for (const i of [0, 4_999, 9_999]) {
        const { seq, ...rest } = read[i]!;
        expect(rest).toEqual(events[i]);
        expect(seq).toBeGreaterThan(0);
      }
    }, 120_000);

    it("refuses an invalid event with a ValidationError naming the field, and stores nothing", async () => {
      const [good, bad] = candles(2);
      const broken = { ...bad!, data: { ...(bad!.data as object), close: 101.25 } } as unknown as NewEvent;
      const attempt = log.append(feed(), [good!, broken], { expectedLastSeq: 0 });
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      await expect(log.append(feed(), [broken], { expectedLastSeq: 0 })).rejects.toThrow(/data\.close/);
      const wrongSubject = { ...good!, subject: subjectFor(log.root, sid, "risk") };
      await expect(log.append(feed(), [wrongSubject])).rejects.toThrow(/subject/);
      expect(await log.lastSeq(feed())).toBe(0);
    });
  });
}
