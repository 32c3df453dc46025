import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { HostCheckpoint, SnapshotStore } from "../../actors/index.ts";
import { UnavailableError } from "../../events/index.ts";

/** Host checkpoints in a JetStream key-value bucket (one key per session and writer, latest value only). */
export async function createKvSnapshotStore(nc: NatsConnection, bucket: string): Promise<SnapshotStore> {
  const kv = await new Kvm(nc).create(bucket, { history: 1 });
  return {
    async load(key) {
      const entry = await unavailable(`load checkpoint ${key}`, () => kv.get(kvKey(key)));
      if (entry === null || entry.operation !== "PUT" || entry.length === 0) return null;
      return entry.json<HostCheckpoint>();
    },
    async save(key, checkpoint) {
      await unavailable(`save checkpoint ${key}`, () => kv.put(kvKey(key), JSON.stringify(checkpoint)));
    },
  };
}

/** A failed KV call is the store being unreachable for now (hosts retry UNAVAILABLE): say so in the one hierarchy. */
async function unavailable<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    throw new UnavailableError(`${what}: ${(cause as Error).message}`, { cause });
  }
}

// KV keys allow [-/_=.a-zA-Z0-9]; writers carry a dot already (agent.trend), which KV accepts.
function kvKey(key: string): string {
  return key.replace(/[^-/_=.a-zA-Z0-9]/g, "_");
}
