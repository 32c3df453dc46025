import { fileURLToPath } from "node:url";

/** What the gateway needs to know about its deployment (the CLI fills it from the validated app config). */
export interface GatewayConfig {
  /** Off only for local development: every request then acts as an anonymous admin. Production refuses it. */
  readonly auth: boolean;
  /** Largest request body accepted (413 beyond). */
  readonly bodyLimitBytes: number;
  /** Origins allowed by CORS; empty = no cross-origin access. */
  readonly corsOrigins: readonly string[];
  /**
   * Addresses or CIDRs of the reverse proxies in front of the gateway. Only a connection from one of these may name
   * the client in X-Forwarded-For; from anyone else the header is ignored.
   */
  readonly trustedProxies: readonly string[];
  readonly rateLimitPerKey: number;
  readonly rateLimitPerIp: number;
  readonly rateLimitWindowMs: number;
  /** Interval of stream heartbeats (SSE comment / WebSocket message). */
  readonly heartbeatMs: number;
  /** Output a stream client may leave unread before it is dropped as too slow. */
  readonly streamMaxBufferedBytes: number;
  /** How long a stream client may stay above that bound (not reading) before it is dropped. */
  readonly streamDrainTimeoutMs: number;
  /** Whether sessions in live mode may be created. */
  readonly liveTrading: boolean;
  /** How long a verified API key is trusted before the database is asked again. */
  readonly keyCacheMs: number;
  /** Time limit of each readiness check. */
  readonly readyTimeoutMs: number;
  /** The web UI's static build served at `/` (absolute path; `npm run build:web` writes it). */
  readonly uiDir: string;
}

/**
 * `<repo>/web/dist`: two levels up from this file in the sources, three from the compiled copy under dist/ (the image
 * keeps web/dist beside dist/). Another directory comes through the config (infra/ maps the environment).
 */
export function defaultUiDir(): string {
  const up = import.meta.url.endsWith(".ts") ? "../../" : "../../../";
  return fileURLToPath(new URL(`${up}web/dist`, import.meta.url));
}

export const defaultGatewayConfig: GatewayConfig = {
  auth: true,
  bodyLimitBytes: 1024 * 1024,
  corsOrigins: [],
  trustedProxies: [],
  rateLimitPerKey: 100,
  rateLimitPerIp: 1000,
  rateLimitWindowMs: 60_000,
  heartbeatMs: 15_000,
  streamMaxBufferedBytes: 1024 * 1024,
  streamDrainTimeoutMs: 5000,
  liveTrading: false,
  keyCacheMs: 2000,
  readyTimeoutMs: 2000,
  uiDir: defaultUiDir(),
};

/** Fills the unset fields with the defaults. */
export function resolveGatewayConfig(partial: Partial<GatewayConfig> = {}): GatewayConfig {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  return { ...defaultGatewayConfig, ...defined };
}

/**
 * fastify's `trustProxy`: the explicit proxy list, or false. Never `true`, which would let any client name its own
 * address in X-Forwarded-For and walk around the per-IP limit.
 */
export function trustProxyOption(trustedProxies: readonly string[]): false | string[] {
  return trustedProxies.length === 0 ? false : [...trustedProxies];
}
