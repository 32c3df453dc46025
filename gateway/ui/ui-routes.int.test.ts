import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayFixture, startGatewayFixture } from "../testing/gateway-fixture.ts";

let outside: string;
let built: string;
let empty: string;
let f: GatewayFixture;
let unbuilt: GatewayFixture;
beforeAll(async () => {
  outside = mkdtempSync(join(tmpdir(), "cf-ui-"));
  built = join(outside, "dist");
  writeFileSync(join(outside, "secret.txt"), "not for the web");
  empty = mkdtempSync(join(tmpdir(), "cf-ui-empty-"));
  mkdirSync(join(built, "assets"), { recursive: true });
  writeFileSync(join(built, "index.html"), "<!doctype html><title>CryptoFunk</title>");
  writeFileSync(join(built, "assets", "app-abc123.js"), "console.log(1)");
  f = await startGatewayFixture({ listen: false, deps: { config: { uiDir: built } } });
  unbuilt = await startGatewayFixture({ listen: false, deps: { config: { uiDir: empty } } });
});
afterAll(async () => {
  await f?.dispose();
  await unbuilt?.dispose();
  rmSync(outside, { recursive: true, force: true });
  rmSync(empty, { recursive: true, force: true });
});

describe("web UI static routes", () => {
  it("serves index.html at / without a key, revalidated on every load, with a CSP that allows plain http", async () => {
    const res = await f.app.inject({ url: "/" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expect(res.body).toContain("<title>CryptoFunk</title>");
    expect(res.headers["cache-control"]).toBe("no-cache");
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("upgrade-insecure-requests");
  });

  it("serves hashed assets as immutable and answers 404 for missing files and paths out of the root", async () => {
    const js = await f.app.inject({ url: "/assets/app-abc123.js" });
    expect(js.statusCode).toBe(200);
    expect(js.headers["cache-control"]).toContain("immutable");
    expect((await f.app.inject({ url: "/assets/nope.js" })).statusCode).toBe(404);
    for (const url of ["/..%2fsecret.txt", "/../secret.txt", "/assets/..%2f..%2fsecret.txt"]) {
      const out = await f.app.inject({ url });
      expect([403, 404]).toContain(out.statusCode);
      expect(out.body).not.toContain("not for the web");
    }
  });

  it("leaves unknown API paths to the API's JSON 404 and keeps the API behind its key", async () => {
    const res = await f.app.inject({ url: "/api/v1/no-such-route" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: { code: "NOT_FOUND", message: "no route GET /api/v1/no-such-route" },
    });
    expect((await f.app.inject({ url: "/api/v1/sessions" })).statusCode).toBe(401);
    expect((await f.app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
  });

  it("answers 503 UI_NOT_BUILT when the directory has no build", async () => {
    const res = await unbuilt.app.inject({ url: "/" });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe("UI_NOT_BUILT");
    expect(res.json().error.message).toContain("npm run build:web");
  });
});
