import { afterEach, describe, expect, it } from "vitest";
import { type GatewayFixture, startGatewayFixture } from "../testing/gateway-fixture.ts";
import { seedSession } from "../testing/seed-session.ts";
import { readSse } from "../testing/stream-clients.ts";

let f: GatewayFixture | undefined;
afterEach(async () => {
  await f?.dispose();
  f = undefined;
});

describe("shutdown with SSE clients connected", () => {
  // Found by scripts/load/load-gateway.ts: heartbeats kept every SSE response busy, so close() waited for the clients.
  it("ends every open stream with an `error` event (closed) and closes at once", async () => {
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
});
