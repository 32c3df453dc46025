import { afterEach, describe, expect, it } from "vitest";
import { auditSubject } from "../../events/index.ts";
import { type GatewayFixture, startGatewayFixture } from "../testing/gateway-fixture.ts";

let f: GatewayFixture | undefined;
afterEach(async () => {
  await f?.dispose();
  f = undefined;
});

const get = (fx: GatewayFixture, headers: Record<string, string>) =>
  fetch(`${fx.url}/api/v1/strategies`, { headers });

describe("rate limits", () => {
  it("limits each key, answering 429 with Retry-After, and audits the first refusal once", async () => {
    f = await startGatewayFixture({ deps: { config: { rateLimitPerKey: 3, rateLimitPerIp: 1000 } } });
    const a = await f.key("viewer", "a");
    const b = await f.key("viewer", "b");
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(f, { "x-api-key": a })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = await get(f, { "x-api-key": a });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: { code: "RATE_LIMITED" } });
    expect((await get(f, { "x-api-key": b })).status).toBe(200);
    const audited = [];
    for await (const e of f.log.read(auditSubject(f.log.root)))
      if (e.type === "RateLimited") audited.push(e.data);
    expect(audited).toEqual([
      expect.objectContaining({ scope: "key", limit: 3, route: "/api/v1/strategies" }),
    ]);
  });

  it("limits each client IP across keys, and a spoofed X-Forwarded-For does not escape it", async () => {
    f = await startGatewayFixture({ deps: { config: { rateLimitPerKey: 1000, rateLimitPerIp: 4 } } });
    const key = await f.key("viewer");
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await get(f, { "x-api-key": key, "x-forwarded-for": `198.51.100.${i}` })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    // Unauthenticated guessing is limited by IP too.
    expect((await get(f, { "x-api-key": "cf_guess" })).status).toBe(429);
    // Probes are never limited.
    expect((await fetch(`${f.url}/healthz`)).status).toBe(200);
  });

  it("takes the client IP from X-Forwarded-For when the connection comes from a trusted proxy", async () => {
    f = await startGatewayFixture({
      deps: { config: { rateLimitPerKey: 1000, rateLimitPerIp: 2, trustedProxies: ["127.0.0.1"] } },
    });
    const key = await f.key("viewer");
    const one = [];
    for (let i = 0; i < 3; i++)
      one.push((await get(f, { "x-api-key": key, "x-forwarded-for": "198.51.100.1" })).status);
    expect(one).toEqual([200, 200, 429]);
    expect((await get(f, { "x-api-key": key, "x-forwarded-for": "198.51.100.2" })).status).toBe(200);
  });
});
