import { expect, it } from "vitest";
import { runEmbeddedLogKill } from "./embedded-log-kill.ts";

// Issue 9 point 2, the long form: twenty kills at seeded random points, batches up to 300 events.

it("the embedded log killed mid-append twenty times reopens intact each time", async () => {
  const figures = await runEmbeddedLogKill({ rounds: 20, seed: 2026, maxBatch: 300 });
  console.log(JSON.stringify(figures));
  expect(figures.acknowledgedAppends).toBeGreaterThan(0);
}, 600_000);
