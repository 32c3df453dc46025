import { type Kysely, sql } from "kysely";
import { type EventLog, NotFoundError } from "../../events/index.ts";
import { createProjector, type ProjectorOptions, projectionCheckpoint } from "../projector/projector.ts";
import {
  liveVersion,
  migrateSchemaToLatest,
  pointViewsAt,
  type ReadModelLayout,
  readModelProjection,
  setLiveVersion,
  versionSchema,
} from "../schema/read-model-layout.ts";

export interface RebuildOptions {
  readonly db: Kysely<unknown>;
  readonly layout: ReadModelLayout;
  readonly log: EventLog;
  /** Projection to rebuild (only `read-model` exists). */
  readonly name?: string;
  readonly filter?: string;
  readonly batchSize?: number;
  /** Keep the version replaced (for a manual rollback); default true. Older versions are dropped. */
  readonly keepPrevious?: boolean;
  /** How many times to catch up again when the live version is still ahead at the switch (default 5). */
  readonly maxSwitchAttempts?: number;
  readonly onProgress?: ProjectorOptions["onBatch"];
}

export interface RebuildResult {
  readonly previousVersion: number;
  readonly version: number;
  readonly lastSeq: number;
  readonly events: number;
  readonly deadLettered: number;
  readonly droppedVersions: readonly number[];
}

// biome-ignore lint/suspicious/noExplicitAny: pointer and schema DDL below the typed tables
type AnyDb = Kysely<any>;

async function versions(db: AnyDb, namespace: string): Promise<number[]> {
  const r = await sql<{ schema_name: string }>`select schema_name from information_schema.schemata
    where schema_name like ${`${namespace}\\_v%`}`.execute(db);
  return r.rows
    .map((x) => Number(x.schema_name.slice(namespace.length + 2)))
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b);
}

/**
 * Rebuilds the read model without downtime: migrates a new version schema, projects the whole log into it from
 * sequence 1 while the live version keeps serving (and its projector keeps writing), then — in one transaction,
 * holding the pointer row so no live batch is in flight — repoints the views and the pointer. If the live version
 * is still ahead at that moment the new one catches up again first, so readers never step back.
 */
export async function rebuildReadModel(options: RebuildOptions): Promise<RebuildResult> {
  const db = options.db as AnyDb;
  const { layout } = options;
  if (options.name !== undefined && options.name !== readModelProjection) {
    throw new NotFoundError(`no projection named "${options.name}" (known: ${readModelProjection})`);
  }
  const previous = await liveVersion(db, layout);
  if (previous === null) {
    throw new NotFoundError(
      `read model "${layout.namespace}" has no live version: run \`cryptofunk migrate up\``,
    );
  }
  const existing = await versions(db, layout.namespace);
  const next = Math.max(previous, ...existing) + 1;
  const schema = versionSchema(layout.namespace, next);
  await db
    .withSchema(layout.namespace)
    .updateTable("read_model_versions")
    .set({ building_version: next })
    .where("name", "=", readModelProjection)
    .execute();
  await migrateSchemaToLatest(db, schema);

  const projector = createProjector({
    db,
    layout,
    log: options.log,
    version: next,
    ...(options.filter ? { filter: options.filter } : {}),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.onProgress ? { onBatch: options.onProgress } : {}),
  });
  await projector.catchUp();

  const attempts = options.maxSwitchAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    await projector.catchUp();
    const switched = await db.transaction().execute(async (trx) => {
      const pointer = await trx
        .withSchema(layout.namespace)
        .selectFrom("read_model_versions")
        .select("live_version")
        .where("name", "=", readModelProjection)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const live = Number(pointer.live_version);
      const liveSeq = await projectionCheckpoint(trx, versionSchema(layout.namespace, live));
      const ownSeq = await projectionCheckpoint(trx, schema);
      if (ownSeq < liveSeq && attempt < attempts) return false;
      await pointViewsAt(trx, layout, schema);
      await setLiveVersion(trx, layout, next);
      return true;
    });
    if (switched) break;
  }

  const keep = options.keepPrevious ?? true;
  const dropped = (await versions(db, layout.namespace)).filter((v) => v < next && !(keep && v === previous));
  for (const v of dropped) {
    await sql`drop schema if exists ${sql.id(versionSchema(layout.namespace, v))} cascade`.execute(db);
  }
  return {
    previousVersion: previous,
    version: next,
    lastSeq: projector.totals.lastSeq,
    events: projector.totals.applied,
    deadLettered: projector.totals.deadLettered,
    droppedVersions: dropped,
  };
}
