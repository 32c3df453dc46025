import { expect, it } from "vitest";
import { runPostgresOutage } from "./postgres-outage.ts";

// Issue 9 point 2, the long form: Postgres unreachable for 30 s (past the projector's longest backoff, 10 s) with
// larger sessions appended before, during and after.

it("projector and gateway ride out Postgres unreachable for 30 s: 503 naming postgres, then 200, nothing lost", async () => {
  const figures = await runPostgresOutage({ outageMs: 30_000, bars: 150 });
  console.log(JSON.stringify(figures));
  expect(figures.outageMs).toBeGreaterThanOrEqual(30_000);
}, 300_000);
