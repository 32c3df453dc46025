import { UnsupportedError } from "../errors/cryptofunk-error.ts";

/**
 * What needs which nats-server version: one table, checked once at connect. Debian ships 2.9.10, so the adapter is
 * written for it and refuses (loudly) what that server cannot do safely.
 */
export const natsCapabilities = {
  /** Optimistic concurrency (expected last subject sequence) is only safe on replicated streams from 2.9.21. */
  replicatedOcc: {
    minVersion: "2.9.21",
    what: "optimistic concurrency on a replicated stream (replicas > 1)",
  },
  /** Consumers with several filter subjects. The adapter uses one filter per consumer, so it never needs this. */
  multiFilterConsumers: { minVersion: "2.10.0", what: "consumers with more than one filter subject" },
  /** The consumer-create API that names the consumer and its filter in the request subject. */
  namedConsumerCreate: { minVersion: "2.9.0", what: "the named consumer create API (ordered consumers)" },
} as const satisfies Record<string, { readonly minVersion: string; readonly what: string }>;

export type NatsCapability = keyof typeof natsCapabilities;

/** Parses `2.9.10` (or `v2.10.0-beta.1`) into [major, minor, patch]; unknown parts count as 0. */
export function parseServerVersion(version: string): readonly [number, number, number] {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  if (m === null) return [0, 0, 0];
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareServerVersions(a: string, b: string): number {
  const x = parseServerVersion(a);
  const y = parseServerVersion(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** True when a server of `version` has `capability`. */
export function hasCapability(version: string, capability: NatsCapability): boolean {
  return compareServerVersions(version, natsCapabilities[capability].minVersion) >= 0;
}

/** Throws an UnsupportedError naming the capability, the version needed and the server's version. */
export function requireCapability(version: string, capability: NatsCapability, why = ""): void {
  if (hasCapability(version, capability)) return;
  const c = natsCapabilities[capability];
  throw new UnsupportedError(
    `${c.what} needs nats-server ${c.minVersion} or newer; this server is ${version}${why === "" ? "" : ` (${why})`}`,
    { details: { capability, minVersion: c.minVersion, serverVersion: version } },
  );
}
