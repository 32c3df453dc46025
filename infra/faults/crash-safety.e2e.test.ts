import { expect, it } from "vitest";
import { runCrashSafety } from "./crash-safety.ts";

// Issue 9 point 1, the short form for CI: worker, projector and gateway each SIGKILLed once mid-session and started
// again; the session ends as the uninterrupted run, no order or event twice, the read model equals a clean rebuild.
// (crash-safety.faults.test.ts kills 20 times.)

it("a paper session survives its worker, projector and gateway SIGKILLed once each", async () => {
  // 200 bars, not 80: on a loaded CI machine the test's own reading of the feed lagged the session by seconds, so an
  // 80-bar session (about 5 s) could end before the test saw the bar of its first kill.
  const figures = await runCrashSafety({ kills: 3, bars: 200, seed: 40 });
  console.log(JSON.stringify(figures));
  expect(figures.killsByRole).toEqual({ worker: 1, projector: 1, gateway: 1 });
}, 300_000);
