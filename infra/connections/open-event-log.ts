import { join } from "node:path";
import { createEmbeddedEventLog, type EventLog, hasErrorCode } from "../../events/index.ts";
import type { AppConfig } from "../config/app-config.ts";
import type { Logger } from "../logging/create-logger.ts";
import { urlWithoutCredentials } from "../logging/url-without-credentials.ts";
import { natsOptions } from "./nats-options.ts";

export interface OpenedEventLog {
  readonly log: EventLog;
  readonly kind: "jetstream" | "embedded";
  /** Where it lives: the NATS URL and stream, or the embedded file. */
  readonly where: string;
  close(): Promise<void>;
}

/** The embedded log's file under CRYPTOFUNK_HOME. */
export function embeddedLogFile(config: AppConfig): string {
  return join(config.home, "events.jsonl");
}

/**
 * Opens the event log the configuration asks for: JetStream at NATS_URL, or the embedded file log under
 * CRYPTOFUNK_HOME when `prefer` is "embedded" or (outside production) when no NATS server answers.
 */
export async function openEventLog(
  config: AppConfig,
  logger: Logger,
  prefer: "auto" | "jetstream" | "embedded" = "auto",
): Promise<OpenedEventLog> {
  if (prefer !== "embedded") {
    const js = await tryJetStream(config, logger, prefer === "jetstream" || config.env === "production");
    if (js !== null) return js;
  }
  const file = embeddedLogFile(config);
  const log = createEmbeddedEventLog({
    root: config.nats.root,
    file,
    onRecovered: (r) => logger.warn(r, "embedded event log: cut a torn tail"),
  });
  return { log, kind: "embedded", where: file, close: () => log.close() };
}

async function tryJetStream(
  config: AppConfig,
  logger: Logger,
  required: boolean,
): Promise<OpenedEventLog | null> {
  const { connectNats } = await import("./nats-connection.ts");
  const { createJetStreamEventLog } = await import("../../events/index.ts");
  const url = config.nats.url ?? "nats://127.0.0.1:4222";
  let nc: Awaited<ReturnType<typeof connectNats>>;
  try {
    nc = await connectNats({ ...natsOptions(config, "cryptofunk", url), timeoutMs: required ? 5000 : 1500 });
  } catch (e) {
    // A server that answered and refused the credentials is a configuration to fix, not a reason to fall back.
    if (required || hasErrorCode(e, "CONFIG")) throw e;
    logger.info({ url: urlWithoutCredentials(url) }, "no NATS server answered: using the embedded event log");
    return null;
  }
  const log = await createJetStreamEventLog({
    nc,
    stream: config.nats.stream,
    root: config.nats.root,
    replicas: config.nats.replicas,
  });
  return {
    log,
    kind: "jetstream",
    where: `${urlWithoutCredentials(url)} stream ${config.nats.stream}`,
    close: async () => {
      await log.close();
      await nc.drain().catch(() => undefined);
    },
  };
}
