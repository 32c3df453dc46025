import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import { canonicalJson, NotFoundError } from "../../events/index.ts";
import type { GatewayDatabase } from "./gateway-database.ts";

export interface StoredStrategy {
  readonly name: string;
  readonly version: number;
  readonly config: Record<string, unknown>;
  readonly checksum: string;
  readonly active: boolean;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface StrategySummary {
  readonly name: string;
  readonly versions: number;
  readonly latestVersion: number;
  readonly activeVersion: number | null;
}

/** Versioned strategy configs in the gateway's table: every import is a new version; one version is active. */
export interface StrategyStore {
  add(name: string, config: Readonly<Record<string, unknown>>, createdBy: string): Promise<StoredStrategy>;
  /** A version, or the active one when `version` is omitted; undefined when absent. */
  get(name: string, version?: number): Promise<StoredStrategy | undefined>;
  versions(name: string): Promise<StoredStrategy[]>;
  list(): Promise<StrategySummary[]>;
  activate(name: string, version: number): Promise<StoredStrategy>;
}

/** sha256 of the config's canonical JSON: the same config always has the same checksum. */
export function strategyChecksum(config: Readonly<Record<string, unknown>>): string {
  return createHash("sha256").update(canonicalJson(config)).digest("hex");
}

export function createStrategyStore(db: Kysely<GatewayDatabase>): StrategyStore {
  type Row = {
    name: string;
    version: number;
    config: Record<string, unknown>;
    checksum: string;
    active: boolean;
    created_at: Date;
    created_by: string;
  };
  const toStored = (r: Row): StoredStrategy => ({
    name: r.name,
    version: r.version,
    config: r.config,
    checksum: r.checksum,
    active: r.active,
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by,
  });
  const table = "gateway_strategy_configs" as const;
  const all = ["name", "version", "config", "checksum", "active", "created_at", "created_by"] as const;

  return {
    async add(name, config, createdBy) {
      // Serialised per name by the primary key: a concurrent import of the same name retries on the conflict.
      for (let attempt = 0; ; attempt++) {
        const last = await db
          .selectFrom(table)
          .select((eb) => eb.fn.max("version").as("v"))
          .where("name", "=", name)
          .executeTakeFirst();
        const version = Number(last?.v ?? 0) + 1;
        try {
          const row = await db
            .insertInto(table)
            .values({
              name,
              version,
              config: JSON.stringify(config),
              checksum: strategyChecksum(config),
              created_by: createdBy,
            })
            .returning(all)
            .executeTakeFirstOrThrow();
          return toStored(row);
        } catch (e) {
          if ((e as { code?: string }).code !== "23505" || attempt >= 5) throw e;
        }
      }
    },

    async get(name, version) {
      let q = db.selectFrom(table).select(all).where("name", "=", name);
      q = version === undefined ? q.where("active", "=", true) : q.where("version", "=", version);
      const row = await q.executeTakeFirst();
      return row === undefined ? undefined : toStored(row);
    },

    async versions(name) {
      const rows = await db
        .selectFrom(table)
        .select(all)
        .where("name", "=", name)
        .orderBy("version")
        .execute();
      return rows.map(toStored);
    },

    async list() {
      const rows = await db
        .selectFrom(table)
        .select((eb) => [
          "name",
          eb.fn.count<string>("version").as("versions"),
          eb.fn.max("version").as("latest"),
          eb.fn.max(eb.case().when("active", "=", true).then(eb.ref("version")).end()).as("active_version"),
        ])
        .groupBy("name")
        .orderBy("name")
        .execute();
      return rows.map((r) => ({
        name: r.name,
        versions: Number(r.versions),
        latestVersion: Number(r.latest),
        activeVersion: r.active_version === null ? null : Number(r.active_version),
      }));
    },

    async activate(name, version) {
      return db.transaction().execute(async (tx) => {
        const target = await tx
          .selectFrom(table)
          .select("version")
          .where("name", "=", name)
          .where("version", "=", version)
          .forUpdate()
          .executeTakeFirst();
        if (target === undefined) throw new NotFoundError(`no strategy ${name} version ${version}`);
        await tx
          .updateTable(table)
          .set({ active: false })
          .where("name", "=", name)
          .where("active", "=", true)
          .execute();
        const row = await tx
          .updateTable(table)
          .set({ active: true })
          .where("name", "=", name)
          .where("version", "=", version)
          .returning(all)
          .executeTakeFirstOrThrow();
        return toStored(row);
      });
    },
  };
}
