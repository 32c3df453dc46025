import { expect, it } from "vitest";
import { runEmbeddedLogKill } from "./embedded-log-kill.ts";

// Issue 9 point 2, the long form: thirty kills at seeded random points, batches up to 5,000 events.

it("the embedded log killed mid-append thirty times reopens intact each time", async () => {
  const figures = await runEmbeddedLogKill({ rounds: 30, seed: 2026, maxBatch: 5000 });
  console.log(JSON.stringify(figures));
  expect(figures.acknowledgedAppends).toBeGreaterThan(0);
}, 600_000);
