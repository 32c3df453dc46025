import { expect, it } from "vitest";
import { runEmbeddedLogKill } from "./embedded-log-kill.ts";

// Issue 9 point 2: the embedded log killed (SIGKILL) mid-append at seeded random points reopens intact: every
// acknowledged append kept, a torn tail cut, appends accepted again.

it("the embedded log killed mid-append three times reopens intact each time", async () => {
  const figures = await runEmbeddedLogKill({ rounds: 3, seed: 9, maxBatch: 500 });
  console.log(JSON.stringify(figures));
  expect(figures.acknowledgedAppends).toBeGreaterThan(0);
}, 120_000);
