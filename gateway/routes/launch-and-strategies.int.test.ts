import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbeddedEventLog, type EmbeddedEventLog, sessionFilter } from "../../events/index.ts";
import { type GatewayFixture, startGatewayFixture } from "../testing/gateway-fixture.ts";
import { createInProcessLauncher, testStrategyValidator } from "../testing/test-ports.ts";

let f: GatewayFixture;
let log: EmbeddedEventLog;
let launcher: ReturnType<typeof createInProcessLauncher>;
let trader: string;
let viewer: string;
beforeAll(async () => {
  log = createEmbeddedEventLog({ root: "gwlaunch" });
  launcher = createInProcessLauncher(log);
  f = await startGatewayFixture({
    log,
    listen: false,
    deps: { launcher, strategyValidator: testStrategyValidator, eventLogName: "event-log" },
  });
  trader = await f.key("trader");
  viewer = await f.key("viewer");
});
afterAll(async () => {
  await f?.dispose();
  await log?.close();
});

const launchBody = {
  mode: "backtest",
  symbols: ["BTC/USDT"],
  timeframe: "1h",
  initialCash: "10000",
  source: { kind: "synthetic", ref: "seed:7" },
};

describe("strategy configs", () => {
  it("validates YAML and JSON, imports versions, lists, exports and activates", async () => {
    const h = { "x-api-key": trader };
    const valid = await f.app.inject({
      method: "POST",
      url: "/api/v1/strategies/validate",
      headers: h,
      payload: { format: "yaml", content: "name: trend\norchestrator:\n  threshold: 0.7\n" },
    });
    expect(valid.json()).toEqual({
      valid: true,
      config: { name: "trend", orchestrator: { threshold: 0.7 } },
      issues: [],
    });
    const invalid = await f.app.inject({
      method: "POST",
      url: "/api/v1/strategies/validate",
      headers: h,
      payload: { format: "json", content: '{"name":"x","orchestrator":{"threshold":7}}' },
    });
    expect(invalid.json()).toMatchObject({ valid: false, issues: [{ path: "orchestrator.threshold" }] });
    const broken = await f.app.inject({
      method: "POST",
      url: "/api/v1/strategies/validate",
      headers: h,
      payload: { format: "json", content: "{nope" },
    });
    expect(broken.statusCode).toBe(400);

    const v1 = await f.app.inject({
      method: "POST",
      url: "/api/v1/strategies/trend/versions",
      headers: h,
      payload: { format: "yaml", content: "name: trend\n" },
    });
    expect(v1.statusCode).toBe(201);
    expect(v1.json()).toMatchObject({ name: "trend", version: 1, active: false });
    const v2 = await f.app.inject({
      method: "POST",
      url: "/api/v1/strategies/trend/versions",
      headers: h,
      payload: { format: "json", content: '{"name":"trend","orchestrator":{"threshold":0.8}}' },
    });
    expect(v2.json().version).toBe(2);
    const refused = await f.app.inject({
      method: "POST",
      url: "/api/v1/strategies/trend/versions",
      headers: h,
      payload: { format: "json", content: '{"bogus":1}' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe("VALIDATION");

    const act = await f.app.inject({
      method: "POST",
      url: "/api/v1/strategies/trend/versions/2/activate",
      headers: h,
    });
    expect(act.json()).toMatchObject({ version: 2, active: true });
    await f.app.inject({ method: "POST", url: "/api/v1/strategies/trend/versions/1/activate", headers: h });
    const versions = await f.app.inject({
      url: "/api/v1/strategies/trend/versions",
      headers: { "x-api-key": viewer },
    });
    expect(versions.json().versions.map((v: { active: boolean }) => v.active)).toEqual([true, false]);
    const list = await f.app.inject({ url: "/api/v1/strategies", headers: { "x-api-key": viewer } });
    expect(list.json().strategies).toEqual([
      { name: "trend", versions: 2, latestVersion: 2, activeVersion: 1 },
    ]);
    const exported = await f.app.inject({
      url: "/api/v1/strategies/trend/versions/2?format=yaml",
      headers: { "x-api-key": viewer },
    });
    expect(exported.json().content).toBe("name: trend\norchestrator:\n  threshold: 0.8\n");
    const missing = await f.app.inject({
      url: "/api/v1/strategies/trend/versions/9",
      headers: { "x-api-key": viewer },
    });
    expect(missing.statusCode).toBe(404);
  });
});

describe("create and start a session", () => {
  it("launches through the port with the stored strategy and answers 202 with where to look", async () => {
    const res = await f.app.inject({
      method: "POST",
      url: "/api/v1/sessions",
      headers: { "x-api-key": trader },
      payload: { ...launchBody, strategy: { name: "trend", version: 2 }, sessionId: "launched-1" },
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      sessionId: "launched-1",
      session: "/api/v1/sessions/launched-1",
      events: "/api/v1/sessions/launched-1/events",
    });
    expect(launcher.launched.at(-1)?.strategy).toEqual({
      name: "trend",
      version: 2,
      config: { name: "trend", orchestrator: { threshold: 0.8 } },
    });
    expect(log.readAll(sessionFilter(log.root, "launched-1")).map((e) => e.type)).toEqual([
      "SessionCreated",
      "CommandIssued",
    ]);
    // The session exists for the control API now.
    const pause = await f.app.inject({
      method: "POST",
      url: "/api/v1/sessions/launched-1/pause",
      headers: { "x-api-key": trader },
    });
    expect(pause.statusCode).toBe(202);
  });

  it("refuses live mode unless enabled, unknown strategies, several symbols, and viewers", async () => {
    const live = await f.app.inject({
      method: "POST",
      url: "/api/v1/sessions",
      headers: { "x-api-key": trader },
      payload: { ...launchBody, mode: "live" },
    });
    expect(live.statusCode).toBe(422);
    expect(live.json().error.code).toBe("UNSUPPORTED");
    const unknown = await f.app.inject({
      method: "POST",
      url: "/api/v1/sessions",
      headers: { "x-api-key": trader },
      payload: { ...launchBody, strategy: { name: "nope" } },
    });
    expect(unknown.statusCode).toBe(400);
    const launched = launcher.launched.length;
    const twoSymbols = await f.app.inject({
      method: "POST",
      url: "/api/v1/sessions",
      headers: { "x-api-key": trader },
      payload: { ...launchBody, symbols: ["BTC/USDT", "ETH/USDT"] },
    });
    expect(twoSymbols.statusCode).toBe(400);
    expect(twoSymbols.body).toMatch(/trades one symbol: open one session per symbol/);
    expect(launcher.launched).toHaveLength(launched); // refused, not launched with the first symbol only
    const asViewer = await f.app.inject({
      method: "POST",
      url: "/api/v1/sessions",
      headers: { "x-api-key": viewer },
      payload: launchBody,
    });
    expect(asViewer.statusCode).toBe(403);
  });
});
