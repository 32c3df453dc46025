import type { AnyEvent, NewEvent } from "../envelope/event-envelope.ts";

export interface AppendOptions {
  /**
   * Optimistic concurrency: the stream sequence of the last event on this subject (0 = the subject must be empty).
   * Omit only for the multi-writer subjects (control, dlq, audit).
   */
  readonly expectedLastSeq?: number;
}

export interface AppendResult {
  /** Stream sequences of the appended events, in order. */
  readonly seqs: readonly number[];
  /** The subject's last sequence after the append. */
  readonly lastSeq: number;
  /** How many events were already in the log (same id) and were not written again. */
  readonly duplicates: number;
}

export interface ReadOptions {
  /** First stream sequence to deliver (default 1). */
  readonly fromSeq?: number;
}

/** A message the log holds but cannot decode; it has been dead-lettered with this reason. */
export interface InvalidMessage {
  readonly seq: number;
  readonly subject: string;
  readonly reason: string;
}

export interface SubscribeOptions extends ReadOptions {
  /** Called for each message that did not decode (after it was dead-lettered). */
  readonly onInvalid?: (invalid: InvalidMessage) => void;
}

/** A live subscription: an async iterable of events that ends when closed. */
export interface EventSubscription extends AsyncIterable<AnyEvent> {
  close(): Promise<void>;
}

/**
 * The event log port. Subjects are `<root>.<sessionId>.<writer>`; filters use NATS wildcards (`*`, `>`), one filter
 * per reader. Sequences are stream-wide and increase; `seq` is set on every event read.
 */
export interface EventLog {
  /** The subject root this log was opened with (for example `cf`). */
  readonly root: string;
  /**
   * Appends events to one subject, all or nothing per event, in order. Each event is validated against the catalog
   * first (ValidationError naming the field). With `expectedLastSeq`, a mismatch is a ConcurrencyError unless every
   * event is already stored under its id (an idempotent retry), which succeeds with `duplicates` counted.
   */
  append(subject: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** The events matching `filter` from `fromSeq` up to the tail as it was when the read began. */
  read(filter: string, options?: ReadOptions & Pick<SubscribeOptions, "onInvalid">): AsyncIterable<AnyEvent>;
  /** Catch-up then live: every matching event from `fromSeq`, then each new one, with no gap and no duplicate. */
  subscribe(filter: string, options?: SubscribeOptions): EventSubscription;
  /** Stream sequence of the last event on `subject`, 0 when it has none. */
  lastSeq(subject: string): Promise<number>;
  close(): Promise<void>;
}
