import {
  type AnyEvent,
  ConcurrencyError,
  createEvents,
  type EventLog,
  FencedError,
  hasErrorCode,
  sessionFilter,
  subjectFor,
} from "../../events/index.ts";
import { type ActorSpec, createMachineDriver, type PersistedActor } from "./machine-driver.ts";
import { retryUnavailable } from "./retry-unavailable.ts";

/** A host's checkpoint: the machine's snapshot, the last input seen and the last sequence of its own subject. */
export interface HostCheckpoint extends PersistedActor {
  readonly ownLastSeq: number;
}

/** Where hosts keep checkpoints (JetStream KV in production, memory in tests). */
export interface SnapshotStore {
  load(key: string): Promise<HostCheckpoint | null>;
  save(key: string, checkpoint: HostCheckpoint): Promise<void>;
}

/** A SnapshotStore in memory. */
export function createMemorySnapshotStore(): SnapshotStore & {
  readonly entries: Map<string, HostCheckpoint>;
} {
  const entries = new Map<string, HostCheckpoint>();
  return {
    entries,
    load: async (key) => entries.get(key) ?? null,
    save: async (key, cp) => {
      entries.set(key, structuredClone(cp));
    },
  };
}

export type HostExit =
  | { readonly reason: "stopped" }
  | { readonly reason: "session-ended" }
  | { readonly reason: "fenced"; readonly error: FencedError }
  | { readonly reason: "failed"; readonly error: unknown };

export interface ActorHostOptions {
  readonly log: EventLog;
  readonly spec: ActorSpec;
  readonly sessionId: string;
  readonly snapshots: SnapshotStore;
  /** Save a checkpoint every N inputs (and on stop). */
  readonly snapshotEvery?: number;
  /** Wall clock for `recordedAt` (informational; never read by the machine). */
  readonly recordedAt: () => string;
  readonly onAppend?: (count: number) => void;
}

export interface ActorHost {
  readonly writer: string;
  /** Resolves when the host ends: stopped, the session ended, fenced by another instance, or failed. */
  readonly done: Promise<HostExit>;
  stop(): Promise<HostExit>;
}

/**
 * Binds one machine to the log (DESIGN §4): restore the checkpoint, follow the session's subjects from there, feed
 * the machine what it accepts, append its outputs to its own subject with optimistic concurrency, checkpoint every N
 * inputs. Outputs are deterministic, so a restart that refolds inputs re-appends the very same ids: the log accepts
 * them as an idempotent retry. A real conflict means another instance owns the subject: this host is fenced and stops.
 */
export async function startActorHost(options: ActorHostOptions): Promise<ActorHost> {
  const { log, spec, sessionId, snapshots } = options;
  const every = options.snapshotEvery ?? 200;
  const key = `${sessionId}.${spec.writer}`;
  const restored = await snapshots.load(key);
  // An actor that must refold (live objects in its context) starts from the session's first event every time.
  const usable =
    restored !== null && spec.refold !== true && restored.machineVersion === spec.machineVersion
      ? restored
      : null;
  const driver = createMachineDriver(spec, usable ?? undefined);
  const subject = subjectFor(log.root, sessionId, spec.writer);
  const ctx = { root: log.root, sessionId, writer: spec.writer };
  let ownLastSeq = usable?.ownLastSeq ?? 0;
  // Outputs already on the subject when this host started may come back as duplicates while it refolds; a duplicate
  // beyond that point means another live instance wrote it first.
  const ownLastAtStart = await log.lastSeq(subject);
  let seen = usable?.lastSeq ?? 0;
  let sinceSave = 0;
  let stopping = false;
  // While the log or the store is unreachable (NATS restarting), appends and checkpoints wait and retry.
  const retrying = { stopped: () => stopping };
  const sub = log.subscribe(sessionFilter(log.root, sessionId), { fromSeq: seen + 1 });
  const checkpoint = async () => {
    const cp = { ...driver.persist(), lastSeq: seen, ownLastSeq };
    await retryUnavailable(() => snapshots.save(key, cp), retrying);
    sinceSave = 0;
  };

  const run = async (): Promise<HostExit> => {
    try {
      for await (const event of sub) {
        await handle(event);
        seen = event.seq;
        if (++sinceSave >= every) await checkpoint();
        if (event.type === "SessionStopped") {
          await checkpoint();
          return { reason: "session-ended" };
        }
      }
      await checkpoint();
      return { reason: "stopped" };
    } catch (error) {
      if (hasErrorCode(error, "FENCED")) return { reason: "fenced", error: error as FencedError };
      return { reason: "failed", error };
    } finally {
      await sub.close().catch(() => undefined);
    }
  };

  const handle = async (event: AnyEvent) => {
    if (!driver.accepts(event.type)) return;
    const drafts = driver.feed(event);
    if (drafts.length === 0) return;
    const cause = { id: event.id, correlationId: event.correlationId };
    const recordedAt = options.recordedAt();
    const events = createEvents({ ...ctx, recordedAt }, drafts, cause);
    try {
      const { r, attempt } = await retryUnavailable(
        async (n) => ({ r: await log.append(subject, events, { expectedLastSeq: ownLastSeq }), attempt: n }),
        retrying,
      );
      // A retry finds what its failed attempt stored (the ack was lost): those duplicates are this host's own.
      if (r.duplicates > 0 && attempt === 1 && Math.max(...r.seqs) > ownLastAtStart) {
        throw new FencedError(`${subject}: another instance appended these outputs first: this host stops`);
      }
      ownLastSeq = Math.max(ownLastSeq, ...r.seqs);
      options.onAppend?.(events.length - r.duplicates);
    } catch (error) {
      if (error instanceof ConcurrencyError || hasErrorCode(error, "CONCURRENCY")) {
        throw new FencedError(`${subject} is owned by another instance: this host stops`, { cause: error });
      }
      throw error;
    }
  };

  const done = run();
  return {
    writer: spec.writer,
    done,
    stop: async () => {
      stopping = true;
      await sub.close();
      return done;
    },
  };
}
