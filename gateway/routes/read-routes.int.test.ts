import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GatewayFixture, startGatewayFixture } from "../testing/gateway-fixture.ts";
import { type SeededSession, seedProjectedSession } from "../testing/seed-read-models.ts";

let f: GatewayFixture;
let s: SeededSession;
let viewer: string;
let trader: string;
beforeAll(async () => {
  f = await startGatewayFixture({ listen: false });
  s = await seedProjectedSession(f.log, f.readModels, f.project, "read-1", 40);
  viewer = await f.key("viewer");
  trader = await f.key("trader");
});
afterAll(async () => {
  await f?.dispose();
});

const get = async (url: string) => {
  const res = await f.app.inject({ url, headers: { "x-api-key": viewer } });
  return { status: res.statusCode, body: res.json() };
};

describe("read API", () => {
  it("lists sessions and one session; 404 for an unknown one", async () => {
    const list = await get("/api/v1/sessions");
    expect(list.body.items.map((x: { sessionId: string }) => x.sessionId)).toContain(s.sessionId);
    expect((await get(`/api/v1/sessions/${s.sessionId}`)).body).toMatchObject({
      sessionId: s.sessionId,
      mode: "backtest",
    });
    expect((await get("/api/v1/sessions/unknown")).status).toBe(404);
  });

  it("pages decisions and filters them by action and time", async () => {
    const all = await get(`/api/v1/sessions/${s.sessionId}/decisions?limit=10&order=asc`);
    expect(all.body.items).toHaveLength(10);
    expect(all.body.total).toBeGreaterThanOrEqual(30);
    const bars = all.body.items.map((d: { bar: string }) => d.bar);
    expect(bars).toEqual([...bars].sort());
    const second = await get(`/api/v1/sessions/${s.sessionId}/decisions?limit=10&offset=10&order=asc`);
    expect(second.body.items[0].bar > bars[9]).toBe(true);
    const holds = await get(`/api/v1/sessions/${s.sessionId}/decisions?action=HOLD&limit=500`);
    expect(holds.body.items.every((d: { action: string }) => d.action === "HOLD")).toBe(true);
    const window = await get(
      `/api/v1/sessions/${s.sessionId}/decisions?from=${encodeURIComponent(bars[2])}&to=${encodeURIComponent(bars[5])}&order=asc`,
    );
    expect(window.body.items.map((d: { bar: string }) => d.bar)).toEqual(bars.slice(2, 5));
    expect((await get(`/api/v1/sessions/${s.sessionId}/decisions?action=MAYBE`)).status).toBe(400);
  });

  it("shows a decision with its votes, and feedback (editable per key) lands with it and in needs-review", async () => {
    const url = `/api/v1/sessions/${s.sessionId}/decisions/${s.decisionId}`;
    const before = await get(url);
    expect(before.body.votes.length).toBeGreaterThan(0);
    const agents = before.body.votes.map((v: { agent: string }) => v.agent);
    expect(agents).toEqual([...agents].sort());
    const put = (body: Record<string, unknown>) =>
      f.app.inject({
        method: "PUT",
        url: `${url}/feedback`,
        headers: { "x-api-key": trader },
        payload: body,
      });
    expect((await put({ rating: 4, comment: "fine" })).statusCode).toBe(202);
    expect((await put({ rating: 1, tags: ["review"] })).statusCode).toBe(202);
    expect((await put({ rating: 9 })).statusCode).toBe(400);
    await f.project();
    const after = await get(url);
    expect(after.body.feedback).toEqual([
      expect.objectContaining({ rating: 1, tags: ["review"], comment: null }),
    ]);
    const review = await get(`/api/v1/decisions/needs-review?sessionId=${s.sessionId}`);
    expect(review.body.items.map((d: { decisionId: string }) => d.decisionId)).toContain(s.decisionId);
    expect((await get(`/api/v1/sessions/other/decisions/${s.decisionId}`)).status).toBe(404);
  });

  it("explains an order back to its decision, votes and bars", async () => {
    const e = await get(`/api/v1/sessions/${s.sessionId}/orders/${s.orderId}/explain`);
    expect(e.status).toBe(200);
    expect(e.body.order.orderId).toBe(s.orderId);
    expect(e.body.decision).not.toBeNull();
    expect(e.body.chain.length).toBeGreaterThan(2);
    expect((await get(`/api/v1/sessions/${s.sessionId}/orders/nope/explain`)).status).toBe(404);
  });

  it("serves orders, fills, positions, equity, trades, metrics, agents and trading state", async () => {
    const base = `/api/v1/sessions/${s.sessionId}`;
    expect((await get(`${base}/orders`)).body.total).toBeGreaterThan(0);
    expect((await get(`${base}/fills`)).body.total).toBeGreaterThan(0);
    expect((await get(`${base}/equity`)).body.items.length).toBeGreaterThan(0);
    expect(Array.isArray((await get(`${base}/positions`)).body.items)).toBe(true);
    expect((await get(`${base}/trades`)).status).toBe(200);
    const m = await get(`${base}/metrics`);
    expect(m.body.sessionId).toBe(s.sessionId);
    expect(m.body.decisions.BUY + m.body.decisions.SELL + m.body.decisions.HOLD).toBeGreaterThan(0);
    expect((await get(`${base}/agents`)).body.items.length).toBeGreaterThan(0);
    expect((await get(`${base}/trading-state`)).body).toHaveProperty("state");
  });

  it("serves the price chart's bars: the newest `limit`, oldest first, within a range; 400 for a bad limit", async () => {
    const base = `/api/v1/sessions/${s.sessionId}/candles`;
    const all = (await get(`${base}?symbol=BTC/USDT`)).body.items as { closeTime: string; close: string }[];
    expect(all).toHaveLength(40);
    const times = all.map((b) => b.closeTime);
    expect(times).toEqual([...times].sort());
    expect(typeof all[0]!.close).toBe("string");
    const last5 = (await get(`${base}?limit=5`)).body.items.map((b: { closeTime: string }) => b.closeTime);
    expect(last5).toEqual(times.slice(-5));
    const window = await get(
      `${base}?from=${encodeURIComponent(times[3]!)}&to=${encodeURIComponent(times[7]!)}`,
    );
    expect(window.body.items.map((b: { closeTime: string }) => b.closeTime)).toEqual(times.slice(3, 7));
    expect((await get(`${base}?limit=0`)).status).toBe(400);
    expect((await get(`${base}?limit=5001`)).status).toBe(400);
    expect((await get(`/api/v1/sessions/unknown/candles`)).body.items).toEqual([]);
  });
});
