import { randomBytes } from "node:crypto";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { createJetStreamEventLog, type EventLog, type JetStreamEventLog } from "../../events/index.ts";
import {
  createProjector,
  dropReadModel,
  migrateUp,
  type ReadModelDb,
  type ReadModelLayout,
  readModelDb,
} from "../../projections/index.ts";
import { type AuditWriter, createAuditWriter } from "../audit/audit-writer.ts";
import type { ApiKeyStore } from "../auth/api-key-store.ts";
import type { ApiRole } from "../auth/route-roles.ts";
import { createGateway, type Gateway, type GatewayDeps } from "../gateway-server.ts";
import { migrateGateway } from "../store/gateway-migrations.ts";

export const postgresUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

/** A Postgres schema of its own (search_path) and a read-model namespace of its own, dropped by `dispose`. */
export interface TestDatabase {
  // biome-ignore lint/suspicious/noExplicitAny: tests write to the read models and the gateway's tables alike.
  readonly db: Kysely<any>;
  readonly schema: string;
  readonly layout: ReadModelLayout;
  readonly readModels: ReadModelDb;
  readonly url: string;
  dispose(): Promise<void>;
}

export async function openTestDatabase(): Promise<TestDatabase> {
  const schema = `gw_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(
      `Postgres is unreachable at ${postgresUrl} (${(e as Error).message}); start it (e.g. ` +
        "`pg_ctlcluster 15 main start`) with trust auth and a database named test",
    );
  }
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 10, options: `-c search_path=${schema}` });
  pool.on("error", () => {});
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  await migrateGateway(db);
  const layout = { namespace: `${schema}_rm` };
  await migrateUp(db, layout);
  return {
    db,
    schema,
    layout,
    readModels: readModelDb(db, layout),
    url: postgresUrl,
    dispose: async () => {
      await dropReadModel(db, layout);
      await sql`drop schema ${sql.id(schema)} cascade`.execute(db);
      await db.destroy();
    },
  };
}

/** A JetStream log on a stream and subject root of its own, deleted by `dispose`. */
export interface TestEventLog {
  readonly log: JetStreamEventLog;
  readonly nc: NatsConnection;
  readonly stream: string;
  dispose(): Promise<void>;
}

export async function openTestEventLog(): Promise<TestEventLog> {
  const tag = randomBytes(5).toString("hex");
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: natsUrl, name: "gateway test" });
  } catch (e) {
    throw new Error(
      `NATS is unreachable at ${natsUrl} (${(e as Error).message}); start it with: nats-server -a 127.0.0.1 -p 4222 -js`,
    );
  }
  const stream = `GW_${tag}`;
  const log = await createJetStreamEventLog({ nc, stream, root: `g${tag}` });
  return {
    log,
    nc,
    stream,
    dispose: async () => {
      await log.close();
      await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
      await nc.close();
    },
  };
}

/** A running gateway on real services, with a key store to mint keys for requests. */
export interface GatewayFixture {
  readonly app: Gateway;
  readonly url: string;
  readonly log: EventLog;
  // biome-ignore lint/suspicious/noExplicitAny: see TestDatabase.db
  readonly db: Kysely<any>;
  readonly keys: ApiKeyStore;
  readonly audit: AuditWriter;
  readonly readModels: ReadModelDb;
  /** Projects every event in the log into the read models (the projector's catch-up). */
  project(): Promise<void>;
  /** Issues a key of `role` and returns it. */
  key(role: ApiRole, name?: string): Promise<string>;
  dispose(): Promise<void>;
}

export async function startGatewayFixture(
  options: { deps?: Partial<GatewayDeps>; log?: EventLog; listen?: boolean } = {},
): Promise<GatewayFixture> {
  const database = await openTestDatabase();
  const events = options.log === undefined ? await openTestEventLog() : undefined;
  const log = options.log ?? events!.log;
  const app = await createGateway({
    eventLog: log,
    db: database.db,
    readModels: database.readModels,
    ...options.deps,
  });
  const url = options.listen === false ? "" : await app.listen({ host: "127.0.0.1", port: 0 });
  const audit = createAuditWriter(log);
  const keys = app.apiKeys;
  return {
    app,
    url,
    log,
    db: database.db,
    keys,
    audit,
    readModels: database.readModels,
    project: async () => {
      await createProjector({ db: database.db, layout: database.layout, log }).catchUp();
    },
    key: async (role, name = `${role}-key`) => (await keys.issue({ name, role, issuedBy: "test" })).key,
    dispose: async () => {
      await app.close();
      await events?.dispose();
      await database.dispose();
    },
  };
}
