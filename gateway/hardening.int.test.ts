import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GatewayFixture } from "./testing/gateway-fixture.ts";
import { startGatewayFixture } from "./testing/gateway-fixture.ts";
import { seedSession } from "./testing/seed-session.ts";
import { testStrategyValidator } from "./testing/test-ports.ts";

let f: GatewayFixture;
let admin: string;
beforeAll(async () => {
  f = await startGatewayFixture({
    listen: false,
    deps: {
      config: {
        bodyLimitBytes: 4096,
        corsOrigins: ["https://ui.example"],
        rateLimitPerKey: 1_000_000,
        rateLimitPerIp: 1_000_000,
      },
      strategyValidator: testStrategyValidator,
      launcher: {
        launch: async () => {
          throw new Error("connection refused at /srv/secret/runtime.ts:42");
        },
      },
    },
  });
  admin = await f.key("admin");
  await seedSession(f.log, "hard-1");
});
afterAll(async () => {
  await f?.dispose();
});

describe("hardening", () => {
  it("refuses a body over the limit with 413 in the one error shape", async () => {
    const res = await f.app.inject({
      method: "POST",
      url: "/api/v1/strategies/validate",
      headers: { "x-api-key": admin, "content-type": "application/json" },
      payload: JSON.stringify({ format: "yaml", content: "x".repeat(10_000) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: { code: "PAYLOAD_TOO_LARGE", message: expect.any(String) } });
  });

  it("answers CORS only for allow-listed origins and sets security headers", async () => {
    const preflight = (origin: string) =>
      f.app.inject({
        method: "OPTIONS",
        url: "/api/v1/sessions",
        headers: { origin, "access-control-request-method": "GET" },
      });
    expect((await preflight("https://ui.example")).headers["access-control-allow-origin"]).toBe(
      "https://ui.example",
    );
    expect((await preflight("https://evil.example")).headers["access-control-allow-origin"]).toBeUndefined();
    const res = await f.app.inject("/healthz");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(res.headers["strict-transport-security"]).toMatch(/max-age=/);
    expect(res.headers["x-powered-by"]).toBeUndefined();
  });

  it("never shows a stack or an internal message; unknown routes and bad JSON use the same shape", async () => {
    const res = await f.app.inject({
      method: "POST",
      url: "/api/v1/sessions",
      headers: { "x-api-key": admin },
      payload: {
        mode: "paper",
        symbols: ["BTC/USDT"],
        timeframe: "1h",
        initialCash: "1",
        source: { kind: "synthetic", ref: "x" },
      },
    });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: "INTERNAL", message: "internal error" } });
    expect(res.body).not.toMatch(/secret|at |\.ts/);
    const missing = await f.app.inject("/nowhere");
    expect(missing.json()).toEqual({ error: { code: "NOT_FOUND", message: "no route GET /nowhere" } });
    const bad = await f.app.inject({
      method: "POST",
      url: "/api/v1/sessions/hard-1/pause",
      headers: { "x-api-key": admin, "content-type": "application/json" },
      payload: "{not json",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe("VALIDATION");
  });
});

describe("fuzz", () => {
  it("survives 2,000 random and malformed requests across the routes with no 5xx", async () => {
    const patterns = f.app.routeList
      .filter((r) => !r.startsWith("OPTIONS"))
      .map((r) => r.split(" ") as [string, string]);
    const segment = fc.oneof(
      fc.constantFrom(
        "hard-1",
        "nope",
        "1",
        "0",
        "-1",
        "%00",
        "..",
        "%2e%2e",
        "a.b",
        "*",
        ">",
        "x".repeat(300),
        "%ZZ",
      ),
      fc.string({ maxLength: 20 }).map(encodeURIComponent),
    );
    const body = fc.oneof(
      fc.constant(undefined),
      fc.json().map((j) => ({ type: "application/json", payload: j })),
      fc.jsonValue().map((j) => ({ type: "application/json", payload: JSON.stringify(j) })),
      fc.string({ maxLength: 200 }).map((s) => ({ type: "application/json", payload: s })),
      fc.string({ maxLength: 200 }).map((s) => ({ type: "text/plain", payload: s })),
      fc
        .record({ format: fc.constantFrom("yaml", "json", "xml"), content: fc.string({ maxLength: 200 }) })
        .map((r) => ({
          type: "application/json",
          payload: JSON.stringify(r),
        })),
      fc.constant({
        type: "application/json",
        payload: '{"__proto__":{"x":1},"constructor":{"prototype":{}}}',
      }),
    );
    const request = fc.record({
      route: fc.constantFrom(...patterns),
      method: fc.oneof(fc.constant(null), fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD")),
      params: fc.array(segment, { minLength: 3, maxLength: 3 }),
      query: fc.dictionary(
        fc.constantFrom("limit", "offset", "from", "to", "types", "action", "symbol", "format", "x"),
        fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String)),
      ),
      key: fc.constantFrom("admin", "none", "garbage"),
      lastEventId: fc.option(fc.string({ maxLength: 20 })),
      body,
    });
    let served = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        let i = 0;
        const path = r.route[1].replace(/:[A-Za-z]+/g, () => r.params[i++ % 3]!);
        const url = `${path}?${new URLSearchParams(r.query).toString()}`;
        const headers: Record<string, string> = {};
        if (r.key === "admin") headers["x-api-key"] = admin;
        if (r.key === "garbage") headers.authorization = "Bearer cf_000000000000AAAA";
        if (r.lastEventId !== null) headers["last-event-id"] = r.lastEventId;
        // Streams hold the connection open; the fuzz checks their validation and auth, not their bodies.
        if (path.endsWith("/events") || path.endsWith("/ws")) headers["last-event-id"] = "x";
        if (r.body !== undefined) headers["content-type"] = r.body.type;
        const res = await f.app.inject({
          method: (r.method ?? r.route[0]) as "GET",
          url,
          headers,
          ...(r.body === undefined ? {} : { payload: r.body.payload }),
        });
        served++;
        if (res.statusCode >= 500)
          throw new Error(`${res.statusCode} for ${r.method ?? r.route[0]} ${url}: ${res.body}`);
        if (res.statusCode >= 400 && res.statusCode !== 404 && res.body.length > 0) {
          expect(JSON.parse(res.body)).toHaveProperty("error.code");
        }
      }),
      { numRuns: 2000 },
    );
    expect(served).toBe(2000);
    expect((await f.app.inject("/healthz")).statusCode).toBe(200);
  });
});
