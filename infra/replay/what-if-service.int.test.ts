import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createInProcessSession,
  defaultStrategy,
  parseStrategy,
  syntheticMarket,
} from "../../actors/index.ts";
import { createEmbeddedEventLog } from "../../events/index.ts";
import {
  type GatewayFixture,
  openTestEventLog,
  startGatewayFixture,
  type TestEventLog,
} from "../../gateway/testing/gateway-fixture.ts";
import { actorsStrategyValidator } from "../session/gateway-service.ts";
import { recordSession } from "../session/record-session.ts";
import { longestStallDuring } from "../testing/longest-stall.ts";
import { readRecordedSession, replayWhatIf } from "./replay-recorded.ts";
import { createWhatIfService } from "./what-if-service.ts";

let events: TestEventLog;
let f: GatewayFixture;
let trader: string;
let viewer: string;

beforeAll(async () => {
  events = await openTestEventLog();
  f = await startGatewayFixture({
    log: events.log,
    deps: { strategyValidator: actorsStrategyValidator, whatIf: createWhatIfService(events.log) },
  });
  trader = await f.key("trader");
  viewer = await f.key("viewer");
  // A paper session run in process as `cryptofunk demo` does, recorded to JetStream.
  const s = createInProcessSession({
    setup: {
      sessionId: "wi-parent",
      mode: "paper",
      symbol: "BTC/USDT",
      timeframe: "1m",
      strategy: defaultStrategy,
      initialCash: "10000",
      quoteCurrency: "USDT",
    },
    log: createEmbeddedEventLog({ root: f.log.root }),
    recordedAt: () => "2024-01-01T00:00:00.000Z",
  });
  const drafts = [...syntheticMarket({ seed: 22, bars: 200 })];
  s.start((drafts[0] as { at: string }).at);
  for (const d of drafts) s.push(d);
  await recordSession(s.events(), f.log);
  s.close();
}, 120_000);
afterAll(async () => {
  await f?.dispose();
  await events?.dispose();
});

const call = async (method: string, path: string, key: string, body?: unknown) => {
  const res = await fetch(`${f.url}${path}`, {
    method,
    headers: { "x-api-key": key, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test walks response JSON loosely.
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

describe("what-if through the gateway", () => {
  it("POST what-if replays the parent with other parameters into a linked child and compares them", async () => {
    const config = { orchestrator: { minConsensus: 0.8 } };
    // The baseline: the same replay in this thread, as `cryptofunk replay --what-if` runs it.
    const parentEvents = await readRecordedSession(f.log, "wi-parent");
    const t0 = performance.now();
    const inProcess = replayWhatIf(parentEvents, parseStrategy(config), f.log.root);
    const inProcessMs = performance.now() - t0;
    const { result: r, longestMs } = await longestStallDuring(() =>
      call("POST", "/api/v1/sessions/wi-parent/what-if", trader, { config, label: "cautious" }),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    // The gateway replayed it in a thread: its loop (this one) kept turning, and the answer is the in-process one.
    expect(longestMs, `longest stall ${longestMs.toFixed(0)} of ${inProcessMs.toFixed(0)} ms`).toBeLessThan(
      inProcessMs / 3,
    );
    expect(r.body.comparison).toEqual(JSON.parse(JSON.stringify(inProcess.comparison)));
    expect(r.body.parentSessionId).toBe("wi-parent");
    expect(r.body.sessionId).toMatch(/^wi-[0-9a-f]{8}$/);
    const c = r.body.comparison;
    expect(c.parent.sessionId).toBe("wi-parent");
    expect(c.child.sessionId).toBe(r.body.sessionId);
    expect(c.decisionsCompared).toBe(200);
    expect(c.decisionsChanged.count).toBeGreaterThan(0);
    expect(c.decisionsChanged.list).toHaveLength(c.decisionsChanged.count);
    // A stricter consensus can only turn trades into holds.
    expect(c.child.decisions.HOLD).toBeGreaterThan(c.parent.decisions.HOLD);
    for (const side of [c.parent, c.child]) {
      expect(side.tradesFingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(typeof side.pnl).toBe("string");
      expect(Number.isFinite(side.maxDrawdown)).toBe(true);
    }

    // The child is in the log, linked to its parent, and reads back to the same comparison.
    const child = await readRecordedSession(f.log, r.body.sessionId);
    const created = child.find((e) => e.type === "SessionCreated");
    expect(created?.type === "SessionCreated" && created.data.parentSessionId).toBe("wi-parent");
    expect(created?.type === "SessionCreated" && created.data.label).toBe("cautious");
    const read = await call("GET", `/api/v1/sessions/${r.body.sessionId}/comparison`, viewer);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(r.body);

    // The same question lands on the same session and appends nothing.
    const again = await call("POST", "/api/v1/sessions/wi-parent/what-if", trader, { config });
    expect(again.status).toBe(201);
    expect(again.body.sessionId).toBe(r.body.sessionId);
    expect((await readRecordedSession(f.log, r.body.sessionId)).length).toBe(child.length);

    // The projected session list shows the link.
    await f.project();
    const listed = await call("GET", `/api/v1/sessions/${r.body.sessionId}`, viewer);
    expect(listed.body.parentSessionId).toBe("wi-parent");
  }, 120_000);

  it("refuses what cannot be compared or run, with a 4xx naming why", async () => {
    const noParent = await call("GET", "/api/v1/sessions/wi-parent/comparison", viewer);
    expect(noParent.status).toBe(409);
    expect(noParent.body.error.code).toBe("CONFLICT");
    expect(noParent.body.error.message).toContain("no parent");
    const unknown = await call("GET", "/api/v1/sessions/nope/comparison", viewer);
    expect(unknown.status).toBe(404);
    const unknownParent = await call("POST", "/api/v1/sessions/nope/what-if", trader, { config: {} });
    expect(unknownParent.status).toBe(404);
    const bad = await call("POST", "/api/v1/sessions/wi-parent/what-if", trader, {
      config: { orchestrator: { minConsensus: 7 } },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain("config.orchestrator.minConsensus");
    const both = await call("POST", "/api/v1/sessions/wi-parent/what-if", trader, {
      config: {},
      strategy: { name: "x" },
    });
    expect(both.status).toBe(400);
    const storedMissing = await call("POST", "/api/v1/sessions/wi-parent/what-if", trader, {
      strategy: { name: "missing" },
    });
    expect(storedMissing.status).toBe(400);
    expect(storedMissing.body.error.message).toContain("no strategy missing");
  });

  it("GET /api/v1/me names the caller's key and role", async () => {
    const me = await call("GET", "/api/v1/me", viewer);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ name: "viewer-key", role: "viewer" });
    expect(me.body.keyId).toMatch(/^[0-9a-f]{12}$/);
  });
});
