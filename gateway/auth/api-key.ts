import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A key is `cf_` + a 12-hex-character key id (public: logs, audit, revocation) + a 32-character secret. */
const keyPattern = /^cf_([0-9a-f]{12})([A-Za-z0-9_-]{32})$/;

export interface GeneratedApiKey {
  readonly keyId: string;
  /** The whole key: shown once, never stored. */
  readonly key: string;
  readonly hash: string;
}

/** A fresh key from the OS random source (an edge concern: keys are not part of any decision). */
export function generateApiKey(): GeneratedApiKey {
  const keyId = randomBytes(6).toString("hex");
  const key = `cf_${keyId}${randomBytes(24).toString("base64url")}`;
  return { keyId, key, hash: hashApiKey(key) };
}

/** The key id of a well-formed key; null for anything else (so garbage never reaches the database). */
export function apiKeyId(key: string): string | null {
  return keyPattern.exec(key)?.[1] ?? null;
}

/** sha256 of the whole key, hex. Keys carry 192 random bits, so a fast hash is enough (no dictionary to guard). */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** Constant-time comparison of two hex hashes. */
export function hashesMatch(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The key presented by a request: `X-API-Key`, else `Authorization: Bearer <key>`. */
export function presentedKey(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): string | null {
  const direct = headers["x-api-key"];
  if (typeof direct === "string" && direct.length > 0) return direct.trim();
  const auth = headers.authorization;
  if (typeof auth === "string") {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1]!;
  }
  return null;
}
