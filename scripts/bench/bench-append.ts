// Append throughput of the JetStream event log against the raw client, same server, same run (`npm run bench:append`).
// (a) 5,000 single-event appends awaited one by one, each with the subject's expected last sequence;
// (b) 50,000 events in batches of 100: the port checks the expectation on each batch's first message and pipelines
//     the rest after its ack; the raw baseline sends the very same messages the same way (the cheapest protocol that
//     keeps the subject fenced). A raw run that pipelines whole batches without waiting is printed for context only:
//     it would keep writing after a lost expectation.
// "Raw" publishes byte-identical messages (same JSON payload, same headers) and serialises each event inside its timed
// loop, as any client must; what it skips is the port's work: catalog validation, subject checks, result bookkeeping.
// The two sides alternate in chunks and their times are summed, so load from other processes falls on both alike.
// The last line is JSON: {"name":"append","single":{ours,raw,ratio},"batch":{ours,raw,ratio},"ratio":min}.
import { randomBytes } from "node:crypto";
import { jetstream, jetstreamManager, type PubAck } from "@nats-io/jetstream";
import { headers, type MsgHdrs } from "@nats-io/nats-core";
import {
  createJetStreamEventLog,
  type EventLog,
  encodeEvent,
  type NewEvent,
  sampleCandle,
} from "../../events/index.ts";
import { connectNats } from "../../infra/connections/nats-connection.ts";

const singles = Number(process.env.BENCH_SINGLE ?? 5_000);
const batchTotal = Number(process.env.BENCH_BATCH_TOTAL ?? 50_000);
const batchSize = 100;
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
/** Events per interleaved chunk (the two sides alternate chunk by chunk). */
const singleChunk = 250;
const batchChunk = 2_500;

function candles(root: string, sessionId: string, n: number): NewEvent[] {
  const recordedAt = new Date().toISOString();
  return Array.from({ length: n }, (_, i) => sampleCandle(root, sessionId, i, "feed", recordedAt));
}

/** A message exactly as the port would send it; the raw side builds it inside its timed loop. */
function rawMessage(e: NewEvent): { payload: Uint8Array; headers: MsgHdrs } {
  const enc = encodeEvent(e);
  const h = headers();
  for (const k in enc.headers) h.set(k, enc.headers[k] as string);
  return { payload: enc.payload, headers: h };
}

/** One side of the comparison: appends a chunk to its subject, continuing the expectation chain. */
type Side = (events: readonly NewEvent[]) => Promise<void>;

/**
 * Runs `ours` and `raw` over the same number of events in alternating chunks (ours first on even chunks, raw first
 * on odd ones) and sums each side's time, so load from anything else on the machine falls on both sides alike.
 */
async function interleaved(
  ours: Side,
  raw: Side,
  make: () => readonly NewEvent[],
  total: number,
  chunk: number,
): Promise<{ ours: number; raw: number }> {
  let tOurs = 0;
  let tRaw = 0;
  for (let k = 0; k * chunk < total; k++) {
    const a = make();
    const b = make();
    const runOurs = async () => {
      tOurs += await timed(() => ours(a));
    };
    const runRaw = async () => {
      tRaw += await timed(() => raw(b));
    };
    if (k % 2 === 0) {
      await runOurs();
      await runRaw();
    } else {
      await runRaw();
      await runOurs();
    }
  }
  return { ours: total / tOurs, raw: total / tRaw };
}

async function timed(run: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function main(): Promise<void> {
  const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
  const nc = await connectNats({ servers: url, name: "bench-append" });
  const tag = randomBytes(4).toString("hex");
  const stream = `BENCH_${tag}`;
  const root = `b${tag}`;
  const log: EventLog = await createJetStreamEventLog({ nc, stream, root });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  let session = 0;
  const fresh = (n: number) => candles(root, `s${session++}`, n);

  // Each chunk is a fresh session, so every side starts its subject at expectation 0.
  const singleOurs: Side = async (events) => {
    let last = 0;
    for (const e of events) last = (await log.append(e.subject, [e], { expectedLastSeq: last })).lastSeq;
  };
  const singleRaw: Side = async (events) => {
    let last = 0;
    for (const e of events) {
      const m = rawMessage(e);
      last = (
        await js.publish(e.subject, m.payload, { headers: m.headers, expect: { lastSubjectSequence: last } })
      ).seq;
    }
  };
  const batchOurs: Side = async (events) => {
    let last = 0;
    const subject = events[0]?.subject as string;
    for (let i = 0; i < events.length; i += batchSize) {
      last = (await log.append(subject, events.slice(i, i + batchSize), { expectedLastSeq: last })).lastSeq;
    }
  };
  const batchRaw: Side = async (events) => {
    let last = 0;
    const subject = events[0]?.subject as string;
    for (let i = 0; i < events.length; i += batchSize) {
      const [first, ...rest] = events.slice(i, i + batchSize).map(rawMessage) as [
        RawMessage,
        ...RawMessage[],
      ];
      const ack = await js.publish(subject, first.payload, {
        headers: first.headers,
        expect: { lastSubjectSequence: last },
      });
      const acks = await Promise.all(rest.map((m) => js.publish(subject, m.payload, { headers: m.headers })));
      last = acks.length === 0 ? ack.seq : (acks[acks.length - 1] as PubAck).seq;
    }
  };
  const batchUnfenced: Side = async (events) => {
    const subject = events[0]?.subject as string;
    for (let i = 0; i < events.length; i += batchSize) {
      const msgs = events.slice(i, i + batchSize).map(rawMessage);
      await Promise.all(msgs.map((m) => js.publish(subject, m.payload, { headers: m.headers })));
    }
  };

  try {
    console.log(
      `append benchmark: nats-server ${nc.info?.version} at ${url}, stream ${stream}, ${rounds} round(s)`,
    );
    // Warm-up: JIT, connection buffers, the stream's first blocks.
    await singleOurs(fresh(300));
    await singleRaw(fresh(300));
    await batchOurs(fresh(2_000));
    await batchRaw(fresh(2_000));

    // Seconds per side, summed over rounds; turned into events/s below.
    let single = { ours: 0, raw: 0 };
    let batch = { ours: 0, raw: 0 };
    for (let r = 0; r < rounds; r++) {
      const s = await interleaved(singleOurs, singleRaw, () => fresh(singleChunk), singles, singleChunk);
      const b = await interleaved(batchOurs, batchRaw, () => fresh(batchChunk), batchTotal, batchChunk);
      const f = (n: number) => Math.round(n).toLocaleString("en-US");
      console.log(
        `  round ${r + 1}: single port ${f(s.ours)} raw ${f(s.raw)} · batch port ${f(b.ours)} raw ${f(b.raw)} ev/s`,
      );
      // Over all rounds: total events over total time, per side.
      single = { ours: single.ours + singles / s.ours, raw: single.raw + singles / s.raw };
      batch = { ours: batch.ours + batchTotal / b.ours, raw: batch.raw + batchTotal / b.raw };
    }
    single = { ours: (rounds * singles) / single.ours, raw: (rounds * singles) / single.raw };
    batch = { ours: (rounds * batchTotal) / batch.ours, raw: (rounds * batchTotal) / batch.raw };
    const unfencedEvents = fresh(batchTotal / 5);
    const unfenced = unfencedEvents.length / (await timed(() => batchUnfenced(unfencedEvents)));

    const round2 = (x: number) => Math.round(x * 100) / 100;
    const side = (x: { ours: number; raw: number }) => ({
      ours: Math.round(x.ours),
      raw: Math.round(x.raw),
      ratio: round2(x.ours / x.raw),
    });
    const result = { name: "append", single: side(single), batch: side(batch), ratio: 0 };
    result.ratio = Math.min(result.single.ratio, result.batch.ratio);
    const f = (n: number) => n.toLocaleString("en-US");
    console.log(
      `single (${f(singles)} appends, each awaited): port ${f(result.single.ours)} ev/s, raw js.publish ${f(result.single.raw)} ev/s, ratio ${result.single.ratio}`,
    );
    console.log(
      `batch (${f(batchTotal)} events, batches of ${batchSize}): port ${f(result.batch.ours)} ev/s, raw ${f(result.batch.raw)} ev/s, ratio ${result.batch.ratio}`,
    );
    console.log(
      `context: raw batches pipelined whole, without the fencing ack: ${f(Math.round(unfenced))} ev/s`,
    );
    console.log(JSON.stringify(result));
  } finally {
    await log.close();
    await jsm.streams.delete(stream).catch(() => false);
    await nc.close();
  }
}

type RawMessage = ReturnType<typeof rawMessage>;

await main();
