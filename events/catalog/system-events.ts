import { z } from "zod";

/** A message that could not be used, kept with the reason instead of being lost. */
export const deadLettered = z.object({
  reason: z.string(),
  originalSubject: z.string(),
  originalSeq: z.number().int().nonnegative().optional(),
  /** The payload as received (UTF-8, truncated to 64 KiB). */
  payload: z.string(),
  payloadBytes: z.number().int().nonnegative(),
  headers: z.record(z.string(), z.string()),
  /** Which component refused it: a host, the projector, the log adapter. */
  refusedBy: z.string(),
});

export const apiRole = z.enum(["viewer", "trader", "admin"]);

export const apiKeyIssued = z.object({
  keyId: z.string(),
  name: z.string(),
  role: apiRole,
  issuedBy: z.string(),
});
export const apiKeyRevoked = z.object({
  keyId: z.string(),
  revokedBy: z.string(),
  reason: z.string().optional(),
});
export const authFailed = z.object({
  reason: z.enum(["missing_key", "unknown_key", "revoked_key", "forbidden"]),
  ip: z.string(),
  method: z.string(),
  route: z.string(),
  keyId: z.string().optional(),
});
export const rateLimited = z.object({
  scope: z.enum(["key", "ip"]),
  ip: z.string(),
  keyId: z.string().optional(),
  method: z.string(),
  route: z.string(),
  limit: z.number().int().positive(),
});
