import type { AppConfig } from "../config/app-config.ts";
import type { NatsConnectionOptions } from "./nats-connection.ts";

/** The NATS connection options a configuration asks for. */
export function natsOptions(config: AppConfig, name: string, url?: string): NatsConnectionOptions {
  const n = config.nats;
  return {
    servers: url ?? n.url ?? "nats://127.0.0.1:4222",
    name,
    ...(n.user === undefined ? {} : { user: n.user }),
    ...(n.pass === undefined ? {} : { pass: n.pass }),
    ...(n.token === undefined ? {} : { token: n.token }),
    ...(n.nkeySeed === undefined ? {} : { nkeySeed: n.nkeySeed }),
    ...(n.credsFile === undefined ? {} : { credsFile: n.credsFile }),
    ...(n.tls === undefined
      ? {}
      : {
          tls: {
            ...(n.tls.ca === undefined ? {} : { caFile: n.tls.ca }),
            ...(n.tls.cert === undefined ? {} : { certFile: n.tls.cert }),
            ...(n.tls.key === undefined ? {} : { keyFile: n.tls.key }),
          },
        }),
  };
}
