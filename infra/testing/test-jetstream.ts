import { randomBytes } from "node:crypto";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import {
  createJetStreamEventLog,
  type JetStreamEventLog,
  type JetStreamEventLogOptions,
} from "../../events/index.ts";
import { connectNats } from "../connections/nats-connection.ts";

export interface TestJetStream {
  readonly nc: NatsConnection;
  readonly log: JetStreamEventLog;
  readonly stream: string;
  readonly root: string;
  dispose(): Promise<void>;
}

/**
 * A JetStream event log of the test's own: a fresh stream and subject root on the local server (NATS_URL), deleted
 * afterwards. Fails (never skips) with how to start NATS when no server answers. `options` tune the log.
 */
export async function openTestJetStream(
  name: string,
  options: Pick<JetStreamEventLogOptions, "maxEventBytes" | "duplicateWindowMs"> = {},
): Promise<TestJetStream> {
  const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
  const nc = await connectNats({ servers: url, name, timeoutMs: 3000 });
  const tag = randomBytes(5).toString("hex");
  const stream = `T_${tag}`;
  const root = `t${tag}`;
  const log = await createJetStreamEventLog({ ...options, nc, stream, root });
  return {
    nc,
    log,
    stream,
    root,
    async dispose() {
      await log.close();
      await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
      await nc.drain();
    },
  };
}
