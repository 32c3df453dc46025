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

// The 413, the fuzz and the route matrix run against a `cryptofunk gateway` process in gateway/abuse/.
describe("hardening", () => {
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
