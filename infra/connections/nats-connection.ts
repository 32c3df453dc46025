import { readFileSync } from "node:fs";
import type { Authenticator, NatsConnection } from "@nats-io/nats-core";
import {
  AuthorizationError,
  credsAuthenticator,
  nkeyAuthenticator,
  UserAuthenticationExpiredError,
} from "@nats-io/nats-core";
import type { NodeConnectionOptions } from "@nats-io/transport-node";
import { connect } from "@nats-io/transport-node";
import { ConfigError, UnavailableError } from "../../events/index.ts";
import { splitUrlUserinfo } from "../config/url-userinfo.ts";
import { urlWithoutCredentials } from "../logging/url-without-credentials.ts";

/** How to start the local server this project is developed against (Debian's nats-server with JetStream). */
export const natsStartHint =
  "start it with: start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- " +
  "-a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log";

export interface NatsConnectionOptions {
  /** One URL or several (comma-separated or an array), e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string | readonly string[];
  /** Client name shown in the server's monitoring pages. */
  readonly name?: string;
  readonly user?: string;
  readonly pass?: string;
  readonly token?: string;
  /** An nkey seed (`SU…`), the seed itself, not a file. */
  readonly nkeySeed?: string;
  /** A `.creds` file (user JWT + seed). */
  readonly credsFile?: string;
  readonly tls?: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string };
  /** Milliseconds between reconnect attempts (default 2000). Reconnects never give up. */
  readonly reconnectWaitMs?: number;
  /** Milliseconds to wait for the first handshake (default 5000). */
  readonly timeoutMs?: number;
}

/**
 * Connects to NATS. The first connection must succeed (an UnavailableError names the URL and how to start the server);
 * after that the client reconnects forever, so a server restart is a pause, not a crash.
 */
export async function connectNats(options: NatsConnectionOptions): Promise<NatsConnection> {
  const listed = serverList(options.servers);
  // The client does not read credentials in a URL's userinfo: take them out (the first URL's), unless given.
  const parsed = listed.map((s) => splitUrlUserinfo(s, "NATS_URL"));
  const servers = parsed.map((p) => p.url);
  const { user, pass, token } =
    options.user !== undefined || options.token !== undefined
      ? options
      : (parsed.find((p) => p.user !== undefined || p.token !== undefined) ?? {});
  const authenticators: Authenticator[] = [];
  if (options.nkeySeed !== undefined) {
    authenticators.push(nkeyAuthenticator(new TextEncoder().encode(options.nkeySeed)));
  }
  if (options.credsFile !== undefined) {
    authenticators.push(credsAuthenticator(readConfigFile("credsFile", options.credsFile)));
  }
  const opts: NodeConnectionOptions = {
    servers,
    name: options.name ?? "cryptofunk",
    maxReconnectAttempts: -1,
    reconnectTimeWait: options.reconnectWaitMs ?? 2000,
    timeout: options.timeoutMs ?? 5000,
    ...(user === undefined ? {} : { user, pass: pass ?? "" }),
    ...(token === undefined ? {} : { token }),
    ...(authenticators.length === 0 ? {} : { authenticator: authenticators }),
    ...(options.tls === undefined ? {} : { tls: tlsOptions(options.tls) }),
  };
  try {
    return await connect(opts);
  } catch (cause) {
    // Messages and details end up in logs: no password from a URL's userinfo.
    const named = listed.map(urlWithoutCredentials);
    if (cause instanceof AuthorizationError || cause instanceof UserAuthenticationExpiredError) {
      // The server answered: starting it again would not help, the credentials are what to fix.
      throw new ConfigError(
        `NATS at ${named.join(", ")} refused the credentials (${cause.message}); check NATS_USER and ` +
          "NATS_PASSWORD(_FILE), NATS_TOKEN(_FILE), NATS_NKEY_SEED(_FILE), NATS_CREDS or the userinfo of NATS_URL",
        [{ path: "nats", message: "credentials refused" }],
        { cause },
      );
    }
    throw new UnavailableError(
      `NATS is unreachable at ${named.join(", ")} (${(cause as Error).message}); ${natsStartHint}`,
      { cause, details: { servers: named } },
    );
  }
}

function serverList(servers: string | readonly string[]): string[] {
  const list = (typeof servers === "string" ? servers.split(",") : [...servers])
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (list.length === 0) {
    throw new ConfigError("no NATS server given", [{ path: "NATS_URL", message: "empty" }]);
  }
  return list;
}

function tlsOptions(tls: NonNullable<NatsConnectionOptions["tls"]>): NodeConnectionOptions["tls"] {
  // Read the files here so a wrong path is a ConfigError naming the field, not a handshake failure later.
  for (const [field, file] of Object.entries(tls)) if (file !== undefined) readConfigFile(field, file);
  return {
    ...(tls.caFile === undefined ? {} : { caFile: tls.caFile }),
    ...(tls.certFile === undefined ? {} : { certFile: tls.certFile }),
    ...(tls.keyFile === undefined ? {} : { keyFile: tls.keyFile }),
  };
}

function readConfigFile(field: string, file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new ConfigError(
      `NATS ${field} ${file} cannot be read: ${(cause as Error).message}`,
      [{ path: field, message: "unreadable file" }],
      { cause },
    );
  }
}
