import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type GatewayFixture, startGatewayFixture } from "./testing/gateway-fixture.ts";
import { seedSession } from "./testing/seed-session.ts";
import { readSse } from "./testing/stream-clients.ts";

// Both found by scripts/load/load-gateway.ts: the gateway's close() waited on clients instead of ending its side.
let f: GatewayFixture | undefined;
afterEach(async () => {
  await f?.dispose();
  f = undefined;
});

describe("gateway shutdown", () => {
  it("ends every open SSE stream with an `error` event (closed) and closes at once", async () => {
    f = await startGatewayFixture({ deps: { config: { heartbeatMs: 100 } } });
    const viewer = await f.key("viewer");
    await seedSession(f.log, "bye");
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${f!.url}/api/v1/sessions/bye/events`, { headers: { "x-api-key": viewer } }),
      ),
    );
    const reading = responses.map((r) => readSse(r, (m) => m.some((x) => x.event === "error"), 5000));
    const started = Date.now();
    await f.app.close();
    expect(Date.now() - started).toBeLessThan(2000);
    for (const messages of await Promise.all(reading)) {
      const error = messages.find((m) => m.event === "error");
      expect(JSON.parse(error!.data)).toMatchObject({ reason: "closed" });
    }
  });

  it("cuts a connection that never sent a request after the grace period instead of waiting for it", async () => {
    f = await startGatewayFixture();
    const { port } = new URL(f.url);
    const silent = connect(Number(port), "127.0.0.1");
    const cut = new Promise<void>((resolve) => silent.on("close", () => resolve()));
    silent.on("error", () => {});
    await new Promise<void>((resolve) => silent.on("connect", () => resolve()));
    const started = Date.now();
    await f.app.close();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(4500);
    expect(took).toBeLessThan(8000);
    await cut;
    expect(silent.destroyed).toBe(true);
  }, 20_000);
});
