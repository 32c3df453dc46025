import type {
  ConsumerMessages,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
  PubAck,
  StreamConfig,
  StreamInfo,
} from "@nats-io/jetstream";
import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";
import type { MsgHdrs, NatsConnection } from "@nats-io/nats-core";
import { nanos, headers as natsHeaders } from "@nats-io/nats-core";
import {
  type DecodeResult,
  decodeEvent,
  encodeEvent,
  eventHeaders,
  maxEventBytes,
  validateNewEvent,
} from "../codec/event-codec.ts";
import type { AnyEvent, NewEvent } from "../envelope/event-envelope.ts";
import {
  ConcurrencyError,
  ConfigError,
  CryptoFunkError,
  UnavailableError,
  ValidationError,
} from "../errors/cryptofunk-error.ts";
import { eventId } from "../ids/deterministic-id.ts";
import { deadLetterSubject, rootFilter } from "../subjects/subjects.ts";
import type {
  AppendOptions,
  AppendResult,
  EventLog,
  EventSubscription,
  InvalidMessage,
  ReadOptions,
  SubscribeOptions,
} from "./event-log.ts";
import { requireCapability } from "./nats-capabilities.ts";

export interface JetStreamEventLogOptions {
  readonly nc: NatsConnection;
  /** Stream name (default `CRYPTOFUNK`). */
  readonly stream?: string;
  /** Subject root (default `cf`); the stream claims `<root>.>`. */
  readonly root?: string;
  /** Stream replicas (default 1). More than 1 needs nats-server 2.9.21 (see nats-capabilities.ts). */
  readonly replicas?: number;
  /** Window in which a repeated event id is acknowledged as a duplicate (default 2 minutes). */
  readonly duplicateWindowMs?: number;
  /** Age after which the server may drop events (default: kept forever). */
  readonly maxAgeMs?: number;
  /** Largest stored message a reader accepts (default maxEventBytes); larger ones are dead-lettered. */
  readonly maxEventBytes?: number;
  /** Called for every stored message that does not decode, after it was dead-lettered. */
  readonly onInvalid?: (invalid: InvalidMessage) => void;
}

/** Who refuses an undecodable message, recorded in its dead letter. */
const refusedBy = "jetstream-event-log";
/** How many dead letters a log remembers having written, so its other readers do not append them again. */
const rememberedDeadLetters = 10_000;
/** Dead letters keep at most this much of the refused payload. */
const maxDeadLetterPayload = 64 * 1024;
/** How many messages a consumer pulls per request: large enough to stream 10k-event sessions without stalls. */
const pullBatch = 1000;
/**
 * How long a pull request lives (the client's default is 30 s). After a server restart the client checks the
 * consumer and, if JetStream is not answering yet, waits this long before checking again: with the default a
 * subscription stayed silent for 30 s after NATS came back. Idle heartbeats are half of it.
 */
const pullExpiresMs = 5000;
const wrongLastSequence = new Set<number>([
  JetStreamApiCodes.StreamWrongLastSequence,
  JetStreamApiCodes.StreamWrongLastSequenceUnknown,
]);
const sessionToken = /^[A-Za-z0-9_-]{1,64}$/;
const lenientUtf8 = new TextDecoder("utf-8", { fatal: false });

/**
 * The event log on NATS JetStream: one stream, one subject per writer, optimistic concurrency with
 * `Nats-Expected-Last-Subject-Sequence`, idempotency with `Nats-Msg-Id` = event id, ordered consumers (one filter
 * subject each, as nats-server 2.9 requires) for reads and subscriptions. The connection belongs to the caller.
 */
export class JetStreamEventLog implements EventLog {
  readonly root: string;
  readonly stream: string;
  /** The server version read at connect. */
  readonly serverVersion: string;
  private readonly js: JetStreamClient;
  private readonly jsm: JetStreamManager;
  private readonly onInvalid: ((invalid: InvalidMessage) => void) | undefined;
  private readonly maxEventBytes: number;
  private readonly live = new Set<ConsumerMessages>();
  /** Dead letters this log wrote (or is writing), by id: every host of a process reads the same bad message. */
  private readonly deadLettered = new Map<string, Promise<void>>();
  private closed = false;

  private constructor(
    options: JetStreamEventLogOptions,
    jsm: JetStreamManager,
    serverVersion: string,
    stream: string,
    root: string,
  ) {
    this.root = root;
    this.stream = stream;
    this.serverVersion = serverVersion;
    this.jsm = jsm;
    this.js = jetstream(options.nc);
    this.onInvalid = options.onInvalid;
    this.maxEventBytes = options.maxEventBytes ?? maxEventBytes;
  }

  /** Connects the adapter: checks the server's capabilities, then creates or verifies the stream. */
  static async open(options: JetStreamEventLogOptions): Promise<JetStreamEventLog> {
    const stream = options.stream ?? "CRYPTOFUNK";
    const root = options.root ?? "cf";
    const replicas = options.replicas ?? 1;
    const serverVersion = options.nc.info?.version ?? "0.0.0";
    if (replicas > 1)
      requireCapability(serverVersion, "replicatedOcc", `stream ${stream} asks for ${replicas} replicas`);
    let jsm: JetStreamManager;
    try {
      jsm = await jetstreamManager(options.nc);
    } catch (cause) {
      throw new UnavailableError(
        `JetStream is not enabled on the NATS server (${(cause as Error).message}); start nats-server with -js`,
        { cause },
      );
    }
    await ensureStream(jsm, {
      name: stream,
      subjects: [rootFilter(root)],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      deny_delete: true,
      deny_purge: true,
      duplicate_window: nanos(options.duplicateWindowMs ?? 120_000),
      max_age: nanos(options.maxAgeMs ?? 0),
      num_replicas: replicas,
    });
    return new JetStreamEventLog(options, jsm, serverVersion, stream, root);
  }

  async append(
    subject: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    this.assertOpen();
    if (!subject.startsWith(`${this.root}.`)) {
      throw new ValidationError(`${subject} is not under the log's root ${this.root}`, [
        { path: "subject", message: `must start with ${this.root}.` },
      ]);
    }
    // Validate and encode every event once, before anything is sent: a bad event fails the batch up front.
    const messages = events.map((e) => {
      if (e.subject !== subject) {
        throw new ValidationError(`event ${e.id} has subject ${e.subject}, appended to ${subject}`, [
          { path: "subject", message: "does not match the append subject" },
        ]);
      }
      const { payload, headers } = encodeEvent(validateNewEvent(e));
      const h = natsHeaders();
      for (const k in headers) h.set(k, headers[k] as string);
      return { id: e.id, payload, headers: h };
    });
    if (messages.length === 0) return { seqs: [], lastSeq: await this.lastSeq(subject), duplicates: 0 };
    return this.publishBatch(subject, messages, options.expectedLastSeq);
  }

  /**
   * The first message carries the expectation and is awaited; the rest are pipelined after its ack. Once the first
   * message is stored the writer holds its subject (any rival now fails its own expectation), so the rest need no
   * round trip each: one connection delivers them in order.
   */
  private async publishBatch(
    subject: string,
    messages: readonly OutgoingMessage[],
    expectedLastSeq: number | undefined,
  ): Promise<AppendResult> {
    let acks: PubAck[];
    if (expectedLastSeq === undefined) {
      acks = await settleAll(
        messages.map((m) => this.js.publish(subject, m.payload, { headers: m.headers })),
      );
    } else {
      const first = messages[0] as OutgoingMessage;
      let firstAck: PubAck;
      try {
        firstAck = await this.js.publish(subject, first.payload, {
          headers: first.headers,
          expect: { lastSubjectSequence: expectedLastSeq },
        });
      } catch (err) {
        if (err instanceof JetStreamApiError && wrongLastSequence.has(err.code)) {
          return this.resolveConflict(subject, messages, expectedLastSeq, err);
        }
        throw unavailable(subject, err);
      }
      const rest = messages.slice(1).map((m) => this.js.publish(subject, m.payload, { headers: m.headers }));
      acks = [firstAck, ...(await settleAll(rest))];
    }
    const seqs = acks.map((a) => a.seq);
    const duplicates = acks.reduce((n, a) => n + (a.duplicate ? 1 : 0), 0);
    // A duplicate's ack names the original's sequence, which need not be the subject's last.
    const lastSeq = duplicates === 0 ? (seqs[seqs.length - 1] as number) : await this.lastSeq(subject);
    return { seqs, lastSeq, duplicates };
  }

  /**
   * The subject moved past `expectedLastSeq`. If what follows it is this very batch (or its beginning), this is a
   * retry of an append that was stored, wholly or in part, beyond the duplicate window: count the stored events as
   * duplicates and append what is missing. Otherwise another writer owns the subject.
   */
  private async resolveConflict(
    subject: string,
    messages: readonly OutgoingMessage[],
    expectedLastSeq: number,
    cause: unknown,
  ): Promise<AppendResult> {
    const stored: { seq: number; id: string }[] = [];
    for await (const m of this.rawMessages(subject, expectedLastSeq + 1, "tail", true)) {
      stored.push({ seq: m.seq, id: m.headers?.get("Nats-Msg-Id") ?? "" });
      if (stored.length > messages.length) break;
    }
    const matched = stored.findIndex((s, i) => i >= messages.length || s.id !== messages[i]?.id);
    const prefix = matched < 0 ? stored.length : matched;
    const ours = prefix > 0 && (prefix === messages.length || prefix === stored.length);
    if (!ours) {
      const actual = await this.lastSeq(subject);
      throw new ConcurrencyError(
        `${subject}: expected last sequence ${expectedLastSeq}, the log has ${actual}`,
        {
          cause,
          details: { subject, expected: expectedLastSeq, actual },
        },
      );
    }
    const already = stored.slice(0, prefix).map((s) => s.seq);
    if (prefix === messages.length) {
      return { seqs: already, lastSeq: await this.lastSeq(subject), duplicates: prefix };
    }
    const rest = await this.publishBatch(subject, messages.slice(prefix), already[already.length - 1]);
    return { seqs: [...already, ...rest.seqs], lastSeq: rest.lastSeq, duplicates: prefix + rest.duplicates };
  }

  async *read(
    filter: string,
    options: ReadOptions & Pick<SubscribeOptions, "onInvalid"> = {},
  ): AsyncIterable<AnyEvent> {
    this.assertOpen();
    for await (const m of this.rawMessages(filter, options.fromSeq ?? 1, "tail", false)) {
      const e = await this.decode(m, options.onInvalid);
      if (e !== null) yield e;
    }
  }

  subscribe(filter: string, options: SubscribeOptions = {}): EventSubscription {
    this.assertOpen();
    const stop: StopHandle = { stopped: false, messages: null };
    const source = this.rawMessages(filter, options.fromSeq ?? 1, "live", false, stop);
    const log = this;
    async function* iterate(): AsyncGenerator<AnyEvent> {
      for await (const m of source) {
        const e = await log.decode(m, options.onInvalid);
        if (e !== null) yield e;
      }
    }
    const it = iterate();
    return {
      [Symbol.asyncIterator]: () => it,
      close: async () => {
        // Stopping the consumer ends a pending pull, so an iteration waiting for the next event returns at once.
        stop.stopped = true;
        stop.messages?.stop();
        await it.return(undefined);
      },
    };
  }

  async lastSeq(subject: string): Promise<number> {
    this.assertOpen();
    const m = await this.jsm.streams.getMessage(this.stream, { last_by_subj: subject });
    return m?.seq ?? 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const m of this.live) m.stop();
    this.live.clear();
  }

  /**
   * Stored messages matching `filter` from `fromSeq` through an ordered consumer (gap-free, in stream order). With
   * `tail` it stops at the stream's last sequence as it was when it began; with `live` it goes on until returned.
   */
  private async *rawMessages(
    filter: string,
    fromSeq: number,
    until: "tail" | "live",
    headersOnly: boolean,
    stop: StopHandle = { stopped: false, messages: null },
  ): AsyncGenerator<JsMsg, void, undefined> {
    const from = Math.max(1, Math.floor(fromSeq));
    let end = Number.POSITIVE_INFINITY;
    if (until === "tail") {
      const info: StreamInfo = await this.jsm.streams.info(this.stream);
      end = info.state.last_seq;
      if (from > end) return;
    }
    const consumer = await this.js.consumers.get(this.stream, {
      filter_subjects: filter,
      opt_start_seq: from,
      ...(headersOnly ? { headers_only: true } : {}),
    });
    // Nothing stored matches: a tail read would otherwise wait for a message that may never come.
    if (until === "tail" && (await consumer.info(true)).num_pending === 0) {
      await consumer.delete().catch(() => false);
      return;
    }
    if (stop.stopped) {
      await consumer.delete().catch(() => false);
      return;
    }
    const messages = await consumer.consume({ max_messages: pullBatch, expires: pullExpiresMs });
    stop.messages = messages;
    this.live.add(messages);
    try {
      for await (const m of messages) {
        if (m.seq > end) return;
        yield m;
        if (m.seq >= end || (until === "tail" && m.info.pending === 0)) return;
      }
    } finally {
      this.live.delete(messages);
      messages.stop();
      await consumer.delete().catch(() => false);
    }
  }

  /** Decodes a stored message; one that does not decode is dead-lettered, reported, and skipped. */
  private async decode(
    m: JsMsg,
    onInvalid: ((i: InvalidMessage) => void) | undefined,
  ): Promise<AnyEvent | null> {
    const decoded = checkMessageId(m, decodeEvent(m.data, m.seq, m.subject, this.maxEventBytes));
    if (decoded.ok) return decoded.event;
    let reason = decoded.reason;
    try {
      await this.deadLetter(m, reason);
    } catch (err) {
      // Never crash the reader over a message it cannot use; the report still goes out.
      reason = `${reason} (dead-lettering failed: ${(err as Error).message})`;
    }
    const invalid: InvalidMessage = { seq: m.seq, subject: m.subject, reason };
    onInvalid?.(invalid);
    this.onInvalid?.(invalid);
    return null;
  }

  /**
   * Appends a DeadLettered event for a stored message that does not decode. Its id derives from the stream and the
   * message's sequence, so readers that meet the same bad message write one dead letter (Nats-Msg-Id dedupe).
   */
  private async deadLetter(m: JsMsg, reason: string): Promise<void> {
    const token = m.subject.slice(this.root.length + 1).split(".")[0] ?? "";
    const sessionId = sessionToken.test(token) ? token : "system";
    const subject = deadLetterSubject(this.root, sessionId);
    const id = eventId(sessionId, "dlq", null, `${this.stream}:${m.seq}`);
    // Each reader meets the same bad message: one append per process, not one per reader (the server would drop the
    // copies, but a session's dozen hosts made a dozen appends of every dead letter).
    const written = this.deadLettered.get(id);
    if (written !== undefined) return written;
    const writing = this.appendDeadLetter(m, reason, id, sessionId, subject);
    this.deadLettered.set(id, writing);
    if (this.deadLettered.size > rememberedDeadLetters) {
      this.deadLettered.delete(this.deadLettered.keys().next().value as string);
    }
    try {
      await writing;
    } catch (err) {
      this.deadLettered.delete(id);
      throw err;
    }
  }

  /** The DeadLettered event itself, with the refused message's payload (truncated) and headers. */
  private async appendDeadLetter(
    m: JsMsg,
    reason: string,
    id: string,
    sessionId: string,
    subject: string,
  ): Promise<void> {
    const headers: Record<string, string> = {};
    for (const k of m.headers?.keys() ?? []) headers[k] = m.headers?.get(k) ?? "";
    const event: NewEvent<"DeadLettered"> = {
      id,
      type: "DeadLettered",
      v: 1,
      sessionId,
      subject,
      at: m.time.toISOString(),
      recordedAt: new Date().toISOString(),
      correlationId: id,
      causationId: null,
      writer: "dlq",
      data: {
        reason,
        originalSubject: m.subject,
        originalSeq: m.seq,
        payload: lenientUtf8.decode(m.data.subarray(0, maxDeadLetterPayload)),
        payloadBytes: m.data.byteLength,
        headers,
        refusedBy,
      },
    };
    await this.append(subject, [event]);
  }

  private assertOpen(): void {
    if (this.closed) throw new UnavailableError(`the JetStream event log on stream ${this.stream} is closed`);
  }
}

/**
 * Every append stores an event under `Nats-Msg-Id` = its id (the server's dedupe key). A message whose header differs
 * was not appended by a log: a copy of an event under another key (a duplicate id) or a foreign client's publish.
 */
function checkMessageId(m: JsMsg, decoded: DecodeResult): DecodeResult {
  if (!decoded.ok) return decoded;
  const msgId = m.headers?.get(eventHeaders.id) ?? "";
  if (msgId === decoded.event.id) return decoded;
  return {
    ok: false,
    reason: `${eventHeaders.id} header "${msgId}" does not match the event id ${decoded.event.id} (a duplicate or foreign message)`,
  };
}

/** Lets a subscription stop its consumer from outside the generator that reads it. */
interface StopHandle {
  stopped: boolean;
  messages: ConsumerMessages | null;
}

interface OutgoingMessage {
  readonly id: string;
  readonly payload: Uint8Array;
  readonly headers: MsgHdrs;
}

/** Waits for every publish (so none is left in flight), then throws the first failure. */
async function settleAll(pending: readonly Promise<PubAck>[]): Promise<PubAck[]> {
  const results = await Promise.allSettled(pending);
  const failed = results.find((r) => r.status === "rejected");
  if (failed !== undefined) throw unavailable("batch", (failed as PromiseRejectedResult).reason);
  return results.map((r) => (r as PromiseFulfilledResult<PubAck>).value);
}

function unavailable(subject: string, err: unknown): CryptoFunkError {
  if (err instanceof CryptoFunkError) return err;
  return new UnavailableError(
    `append to ${subject} failed: ${(err as Error).message}; retry with the same events and expectation`,
    { cause: err },
  );
}

/** Fields of the stream configuration the log depends on, compared when the stream already exists. */
type WantedStream = Pick<
  StreamConfig,
  | "name"
  | "subjects"
  | "storage"
  | "retention"
  | "discard"
  | "deny_delete"
  | "deny_purge"
  | "duplicate_window"
  | "max_age"
  | "num_replicas"
>;

/**
 * Creates the stream, or verifies an existing one: settings the server cannot change in place (storage, retention,
 * subjects claimed by another root) are refused with a ConfigError; the rest is updated to what the log needs.
 */
async function ensureStream(jsm: JetStreamManager, want: WantedStream): Promise<void> {
  let info: StreamInfo | null = null;
  try {
    info = await jsm.streams.info(want.name);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) {
      throw new UnavailableError(`cannot read stream ${want.name}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  if (info === null) {
    try {
      await jsm.streams.add(want);
    } catch (err) {
      throw new ConfigError(`cannot create stream ${want.name}: ${(err as Error).message}`, [], {
        cause: err,
      });
    }
    return;
  }
  const have = info.config;
  const fixed: [keyof WantedStream, unknown, unknown][] = [
    ["storage", have.storage, want.storage],
    ["retention", have.retention, want.retention],
    ["subjects", (have.subjects ?? []).join(","), want.subjects.join(",")],
  ];
  const wrong = fixed.filter(([, h, w]) => h !== w);
  if (wrong.length > 0) {
    throw new ConfigError(
      `stream ${want.name} exists with settings that cannot be changed in place: ${wrong
        .map(([k, h, w]) => `${k} is ${String(h)}, the log needs ${String(w)}`)
        .join("; ")} (use another stream name, or another subject root)`,
      wrong.map(([k]) => ({ path: `stream.${k}`, message: "differs from the log's requirement" })),
    );
  }
  const updatable = [
    "discard",
    "deny_delete",
    "deny_purge",
    "duplicate_window",
    "max_age",
    "num_replicas",
  ] as const;
  const changed = updatable.filter((k) => have[k] !== want[k]);
  if (changed.length === 0) return;
  try {
    await jsm.streams.update(want.name, { ...have, ...pick(want, changed) });
  } catch (err) {
    throw new ConfigError(
      `stream ${want.name} differs in ${changed.join(", ")} and the server refused the update: ${(err as Error).message}`,
      changed.map((k) => ({ path: `stream.${k}`, message: "could not be updated" })),
      { cause: err },
    );
  }
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = o[k];
  return out;
}

/** Opens the JetStream event log (see JetStreamEventLog.open). */
export function createJetStreamEventLog(options: JetStreamEventLogOptions): Promise<JetStreamEventLog> {
  return JetStreamEventLog.open(options);
}
