import { randomBytes } from "node:crypto";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { afterAll, beforeAll } from "vitest";
import { connectNats } from "../../infra/connections/nats-connection.ts";
import { eventLogContract } from "./event-log-contract.ts";
import { createJetStreamEventLog } from "./jetstream-event-log.ts";

const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
let nc: NatsConnection;
let nc2: NatsConnection;

beforeAll(async () => {
  nc = await connectNats({ servers: url, name: "jetstream-event-log.int.test" });
  nc2 = await connectNats({ servers: url, name: "jetstream-event-log.int.test (second writer)" });
});
afterAll(async () => {
  await nc?.close();
  await nc2?.close();
});

eventLogContract("JetStream", async () => {
  const tag = randomBytes(5).toString("hex");
  const stream = `T_${tag}`;
  const root = `t${tag}`;
  const log = await createJetStreamEventLog({ nc, stream, root });
  const other = await createJetStreamEventLog({ nc: nc2, stream, root });
  return {
    log,
    other,
    dispose: async () => {
      await log.close();
      await other.close();
      await (await jetstreamManager(nc)).streams.delete(stream);
    },
  };
});
