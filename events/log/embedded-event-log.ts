import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { decodeEvent, validateNewEvent } from "../codec/event-codec.ts";
import type { AnyEvent, NewEvent } from "../envelope/event-envelope.ts";
import {
  ConcurrencyError,
  CorruptError,
  UnavailableError,
  ValidationError,
} from "../errors/cryptofunk-error.ts";
import { subjectMatches } from "../subjects/subjects.ts";
import type {
  AppendOptions,
  AppendResult,
  EventLog,
  EventSubscription,
  ReadOptions,
  SubscribeOptions,
} from "./event-log.ts";

export interface EmbeddedEventLogOptions {
  /** Subject root (default `cf`). */
  readonly root?: string;
  /** Append-only JSONL file: reloaded on open, one line per event, flushed (fsync) per append batch. */
  readonly file?: string;
  /** Called when reopening finds a torn tail (a crash mid-write) and cuts it. */
  readonly onRecovered?: (report: RecoveryReport) => void;
  /** Skip catalog validation on append (trusted in-process writers in benchmarks only). */
  readonly trusted?: boolean;
}

export interface RecoveryReport {
  readonly file: string;
  readonly keptEvents: number;
  readonly cutBytes: number;
  readonly reason: string;
}

interface Waiter {
  resolve: () => void;
}

/**
 * The event log in process: the same port as JetStream, for backtests (speed) and for `npm start` when no NATS
 * server is reachable. Optionally durable in an append-only JSONL file.
 */
export class EmbeddedEventLog implements EventLog {
  readonly root: string;
  private readonly events: AnyEvent[] = [];
  private readonly lastBySubject = new Map<string, number>();
  private readonly seqById = new Map<string, number>();
  private readonly waiters = new Set<Waiter>();
  private fd: number | null = null;
  private closed = false;
  private readonly trusted: boolean;

  private constructor(options: EmbeddedEventLogOptions) {
    this.root = options.root ?? "cf";
    this.trusted = options.trusted ?? false;
  }

  /** Opens the log, reloading (and repairing) its file when one is given. */
  static open(options: EmbeddedEventLogOptions = {}): EmbeddedEventLog {
    const log = new EmbeddedEventLog(options);
    if (options.file !== undefined) log.load(options.file, options.onRecovered);
    return log;
  }

  private load(file: string, onRecovered?: (r: RecoveryReport) => void): void {
    mkdirSync(dirname(file), { recursive: true });
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    let good = 0;
    let offset = 0;
    let reason: string | null = null;
    while (offset < text.length) {
      const nl = text.indexOf("\n", offset);
      if (nl < 0) {
        reason = "last record has no line end (torn write)";
        break;
      }
      const line = text.slice(offset, nl);
      let record: { seq: number; event: AnyEvent };
      try {
        record = JSON.parse(line);
      } catch {
        reason = `record after ${this.events.length} events is not JSON (torn write)`;
        break;
      }
      const decoded = decodeEvent(JSON.stringify(record.event), record.seq, record.event?.subject);
      if (!decoded.ok) {
        if (nl + 1 < text.length) {
          throw new CorruptError(`${file}: record ${this.events.length + 1} is invalid (${decoded.reason})`);
        }
        reason = `last record is invalid: ${decoded.reason}`;
        break;
      }
      if (record.seq !== this.events.length + 1) {
        throw new CorruptError(`${file}: expected seq ${this.events.length + 1}, found ${record.seq}`);
      }
      this.remember(decoded.event);
      offset = nl + 1;
      // Counted line by line: measuring the whole prefix each time made reopening a large file quadratic.
      good += Buffer.byteLength(line, "utf8") + 1;
    }
    this.fd = openSync(file, "a+");
    if (reason !== null) {
      const total = Buffer.byteLength(text, "utf8");
      ftruncateSync(this.fd, good);
      fsyncSync(this.fd);
      onRecovered?.({ file, keptEvents: this.events.length, cutBytes: total - good, reason });
    }
  }

  private remember(event: AnyEvent): void {
    this.events.push(event);
    this.lastBySubject.set(event.subject, event.seq);
    this.seqById.set(event.id, event.seq);
  }

  async append(
    subject: string,
    events: readonly NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    return this.appendSync(subject, events, options);
  }

  /** The synchronous form, for the in-process scheduler's hot path. */
  appendSync(subject: string, events: readonly NewEvent[], options: AppendOptions = {}): AppendResult {
    if (this.closed) throw new UnavailableError("the embedded event log is closed");
    const checked = events.map((e) => {
      if (e.subject !== subject) {
        throw new ValidationError(`event ${e.id} has subject ${e.subject}, appended to ${subject}`, [
          { path: "subject", message: "does not match the append subject" },
        ]);
      }
      return this.trusted ? e : validateNewEvent(e);
    });
    const existing = checked.map((e) => this.seqById.get(e.id));
    const last = this.lastBySubject.get(subject) ?? 0;
    if (existing.every((s) => s !== undefined) && checked.length > 0) {
      return { seqs: existing as number[], lastSeq: last, duplicates: checked.length };
    }
    if (
      options.expectedLastSeq !== undefined &&
      options.expectedLastSeq !== last &&
      !this.storedAsPrefix(subject, options.expectedLastSeq, checked)
    ) {
      throw new ConcurrencyError(
        `${subject}: expected last sequence ${options.expectedLastSeq}, the log has ${last}`,
        { details: { subject, expected: options.expectedLastSeq, actual: last } },
      );
    }
    const seqs: number[] = [];
    let duplicates = 0;
    const lines: string[] = [];
    for (const [i, e] of checked.entries()) {
      const seen = existing[i];
      if (seen !== undefined) {
        seqs.push(seen);
        duplicates++;
        continue;
      }
      const stored = { ...e, seq: this.events.length + 1 } as AnyEvent;
      if (this.fd !== null) lines.push(`${JSON.stringify({ seq: stored.seq, event: e })}\n`);
      this.remember(stored);
      seqs.push(stored.seq);
    }
    if (this.fd !== null && lines.length > 0) {
      writeSync(this.fd, lines.join(""));
      fsyncSync(this.fd);
    }
    this.wake();
    return { seqs, lastSeq: this.lastBySubject.get(subject) ?? 0, duplicates };
  }

  /**
   * Whether what `subject` holds after `expectedLastSeq` is the beginning of this batch: a retry of an append that a
   * crash cut short (one write per batch; reopening keeps its whole records). As on JetStream, the stored events
   * count as duplicates and the rest is appended.
   */
  private storedAsPrefix(subject: string, expectedLastSeq: number, batch: readonly NewEvent[]): boolean {
    let k = 0;
    for (let i = expectedLastSeq; i < this.events.length; i++) {
      const e = this.events[i] as AnyEvent;
      if (e.subject !== subject) continue;
      if (batch[k]?.id !== e.id) return false;
      k++;
    }
    return k > 0;
  }

  private wake(): void {
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w.resolve();
  }

  async *read(filter: string, options: ReadOptions = {}): AsyncIterable<AnyEvent> {
    const end = this.events.length;
    for (let i = Math.max(0, (options.fromSeq ?? 1) - 1); i < end; i++) {
      const e = this.events[i]!;
      if (subjectMatches(filter, e.subject)) yield e;
    }
  }

  /** All events matching `filter`, synchronously (in-process tools and tests). */
  readAll(filter: string, fromSeq = 1): AnyEvent[] {
    return this.events.slice(Math.max(0, fromSeq - 1)).filter((e) => subjectMatches(filter, e.subject));
  }

  subscribe(filter: string, options: SubscribeOptions = {}): EventSubscription {
    let cursor = Math.max(0, (options.fromSeq ?? 1) - 1);
    let open = true;
    let pending: Waiter | null = null;
    const log = this;
    async function* iterate(): AsyncGenerator<AnyEvent> {
      while (open) {
        if (cursor < log.events.length) {
          const e = log.events[cursor++]!;
          if (subjectMatches(filter, e.subject)) yield e;
          continue;
        }
        if (log.closed) return;
        await new Promise<void>((resolve) => {
          pending = { resolve };
          log.waiters.add(pending);
        });
      }
    }
    const it = iterate();
    return {
      [Symbol.asyncIterator]: () => it,
      close: async () => {
        open = false;
        if (pending) {
          this.waiters.delete(pending);
          (pending as Waiter).resolve();
        }
        await it.return(undefined);
      },
    };
  }

  async lastSeq(subject: string): Promise<number> {
    return this.lastBySubject.get(subject) ?? 0;
  }

  /** Number of events held. */
  get size(): number {
    return this.events.length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
    this.wake();
  }
}

/** Opens an embedded event log (see EmbeddedEventLog). */
export function createEmbeddedEventLog(options: EmbeddedEventLogOptions = {}): EmbeddedEventLog {
  return EmbeddedEventLog.open(options);
}
