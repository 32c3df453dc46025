import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AbuseTarget,
  type CampaignResult,
  openAbuseTarget,
  runAbuseCampaign,
} from "./abuse-campaign.ts";
import { startupTimeoutMs } from "./gateway-process.ts";

// Issue 9.4: 10,000 fast-check requests over real HTTP against a `cryptofunk gateway` process, then 40,000 more on the
// same process as a soak (its memory must level off). 13-60 s for the 10,000 depending on what else runs on the two
// cores, so this is the faults tier; gateway-abuse.int.test.ts runs 2,000 in CI. ABUSE_SEED replays a run; every run
// prints its seed and figures (requests, statuses, req/s, RSS start/peak/end and after each tenth).

const seed = Number(process.env.ABUSE_SEED ?? Date.now() % 2 ** 31);
let target: AbuseTarget;
beforeAll(async () => {
  target = await openAbuseTarget();
}, startupTimeoutMs);
afterAll(async () => {
  await target?.dispose();
});

const min = (xs: readonly number[]) => Math.min(...xs);
let first: CampaignResult;

describe("gateway abuse (separate process)", () => {
  it("answers 10,000 fast-check requests below 500, keeps the role table, stays up with bounded memory", async () => {
    first = await runAbuseCampaign(target, { requests: 10_000, seed });
    console.log(
      JSON.stringify({ test: "gateway-fuzz.faults 10k", ...first, problems: first.problems.length }),
    );
    expect(first.problems, `seed ${seed}`).toEqual([]);
    expect(target.gateway.alive()).toBe(true);
    expect((await fetch(`${target.gateway.url}/healthz`)).status).toBe(200);
    // See gateway-abuse.int.test.ts for the bound: about twice the observed peak growth of a cold process.
    expect(first.rssMb.end - first.rssMb.start).toBeLessThan(150);
  });

  it("keeps it up for 40,000 more, and its memory levels off", async () => {
    expect(first, "the 10,000-request run comes first").toBeDefined();
    const soak = await runAbuseCampaign(target, { requests: 40_000, seed: seed + 1 });
    console.log(
      JSON.stringify({ test: "gateway-fuzz.faults soak 40k", ...soak, problems: soak.problems.length }),
    );
    expect(soak.problems, `seed ${seed + 1}`).toEqual([]);
    expect(target.gateway.alive()).toBe(true);
    expect((await fetch(`${target.gateway.url}/healthz`)).status).toBe(200);
    // RSS saws with garbage collection (observed 165-312 MB over 50,000 requests), so single samples say little; a
    // leak raises the floor. Warm after the first 10,000, the lowest RSS of the soak's second half may not sit 50 MB
    // above the lowest of its first half: a leak of ~2.5 KB per request (20,000 requests between them) would. The
    // peak stays within 200 MB of the cold start (observed +110-115 MB, the heap's growth before V8 collects it).
    const floors = soak.rssFloorMb;
    expect(floors).toHaveLength(10);
    expect(min(floors.slice(5)) - min(floors.slice(0, 5))).toBeLessThan(50);
    expect(soak.rssMb.peak - first.rssMb.start).toBeLessThan(200);
  });
});
