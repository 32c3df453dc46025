import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { HostCheckpoint, SnapshotStore } from "../../actors/index.ts";

/** Host checkpoints in a JetStream key-value bucket (one key per session and writer, latest value only). */
export async function createKvSnapshotStore(nc: NatsConnection, bucket: string): Promise<SnapshotStore> {
  const kv = await new Kvm(nc).create(bucket, { history: 1 });
  return {
    async load(key) {
      const entry = await kv.get(kvKey(key));
      if (entry === null || entry.operation !== "PUT" || entry.length === 0) return null;
      return entry.json<HostCheckpoint>();
    },
    async save(key, checkpoint) {
      await kv.put(kvKey(key), JSON.stringify(checkpoint));
    },
  };
}

// KV keys allow [-/_=.a-zA-Z0-9]; writers carry a dot already (agent.trend), which KV accepts.
function kvKey(key: string): string {
  return key.replace(/[^-/_=.a-zA-Z0-9]/g, "_");
}
