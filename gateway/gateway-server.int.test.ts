import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnyEvent, auditSubject } from "../events/index.ts";
import { type GatewayFixture, startGatewayFixture } from "./testing/gateway-fixture.ts";
import { appendDrafts, seedAt, seedSession } from "./testing/seed-session.ts";

let f: GatewayFixture;
beforeAll(async () => {
  f = await startGatewayFixture();
});
afterAll(async () => {
  await f?.dispose();
});

async function audit(): Promise<AnyEvent[]> {
  const out: AnyEvent[] = [];
  for await (const e of f.log.read(auditSubject(f.log.root))) out.push(e);
  return out;
}

describe("health, readiness, OpenAPI", () => {
  it("answers /healthz and /readyz with a round trip to NATS and Postgres", async () => {
    expect((await f.app.inject("/healthz")).json()).toEqual({ status: "ok" });
    const ready = await f.app.inject("/readyz");
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok])).toEqual([
      ["nats", true],
      ["postgres", true],
    ]);
  });

  it("serves an OpenAPI 3 document naming every route", async () => {
    const res = await f.app.inject("/api/v1/openapi.json");
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain("/api/v1/sessions/{sessionId}/pause");
    expect(doc.paths["/api/v1/strategies/{name}/versions"].post.requestBody).toBeDefined();
  });
});

describe("keys", () => {
  it("refuses a missing, unknown, malformed or revoked key with 401 and audits each", async () => {
    const url = "/api/v1/strategies";
    expect((await f.app.inject(url)).statusCode).toBe(401);
    const unknown = `cf_${"0".repeat(12)}${"A".repeat(32)}`;
    const r1 = await f.app.inject({ url, headers: { "x-api-key": unknown } });
    expect(r1.statusCode).toBe(401);
    expect(r1.json()).toEqual({ error: { code: "UNAUTHENTICATED", message: "the API key is not valid" } });
    expect((await f.app.inject({ url, headers: { authorization: "Bearer nonsense" } })).statusCode).toBe(401);
    const issued = await f.keys.issue({ name: "short-lived", role: "viewer", issuedBy: "test" });
    expect((await f.app.inject({ url, headers: { authorization: `Bearer ${issued.key}` } })).statusCode).toBe(
      200,
    );
    await f.keys.revoke(issued.keyId, "test");
    expect((await f.app.inject({ url, headers: { "x-api-key": issued.key } })).statusCode).toBe(401);
    const types = (await audit()).map((e) => e.type);
    expect(types).toContain("ApiKeyIssued");
    expect(types).toContain("ApiKeyRevoked");
    const reasons = (await audit()).flatMap((e) => (e.type === "AuthFailed" ? [e.data.reason] : []));
    expect(reasons).toEqual(expect.arrayContaining(["missing_key", "unknown_key", "revoked_key"]));
  });

  it("stores only hashes", async () => {
    const issued = await f.keys.issue({ name: "hashed", role: "viewer", issuedBy: "test" });
    const row = await f.db
      .selectFrom("api_keys")
      .selectAll()
      .where("key_id", "=", issued.keyId)
      .executeTakeFirst();
    expect(JSON.stringify(row)).not.toContain(issued.key.slice(15));
    expect(row?.key_hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("control", () => {
  it("appends a command, answers 202 with its id, and reads its outcome from the log", async () => {
    const sessionId = "s-control";
    await seedSession(f.log, sessionId);
    const trader = await f.key("trader");
    const res = await f.app.inject({
      method: "POST",
      url: `/api/v1/sessions/${sessionId}/pause`,
      headers: { "x-api-key": trader },
      payload: { reason: "lunch" },
    });
    expect(res.statusCode).toBe(202);
    const { commandId, status } = res.json();
    const pending = await f.app.inject({ url: status, headers: { "x-api-key": trader } });
    expect(pending.json()).toMatchObject({ commandId, command: "pause", state: "pending" });
    await appendDrafts(f.log, sessionId, "session", [
      {
        type: "CommandAccepted",
        data: { commandId, command: "pause", from: "running", to: "paused" },
        at: seedAt,
      },
    ]);
    const done = await f.app.inject({ url: status, headers: { "x-api-key": trader } });
    expect(done.json()).toMatchObject({ state: "accepted", outcome: { from: "running", to: "paused" } });
  });

  it("makes a retried command with the same id a duplicate, and 404s an unknown session", async () => {
    await seedSession(f.log, "s-idem");
    const trader = await f.key("trader");
    const send = () =>
      f.app.inject({
        method: "POST",
        url: "/api/v1/sessions/s-idem/stop",
        headers: { "x-api-key": trader },
        payload: { commandId: "retry-me-123" },
      });
    const a = await send();
    const b = await send();
    expect(a.json().seq).toBe(b.json().seq);
    const missing = await f.app.inject({
      method: "POST",
      url: "/api/v1/sessions/nope/stop",
      headers: { "x-api-key": trader },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe("NOT_FOUND");
  });
});
