import { expect, it } from "vitest";
import { runNatsOutage } from "./nats-outage.ts";

// Issue 9 point 2, the long form: NATS crashes (SIGKILL) mid-session and stays down 10 s, then starts again on its
// store; the session ends as an uninterrupted run. (The e2e tier runs the SIGTERM form.)

it("a paper session rides out NATS killed (SIGKILL) for 10 s and ends as an uninterrupted run", async () => {
  const figures = await runNatsOutage({
    outageMs: 10_000,
    signal: "SIGKILL",
    bars: 200,
    cutAtBar: 60,
    seed: 43,
  });
  console.log(JSON.stringify(figures));
  expect(figures.outageMs).toBeGreaterThanOrEqual(10_000);
}, 300_000);
