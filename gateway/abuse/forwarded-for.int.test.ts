import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuditWriter } from "../audit/audit-writer.ts";
import { createApiKeyStore } from "../auth/api-key-store.ts";
import { openTestDatabase, openTestEventLog } from "../testing/gateway-fixture.ts";
import { gatewayProcessEnv } from "./abuse-campaign.ts";
import { type GatewayProcess, startGatewayProcess, startupTimeoutMs } from "./gateway-process.ts";

// Issue 9.4: a client naming itself in X-Forwarded-For (or Forwarded, X-Real-IP) does not escape the per-IP limit, against
// `cryptofunk gateway` processes: one whose configured proxy is not the peer, one behind a trusted proxy (127.0.0.1)
// where only the proxy's own entry is believed, not what an untrusted hop wrote before it.

const limit = 20;

interface Limited {
  readonly gateway: GatewayProcess;
  readonly key: string;
  dispose(): Promise<void>;
}

async function limitedGateway(trustedProxies: string): Promise<Limited> {
  const database = await openTestDatabase();
  const events = await openTestEventLog();
  const gateway = await startGatewayProcess({
    env: gatewayProcessEnv(database, events, {
      RATE_LIMIT_PER_IP: String(limit),
      RATE_LIMIT_PER_KEY: "100000",
      TRUSTED_PROXIES: trustedProxies,
    }),
    args: ["--namespace", database.layout.namespace],
  });
  const store = createApiKeyStore({ db: database.db, audit: createAuditWriter(events.log) });
  const key = (await store.issue({ name: "xff", role: "viewer", issuedBy: "test" })).key;
  return {
    gateway,
    key,
    dispose: async () => {
      await gateway.stop();
      await events.dispose();
      await database.dispose();
    },
  };
}

let elsewhere: Limited; // trusts 10.0.0.0/8: the test's connections (127.0.0.1) come from no proxy
let behindProxy: Limited; // trusts 127.0.0.1: the test plays the proxy
beforeAll(async () => {
  [elsewhere, behindProxy] = await Promise.all([limitedGateway("10.0.0.0/8"), limitedGateway("127.0.0.1")]);
}, startupTimeoutMs);
afterAll(async () => {
  await Promise.all([elsewhere?.dispose(), behindProxy?.dispose()]);
});

let n = 0;
const randomIp = () => `203.0.${(n >> 8) & 255}.${n++ & 255}`;

async function statuses(target: Limited, count: number, headers: () => Record<string, string>) {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${target.gateway.url}/api/v1/strategies`, { headers: headers() });
    out.push(res.status);
  }
  return out;
}

const expected = (count: number) => [...Array(limit).fill(200), ...Array(count - limit).fill(429)];

describe("spoofed X-Forwarded-For", () => {
  it("from a peer that is no trusted proxy: rotating X-Forwarded-For, Forwarded and X-Real-IP still meet 429", async () => {
    const spoofs = [
      () => ({ "x-forwarded-for": randomIp() }),
      () => ({ "x-forwarded-for": `${randomIp()}, 10.0.0.1` }), // claims to come through the trusted proxy
      () => ({ forwarded: `for=${randomIp()}`, "x-real-ip": randomIp() }),
      () => ({ "x-forwarded-for": `${randomIp()}, ${randomIp()}, ${randomIp()}` }),
    ];
    let i = 0;
    const got = await statuses(elsewhere, limit + 5, () => ({
      "x-api-key": elsewhere.key,
      ...spoofs[i++ % spoofs.length]!(),
    }));
    expect(got).toEqual(expected(limit + 5));
    // Without a key too: the per-IP limit comes before authentication.
    const anonymous = await statuses(elsewhere, 3, () => ({ "x-forwarded-for": randomIp() }));
    expect(anonymous).toEqual([429, 429, 429]);
  });

  it("behind a trusted proxy: only the proxy's entry names the client, whatever an untrusted hop wrote before it", async () => {
    // The proxy (the test, from 127.0.0.1) appends the address it saw; the client rotates what it wrote itself.
    const got = await statuses(behindProxy, limit + 5, () => ({
      "x-api-key": behindProxy.key,
      "x-forwarded-for": `${randomIp()}, 198.51.100.7`,
    }));
    expect(got).toEqual(expected(limit + 5));
    // The proxy's entry is believed: another client behind it has its own budget…
    const other = await statuses(behindProxy, 1, () => ({
      "x-api-key": behindProxy.key,
      "x-forwarded-for": "198.51.100.8",
    }));
    expect(other).toEqual([200]);
    // …and an untrusted hop's claim about an earlier address is not: the hop itself is the client.
    const hop = await statuses(behindProxy, limit + 3, () => ({
      "x-api-key": behindProxy.key,
      "x-forwarded-for": `${randomIp()}, 192.0.2.44`,
    }));
    expect(hop).toEqual(expected(limit + 3));
  });
});
