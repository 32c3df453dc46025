import { expect, it } from "vitest";
import { runCrashSafety } from "./crash-safety.ts";

// Issue 9 point 1: a paper session of all agents is SIGKILLed at 20 seeded random points (worker, projector, gateway
// in turn), each restarted at once. After the run: no client order id twice, no event lost or doubled, the session
// hash of the uninterrupted run, the read model equal to a clean rebuild. CRASH_SEED=<n> replays another draw.

it("a paper session survives 20 SIGKILLs of worker, projector and gateway in turn", async () => {
  const figures = await runCrashSafety({ kills: 20, bars: 800, seed: 41 });
  console.log(JSON.stringify(figures));
  expect(figures.kills).toBe(20);
}, 900_000);
