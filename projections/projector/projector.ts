import type { IPolicy } from "cockatiel";
import { type Kysely, sql, type Transaction } from "kysely";
import {
  type AnyEvent,
  createEvent,
  type EventLog,
  type EventSubscription,
  rootFilter,
  UnavailableError,
} from "../../events/index.ts";
import { type ReadModelLayout, readModelProjection, versionSchema } from "../schema/read-model-layout.ts";
import { applyRowOps } from "./apply-row-ops.ts";
import { createProjectionPolicy, isDataError, type ProjectionPolicyOptions } from "./projection-policy.ts";
import { readModelFold } from "./read-model-fold.ts";

// biome-ignore lint/suspicious/noExplicitAny: the runner writes tables named by the fold
type AnyDb = Kysely<any>;

export interface ProjectorOptions {
  readonly db: Kysely<unknown>;
  readonly layout: ReadModelLayout;
  readonly log: EventLog;
  /** Which events to project (default: everything under the log's root). */
  readonly filter?: string;
  /** Events per transaction (default 500). */
  readonly batchSize?: number;
  /**
   * Write this version instead of following the live pointer (a rebuild fills its new version this way). By default
   * the projector writes the live version and moves to a new one when a rebuild switches.
   */
  readonly version?: number;
  readonly policy?: ProjectionPolicyOptions;
  /** After each committed batch, before it is acknowledged (tests inject crashes here). */
  readonly afterCommit?: (lastSeq: number) => void | Promise<void>;
  /** The batch is committed and acknowledged up to `lastSeq`. */
  readonly onAck?: (lastSeq: number) => void;
  readonly onBatch?: (stats: BatchStats) => void;
  /** Wall clock for the DeadLettered events' recordedAt (informational only). */
  readonly now?: () => Date;
}

export interface BatchStats {
  readonly schema: string;
  readonly applied: number;
  readonly skipped: number;
  readonly deadLettered: number;
  readonly lastSeq: number;
  readonly durationMs: number;
}

export interface ProjectorTotals {
  applied: number;
  skipped: number;
  deadLettered: number;
  batches: number;
  lastSeq: number;
}

export interface Projector {
  /** Projects every event up to the log's tail as it is now, then returns. */
  catchUp(): Promise<ProjectorTotals>;
  /** Projects continuously (catch-up, then live) until stop() or an unrecoverable error. */
  run(): Promise<void>;
  stop(): Promise<void>;
  readonly totals: Readonly<ProjectorTotals>;
}

/** The live version moved (a rebuild switched) while this projector was writing the old one. */
class VersionSwitched extends Error {}

const maxPayload = 64 * 1024;

interface Checkpoint {
  lastSeq: number;
  eventsApplied: number;
  deadLettered: number;
}

async function readCheckpoint(db: AnyDb, schema: string, lock: boolean): Promise<Checkpoint> {
  const q = db
    .withSchema(schema)
    .selectFrom("projection_checkpoints")
    .select(["last_seq", "events_applied", "dead_lettered"])
    .where("name", "=", readModelProjection);
  const row = await (lock ? q.forUpdate() : q).executeTakeFirst();
  return row === undefined
    ? { lastSeq: 0, eventsApplied: 0, deadLettered: 0 }
    : {
        lastSeq: Number(row.last_seq),
        eventsApplied: Number(row.events_applied),
        deadLettered: Number(row.dead_lettered),
      };
}

/** The projector's checkpoint in a version schema (0 when it has projected nothing). */
export async function projectionCheckpoint(db: AnyDb, schema: string): Promise<number> {
  return (await readCheckpoint(db, schema, false)).lastSeq;
}

/**
 * Builds a projector: reads the log from its checkpoint, folds each event into row operations, and applies a batch
 * of events together with the checkpoint in one transaction; acknowledges after the commit; skips events at or
 * below the checkpoint; dead-letters an event it cannot apply (a row in dead_letters and a DeadLettered event on the
 * log's dlq subject) and goes on; retries database outages with a cockatiel policy, holding the batch meanwhile.
 */
export function createProjector(options: ProjectorOptions): Projector {
  const db = options.db as AnyDb;
  const { layout, log } = options;
  const filter = options.filter ?? rootFilter(log.root);
  const batchSize = options.batchSize ?? 500;
  const policy: IPolicy = createProjectionPolicy(options.policy);
  const now = options.now ?? (() => new Date());
  const totals: ProjectorTotals = { applied: 0, skipped: 0, deadLettered: 0, batches: 0, lastSeq: 0 };
  let subscription: EventSubscription | null = null;
  let stopped = false;

  async function currentSchema(trx: AnyDb, lock: boolean): Promise<string> {
    if (options.version !== undefined) return versionSchema(layout.namespace, options.version);
    const q = trx
      .withSchema(layout.namespace)
      .selectFrom("read_model_versions")
      .select("live_version")
      .where("name", "=", readModelProjection);
    // FOR SHARE: a rebuild's switch (FOR UPDATE on this row) waits for the batch, and the batch for the switch.
    const row = await (lock ? q.forShare() : q).executeTakeFirst();
    if (row === undefined) {
      throw new UnavailableError(
        `read model "${layout.namespace}" is not migrated: run \`cryptofunk migrate up\``,
      );
    }
    return versionSchema(layout.namespace, Number(row.live_version));
  }

  async function deadLetter(trx: AnyDb, event: AnyEvent, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    const text = JSON.stringify(event);
    const payloadBytes = Buffer.byteLength(text, "utf8");
    const payload =
      payloadBytes > maxPayload ? Buffer.from(text).subarray(0, maxPayload).toString("utf8") : text;
    const dlq = createEvent(
      { root: log.root, sessionId: event.sessionId, writer: "dlq", recordedAt: now().toISOString() },
      {
        type: "DeadLettered",
        at: event.at,
        data: {
          reason,
          originalSubject: event.subject,
          originalSeq: event.seq,
          payload,
          payloadBytes,
          headers: { "Nats-Msg-Id": event.id, "CF-Type": event.type },
          refusedBy: "projector",
        },
      },
      { id: event.id, correlationId: event.correlationId },
      "projector",
    );
    // Appended before the row commits: the id is deterministic, so a retried batch finds it already in the log.
    const appended = await log.append(dlq.subject, [dlq]);
    await applyRowOps(trx, readModelFold({ ...dlq, seq: appended.seqs[0] ?? 0 } as AnyEvent));
  }

  /** One transaction: the batch's rows and the checkpoint. Returns what it did. */
  async function applyBatch(events: readonly AnyEvent[], expectedSchema: string | null, isolate: boolean) {
    return db.transaction().execute(async (trx: Transaction<unknown>) => {
      const t = trx as AnyDb;
      const schema = await currentSchema(t, true);
      if (expectedSchema !== null && schema !== expectedSchema) throw new VersionSwitched(schema);
      const w = t.withSchema(schema);
      const cp = await readCheckpoint(t, schema, true);
      let applied = 0;
      let skipped = 0;
      let dead = 0;
      let lastSeq = cp.lastSeq;
      const fresh: AnyEvent[] = [];
      for (const e of events) {
        if (e.seq <= lastSeq) {
          skipped++;
          continue;
        }
        fresh.push(e);
        lastSeq = e.seq;
      }
      if (!isolate) {
        await applyRowOps(
          w,
          fresh.flatMap((e) => readModelFold(e)),
        );
        applied = fresh.length;
      } else {
        // Slow path after a data error: each event behind a savepoint, so one bad event cannot take the batch down.
        for (const e of fresh) {
          await sql`savepoint cf_event`.execute(t);
          try {
            await applyRowOps(w, readModelFold(e));
            await sql`release savepoint cf_event`.execute(t);
            applied++;
          } catch (error) {
            await sql`rollback to savepoint cf_event`.execute(t);
            if (!isDataError(error)) throw error;
            await deadLetter(w, e, error);
            dead++;
          }
        }
      }
      if (fresh.length > 0) {
        await w
          .insertInto("projection_checkpoints")
          .values({
            name: readModelProjection,
            last_seq: lastSeq,
            events_applied: cp.eventsApplied + applied,
            dead_lettered: cp.deadLettered + dead,
          })
          .onConflict((oc) =>
            oc.column("name").doUpdateSet({
              last_seq: lastSeq,
              events_applied: cp.eventsApplied + applied,
              dead_lettered: cp.deadLettered + dead,
            }),
          )
          .execute();
      }
      return { schema, applied, skipped, dead, lastSeq };
    });
  }

  async function project(events: readonly AnyEvent[], expectedSchema: string | null): Promise<number> {
    const started = performance.now();
    const result = await policy.execute(async () => {
      try {
        return await applyBatch(events, expectedSchema, false);
      } catch (error) {
        // The fast path refuses the whole batch for one bad event; redo it event by event, dead-lettering the bad.
        if (!isDataError(error)) throw error;
        return applyBatch(events, expectedSchema, true);
      }
    });
    totals.applied += result.applied;
    totals.skipped += result.skipped;
    totals.deadLettered += result.dead;
    totals.batches++;
    totals.lastSeq = Math.max(totals.lastSeq, result.lastSeq);
    await options.afterCommit?.(result.lastSeq);
    options.onAck?.(result.lastSeq);
    options.onBatch?.({
      schema: result.schema,
      applied: result.applied,
      skipped: result.skipped,
      deadLettered: result.dead,
      lastSeq: result.lastSeq,
      durationMs: performance.now() - started,
    });
    return result.lastSeq;
  }

  /** Where to start: the checkpoint of the version being written. */
  async function start(): Promise<{ schema: string; fromSeq: number }> {
    return policy.execute(async () => {
      const schema = await currentSchema(db, false);
      const cp = await readCheckpoint(db, schema, false);
      return { schema, fromSeq: cp.lastSeq + 1 };
    });
  }

  async function catchUp(): Promise<ProjectorTotals> {
    for (;;) {
      const { schema, fromSeq } = await start();
      try {
        let batch: AnyEvent[] = [];
        for await (const e of log.read(filter, { fromSeq })) {
          batch.push(e);
          if (batch.length >= batchSize) {
            await project(batch, schema);
            batch = [];
          }
        }
        if (batch.length > 0) await project(batch, schema);
        return { ...totals };
      } catch (error) {
        if (!(error instanceof VersionSwitched)) throw error;
      }
    }
  }

  async function run(): Promise<void> {
    while (!stopped) {
      const { schema, fromSeq } = await start();
      const sub = log.subscribe(filter, { fromSeq });
      subscription = sub;
      try {
        for await (const batch of batches(sub, batchSize)) await project(batch, schema);
        return;
      } catch (error) {
        if (!(error instanceof VersionSwitched)) throw error;
      } finally {
        subscription = null;
        await sub.close();
      }
    }
  }

  return {
    catchUp,
    run,
    async stop() {
      stopped = true;
      await subscription?.close();
    },
    get totals() {
      return totals;
    },
  };
}

const idle = Symbol("idle");

/**
 * Groups a live stream into batches: take what is ready now (up to `max`), and flush as soon as the stream would
 * block, so a quiet stream is projected at once and a busy one in large transactions.
 */
async function* batches(source: AsyncIterable<AnyEvent>, max: number): AsyncGenerator<AnyEvent[]> {
  const it = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<AnyEvent>> | null = null;
  for (;;) {
    const first = await (pending ?? it.next());
    pending = null;
    if (first.done) return;
    const batch = [first.value];
    while (batch.length < max) {
      const next = it.next();
      const r = await Promise.race([
        next,
        new Promise<typeof idle>((resolve) => setImmediate(resolve, idle)),
      ]);
      if (r === idle) {
        pending = next;
        break;
      }
      if (r.done) {
        yield batch;
        return;
      }
      batch.push(r.value);
    }
    yield batch;
  }
}
