import { randomBytes } from "node:crypto";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, expect, it } from "vitest";
import { createEmbeddedEventLog } from "../../events/index.ts";
import { readModelHash } from "../rebuild/read-model-dump.ts";
import { versionSchema } from "../schema/read-model-layout.ts";
import {
  closeReadModelDatabases,
  readModelDatabases,
  testPostgresUrl,
} from "../testing/read-model-databases.ts";
import { appendEvents, buildSessionEvents } from "../testing/session-events.ts";
import { createProjector } from "./projector.ts";

afterAll(closeReadModelDatabases);

it("rides out Postgres killing its connections mid-run without losing an event", async () => {
  const postgres = readModelDatabases.find((d) => d.engine === "postgres")!;
  const reference = await postgres.open();
  const rm = await postgres.open();
  const app = `cf-outage-${randomBytes(4).toString("hex")}`;
  const pool = new pg.Pool({ connectionString: testPostgresUrl, application_name: app, max: 2 });
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  const log = createEmbeddedEventLog();
  try {
    const events = buildSessionEvents({ sessionId: "o1", bars: 60, poison: true });
    let retries = 0;
    const projector = createProjector({
      db,
      layout: rm.layout,
      log,
      batchSize: 10,
      policy: { initialDelayMs: 5, maxDelayMs: 50, halfOpenAfterMs: 50, onRetry: () => retries++ },
    });
    const running = projector.run();
    let kills = 0;
    for (let i = 0; i < events.length; i += 40) {
      await appendEvents(log, events.slice(i, i + 40));
      await new Promise((r) => setTimeout(r, 10));
      const killed = await sql<{
        n: string;
      }>`select count(pg_terminate_backend(pid)) as n from pg_stat_activity
        where application_name = ${app}`.execute(reference.db);
      kills += Number(killed.rows[0]?.n ?? 0);
    }
    for (let i = 0; i < 600 && projector.totals.lastSeq < log.size; i++)
      await new Promise((r) => setTimeout(r, 25));
    await projector.stop();
    await running;
    expect(kills).toBeGreaterThan(0);
    expect(retries).toBeGreaterThan(0);
    await createProjector({ db: reference.db, layout: reference.layout, log }).catchUp();
    expect(await readModelHash(rm.db, versionSchema(rm.layout.namespace, 1))).toBe(
      await readModelHash(reference.db, versionSchema(reference.layout.namespace, 1)),
    );
  } finally {
    await log.close();
    await db.destroy();
    await rm.dispose();
    await reference.dispose();
  }
});
