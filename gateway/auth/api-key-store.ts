import type { Kysely } from "kysely";
import { NotFoundError, UnavailableError } from "../../events/index.ts";
import type { AuditWriter } from "../audit/audit-writer.ts";
import type { GatewayDatabase } from "../store/gateway-database.ts";
import { apiKeyId, generateApiKey, hashApiKey, hashesMatch } from "./api-key.ts";
import type { ApiRole } from "./route-roles.ts";

export interface ApiKeyInfo {
  readonly keyId: string;
  readonly name: string;
  readonly role: ApiRole;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly revokedAt: string | null;
}

/** Who a request acts as once its key checked out. */
export interface Principal {
  readonly keyId: string;
  readonly name: string;
  readonly role: ApiRole;
}

export type VerifyResult =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly reason: "unknown_key" | "revoked_key"; readonly keyId?: string };

export interface ApiKeyStore {
  /** Issues a key; the returned `key` is the only time it exists outside the caller. Audited. */
  issue(input: { name: string; role: ApiRole; issuedBy: string }): Promise<ApiKeyInfo & { key: string }>;
  /** Revokes a key (idempotent). Audited. NotFoundError for an unknown id. */
  revoke(keyId: string, revokedBy: string, reason?: string): Promise<ApiKeyInfo>;
  list(): Promise<ApiKeyInfo[]>;
  /** Checks a presented key: never throws for a bad key, only for an unreachable database. */
  verify(key: string): Promise<VerifyResult>;
}

export interface ApiKeyStoreOptions {
  readonly db: Kysely<GatewayDatabase>;
  readonly audit: AuditWriter;
  /**
   * How long a verified key is trusted without asking the database again (default 2000 ms). Revocation through
   * this store takes effect at once; a revocation by another process within this delay.
   */
  readonly cacheMs?: number;
  readonly now?: () => number;
}

interface CachedKey {
  readonly hash: string;
  readonly result: VerifyResult;
  readonly until: number;
}

/** API keys in Postgres, stored only as sha256 hashes and compared in constant time. */
export function createApiKeyStore(options: ApiKeyStoreOptions): ApiKeyStore {
  const { db, audit } = options;
  const cacheMs = options.cacheMs ?? 2000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, CachedKey>();

  const info = (r: {
    key_id: string;
    name: string;
    role: ApiRole;
    created_at: Date;
    created_by: string;
    revoked_at: Date | null;
  }): ApiKeyInfo => ({
    keyId: r.key_id,
    name: r.name,
    role: r.role,
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by,
    revokedAt: r.revoked_at === null ? null : r.revoked_at.toISOString(),
  });
  const columns = ["key_id", "name", "role", "created_at", "created_by", "revoked_at"] as const;

  return {
    async issue({ name, role, issuedBy }) {
      const generated = generateApiKey();
      const row = await db
        .insertInto("api_keys")
        .values({ key_id: generated.keyId, name, role, key_hash: generated.hash, created_by: issuedBy })
        .returning(columns)
        .executeTakeFirstOrThrow();
      try {
        await audit.record("ApiKeyIssued", { keyId: generated.keyId, name, role, issuedBy });
      } catch (cause) {
        // A key nobody can audit must not exist: undo it and say why.
        await db.deleteFrom("api_keys").where("key_id", "=", generated.keyId).execute();
        throw new UnavailableError(`the audit log refused the key issue: ${(cause as Error).message}`, {
          cause,
        });
      }
      return { ...info(row), key: generated.key };
    },

    async revoke(keyId, revokedBy, reason) {
      const row = await db
        .updateTable("api_keys")
        .set({ revoked_at: new Date(now()), revoked_by: revokedBy })
        .where("key_id", "=", keyId)
        .where("revoked_at", "is", null)
        .returning(columns)
        .executeTakeFirst();
      for (const [k, v] of cache) if (v.result.ok && v.result.principal.keyId === keyId) cache.delete(k);
      if (row === undefined) {
        const existing = await db
          .selectFrom("api_keys")
          .select(columns)
          .where("key_id", "=", keyId)
          .executeTakeFirst();
        if (existing === undefined) throw new NotFoundError(`no API key ${keyId}`);
        return info(existing);
      }
      await audit.record("ApiKeyRevoked", { keyId, revokedBy, ...(reason === undefined ? {} : { reason }) });
      return info(row);
    },

    async list() {
      const rows = await db
        .selectFrom("api_keys")
        .select(columns)
        .orderBy("created_at")
        .orderBy("key_id")
        .execute();
      return rows.map(info);
    },

    async verify(key) {
      const keyId = apiKeyId(key);
      if (keyId === null) return { ok: false, reason: "unknown_key" };
      const hash = hashApiKey(key);
      const t = now();
      const cached = cache.get(keyId);
      if (cached !== undefined && cached.until > t && hashesMatch(cached.hash, hash)) return cached.result;
      const row = await db
        .selectFrom("api_keys")
        .select(["key_id", "name", "role", "key_hash", "revoked_at"])
        .where("key_id", "=", keyId)
        .executeTakeFirst();
      if (row === undefined || !hashesMatch(row.key_hash, hash)) return { ok: false, reason: "unknown_key" };
      const result: VerifyResult =
        row.revoked_at !== null
          ? { ok: false, reason: "revoked_key", keyId }
          : { ok: true, principal: { keyId, name: row.name, role: row.role } };
      if (cache.size > 10_000) cache.clear();
      cache.set(keyId, { hash: row.key_hash, result, until: t + cacheMs });
      return result;
    },
  };
}
