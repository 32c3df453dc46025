import fc from "fast-check";
import { type KyselyPlugin, sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import {
  type AnyEvent,
  createEmbeddedEventLog,
  type EmbeddedEventLog,
  type EventLog,
} from "../../events/index.ts";
import { readModelHash } from "../rebuild/read-model-dump.ts";
import { tablesOf, versionSchema } from "../schema/read-model-layout.ts";
import {
  closeReadModelDatabases,
  readModelDatabases,
  type TestReadModel,
} from "../testing/read-model-databases.ts";
import { appendEvents, buildSessionEvents } from "../testing/session-events.ts";
import { createProjector } from "./projector.ts";

afterAll(closeReadModelDatabases);

class Crash extends Error {}

/** A PRNG for the delivery schedule (the property's seed drives it). */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4_294_967_296;
  };
}

/**
 * The log as an at-least-once consumer sees it: it restarts earlier than asked (unacknowledged messages come back)
 * and delivers some messages twice or out of turn.
 */
function redeliveringLog(inner: EmbeddedEventLog, rand: () => number, acked: { seq: number }): EventLog {
  return {
    root: inner.root,
    append: (subject, events, options) => inner.append(subject, events, options),
    lastSeq: (subject) => inner.lastSeq(subject),
    subscribe: (filter, options) => inner.subscribe(filter, options),
    close: () => inner.close(),
    async *read(filter, options = {}) {
      const from = Math.min(options.fromSeq ?? 1, acked.seq + 1);
      const events = inner.readAll(filter, Math.max(1, from - Math.floor(rand() * 5)));
      const seen: AnyEvent[] = [];
      for (const e of events) {
        yield e;
        seen.push(e);
        if (rand() < 0.15) yield e;
        if (rand() < 0.1 && seen.length > 1) yield seen[Math.floor(rand() * seen.length)]!;
      }
    },
  };
}

/** Fails a share of the queries as a dropped connection would (retried by the projector's policy). */
function flakyConnection(rand: () => number, rate: number): KyselyPlugin {
  return {
    transformQuery(args) {
      if (rand() < rate)
        throw Object.assign(new Error("Connection terminated unexpectedly"), { code: "ECONNRESET" });
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
}

async function truncateAll(rm: TestReadModel): Promise<void> {
  const schema = versionSchema(rm.layout.namespace, 1);
  const tables = await tablesOf(rm.db, schema);
  await sql`truncate table ${sql.join(tables.map((t) => sql.id(schema, t)))}`.execute(rm.db);
}

/** Projects until a pass finds nothing new (a dead letter appends to the log, which the next pass reads). */
async function projectToQuiescence(make: () => ReturnType<typeof createProjector>): Promise<void> {
  for (;;) {
    const totals = await make().catchUp();
    if (totals.applied === 0 && totals.deadLettered === 0) return;
  }
}

describe.each(readModelDatabases)("crash safety on $engine", (database) => {
  it("random redeliveries, crashes between commit and ack and dropped connections leave the clean-pass tables", async () => {
    const clean = await database.open();
    const crashy = await database.open();
    const cleanSchema = versionSchema(clean.layout.namespace, 1);
    const crashySchema = versionSchema(crashy.layout.namespace, 1);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            bars: fc.integer({ min: 1, max: 9 }),
            eventSeed: fc.integer({ min: 1, max: 1_000_000 }),
            poison: fc.boolean(),
            batchSize: fc.integer({ min: 1, max: 40 }),
            crashes: fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { maxLength: 5 }),
            deliverySeed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
            faultRate: fc.constantFrom(0, 0, 0.05),
          }),
          async (p) => {
            await truncateAll(clean);
            await truncateAll(crashy);
            const log = createEmbeddedEventLog();
            await appendEvents(
              log,
              buildSessionEvents({ sessionId: "p1", bars: p.bars, seed: p.eventSeed, poison: p.poison }),
            );
            await projectToQuiescence(() =>
              createProjector({ db: clean.db, layout: clean.layout, log, version: 1 }),
            );
            const expected = await readModelHash(clean.db, cleanSchema);

            const rand = prng(p.deliverySeed);
            const acked = { seq: 0 };
            const crashAt = new Set(p.crashes);
            let batches = 0;
            const db = p.faultRate > 0 ? crashy.db.withPlugin(flakyConnection(rand, p.faultRate)) : crashy.db;
            const make = () =>
              createProjector({
                db,
                layout: crashy.layout,
                log: redeliveringLog(log, rand, acked),
                version: 1,
                batchSize: p.batchSize,
                policy: { initialDelayMs: 1, maxDelayMs: 2, halfOpenAfterMs: 2 },
                afterCommit: () => {
                  batches++;
                  if (crashAt.has(batches)) throw new Crash(`crash after batch ${batches}`);
                },
                onAck: (seq) => {
                  acked.seq = seq;
                },
              });
            for (;;) {
              try {
                await projectToQuiescence(make);
                break;
              } catch (error) {
                if (!(error instanceof Crash)) throw error;
              }
            }
            expect(await readModelHash(crashy.db, crashySchema)).toBe(expected);
            await log.close();
          },
        ),
        { numRuns: database.engine === "postgres" ? 15 : 8 },
      );
    } finally {
      await clean.dispose();
      await crashy.dispose();
    }
  });
});
