import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { UnavailableError } from "../../events/index.ts";

/** The key moved on from our revision (it lapsed, or another worker claimed it): the lease is lost. */
const lostRevision = new Set<number>([
  JetStreamApiCodes.StreamWrongLastSequence,
  JetStreamApiCodes.StreamWrongLastSequenceUnknown,
]);

/** A worker's claim on a session: held while renewed, taken over by another worker once it lapses. */
export interface SessionLease {
  readonly sessionId: string;
  /**
   * Renews the lease; false when it was lost (it lapsed or another worker holds it now). Rejects with an
   * UnavailableError when NATS did not answer: the lease may still be ours, the next renewal tells.
   */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

export interface SessionLeases {
  /** Claims a session; null when another worker holds it. */
  claim(sessionId: string): Promise<SessionLease | null>;
  /** The worker that holds a session, if any. */
  holder(sessionId: string): Promise<string | null>;
}

/**
 * Session leases in a JetStream KV bucket whose entries expire after `ttlMs`: `create` succeeds for exactly one worker
 * (the key must not exist), renewals are compare-and-set on the revision. So no session runs in two workers, and a
 * dead worker's sessions are picked up once its lease lapses. OCC on each writer subject fences any overlap.
 */
export async function createSessionLeases(
  nc: NatsConnection,
  bucket: string,
  workerId: string,
  ttlMs = 30_000,
): Promise<SessionLeases> {
  const kv: KV = await new Kvm(nc).create(bucket, { history: 1, ttl: ttlMs });
  return {
    async claim(sessionId) {
      let revision: number;
      try {
        revision = await kv.create(sessionId, workerId);
      } catch {
        return null;
      }
      return {
        sessionId,
        async renew() {
          try {
            revision = await kv.update(sessionId, workerId, revision);
            return true;
          } catch (cause) {
            if (cause instanceof JetStreamApiError && lostRevision.has(cause.code)) return false;
            const message = `cannot renew the lease of ${sessionId}: ${(cause as Error).message}`;
            throw new UnavailableError(message, { cause });
          }
        },
        async release() {
          await kv.delete(sessionId, { previousSeq: revision }).catch(() => undefined);
        },
      };
    },
    async holder(sessionId) {
      const e = await kv.get(sessionId);
      return e === null || e.operation !== "PUT" ? null : e.string();
    },
  };
}
