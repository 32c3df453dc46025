import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AgentName, agentNames, type TradeAction } from "../../events/index.ts";
import { countVotes, type Vote } from "./weighted-vote.ts";

const rule = { minConsensus: 0.6, minConfidence: 0.5 };

function v(agent: AgentName, action: TradeAction, confidence: number, weight = 1, veto?: boolean): Vote {
  return { agent, action, confidence, weight, signalId: `sig-${agent}`, ...(veto ? { veto } : {}) };
}

/** Fisher–Yates driven by a small LCG: a reproducible permutation per seed. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe("countVotes", () => {
  it("acts when consensus and mean confidence both clear their thresholds", () => {
    const out = countVotes(
      [v("technical", "BUY", 0.8), v("trend", "BUY", 0.6), v("sentiment", "SELL", 0.4)],
      rule,
    );
    expect(out.action).toBe("BUY");
    expect(out.scores).toEqual({ BUY: 1.4, SELL: 0.4, HOLD: 0 });
    expect(out.consensus).toBeCloseTo(1.4 / 1.8, 12);
    expect(out.reasoning).toMatch(/^BUY: consensus 0\.78 ≥ 0\.60, mean confidence 0\.70 ≥ 0\.50/);
  });

  it("holds when consensus is below the minimum", () => {
    const out = countVotes([v("technical", "BUY", 0.9), v("trend", "SELL", 0.7)], rule);
    expect(out.action).toBe("HOLD");
    expect(out.consensus).toBeCloseTo(0.5625, 12);
    expect(out.reasoning).toContain("BUY leads but consensus 0.56 < 0.60");
  });

  it("holds when the winners' mean confidence is below the minimum", () => {
    const out = countVotes([v("technical", "SELL", 0.45), v("trend", "SELL", 0.4)], rule);
    expect(out.consensus).toBe(1);
    expect(out.action).toBe("HOLD");
    expect(out.reasoning).toContain("mean confidence 0.43 < 0.50");
  });

  it("meets thresholds exactly at the boundary (3 ÷ 5 = 0.6, confidence 0.5)", () => {
    const out = countVotes([v("technical", "SELL", 0.5, 3), v("trend", "BUY", 0.5, 2)], rule);
    expect(out.consensus).toBeCloseTo(0.6, 12);
    expect(out.action).toBe("SELL");
  });

  it("a tie for the top score is HOLD, even when float sums differ in the last bit", () => {
    expect(countVotes([v("technical", "BUY", 0.7), v("trend", "SELL", 0.7)], rule).action).toBe("HOLD");
    const floaty = countVotes(
      [v("arbitrage", "BUY", 0.1), v("orderbook", "BUY", 0.2), v("trend", "SELL", 0.3)],
      { minConsensus: 0, minConfidence: 0 },
    );
    expect(floaty.action).toBe("HOLD");
    expect(floaty.reasoning).toContain("tie between BUY and SELL");
    const holdTie = countVotes([v("technical", "BUY", 0.6), v("trend", "HOLD", 0.6)], {
      minConsensus: 0,
      minConfidence: 0,
    });
    expect(holdTie.action).toBe("HOLD");
  });

  it("zero confidence and zero weight count for nothing", () => {
    const none = countVotes([v("technical", "BUY", 0), v("trend", "SELL", 0), v("risk", "HOLD", 0)], rule);
    expect(none).toMatchObject({ action: "HOLD", consensus: 0, scores: { BUY: 0, SELL: 0, HOLD: 0 } });
    expect(none.reasoning).toContain("no vote carried any weight");
    expect(countVotes([], rule)).toMatchObject({ action: "HOLD", consensus: 0 });
    // Warm-up HOLDs at confidence 0 do not dilute a confident voter.
    const one = countVotes(
      [v("technical", "BUY", 0.8), v("trend", "HOLD", 0), v("sentiment", "HOLD", 0)],
      rule,
    );
    expect(one).toMatchObject({ action: "BUY", consensus: 1 });
    // A zero-weight backer neither scores nor drags the winners' mean confidence down.
    const muted = countVotes([v("technical", "BUY", 0.8), v("trend", "BUY", 0.1, 0)], rule);
    expect(muted.action).toBe("BUY");
  });

  it("weights scale each vote", () => {
    const votes = [v("technical", "BUY", 0.6, 1), v("trend", "SELL", 0.6, 3)];
    expect(countVotes(votes, rule)).toMatchObject({ action: "SELL", consensus: 0.75 });
    expect(countVotes([v("technical", "BUY", 0.6, 3), v("trend", "SELL", 0.6, 1)], rule).action).toBe("BUY");
  });

  it("HOLD can win outright", () => {
    const out = countVotes([v("technical", "HOLD", 0.9), v("trend", "BUY", 0.2)], rule);
    expect(out.action).toBe("HOLD");
    expect(out.reasoning).toMatch(/^HOLD: HOLD leads/);
  });

  it("a veto forbids acting against it, and never forces an action", () => {
    const buyers = [v("technical", "BUY", 0.9, 3), v("trend", "BUY", 0.9, 3)];
    const sellVeto = countVotes([...buyers, v("risk", "SELL", 0.6, 1, true)], rule);
    expect(sellVeto.action).toBe("HOLD");
    expect(sellVeto.reasoning).toContain("BUY vetoed by risk (SELL)");
    const holdVeto = countVotes([...buyers, v("risk", "HOLD", 0.6, 1, true)], rule);
    expect(holdVeto.action).toBe("HOLD");
    // A SELL veto lets a SELL decision through.
    const sellers = [v("technical", "SELL", 0.9, 3), v("risk", "SELL", 0.6, 1, true)];
    expect(countVotes(sellers, rule).action).toBe("SELL");
    // A veto on the losing side of a HOLD changes nothing.
    expect(countVotes([v("risk", "SELL", 0.2, 1, true), v("trend", "HOLD", 0.9)], rule).action).toBe("HOLD");
  });

  it("sorts the votes by agent name", () => {
    const out = countVotes([v("trend", "BUY", 0.8), v("arbitrage", "HOLD", 0), v("risk", "BUY", 0.7)], rule);
    expect(out.votes.map((x) => x.agent)).toEqual(["arbitrage", "risk", "trend"]);
  });

  it("does not depend on the order the votes arrive in (to the last bit)", () => {
    const voteArb = fc
      .tuple(
        fc.constantFrom<TradeAction>("BUY", "SELL", "HOLD"),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.boolean(),
      )
      .map(([action, confidence, weight, veto]) => ({ action, confidence, weight, veto }));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...agentNames), { minLength: 0, maxLength: 7 }),
        fc.array(voteArb, { minLength: 7, maxLength: 7 }),
        fc.integer(),
        (agents, specs, seed) => {
          const votes = agents.map((a, i) => {
            const s = specs[i]!;
            return v(a, s.action, s.confidence, s.weight, s.veto);
          });
          const shuffled = shuffle(votes, seed);
          const reversed = [...votes].reverse();
          const base = countVotes(votes, rule);
          expect(countVotes(shuffled, rule)).toEqual(base);
          expect(countVotes(reversed, rule)).toEqual(base);
          expect(base.consensus).toBeGreaterThanOrEqual(0);
          expect(base.consensus).toBeLessThanOrEqual(1);
          // Acting always means the thresholds held and nothing vetoed it.
          if (base.action !== "HOLD") {
            expect(base.consensus).toBeGreaterThanOrEqual(rule.minConsensus - 1e-9);
            expect(votes.some((x) => x.veto && x.action !== base.action)).toBe(false);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("quorum (minAgreeing)", () => {
  const v = (agent: AgentName, action: TradeAction, confidence: number): Vote => ({
    agent,
    action,
    confidence,
    weight: 1,
    signalId: agent,
  });
  const rule = { minConsensus: 0.6, minConfidence: 0.5, minAgreeing: 2 };
  it("holds when one confident agent alone carries the vote", () => {
    const out = countVotes(
      [v("orderbook", "SELL", 0.9), v("trend", "HOLD", 0), v("technical", "HOLD", 0)],
      rule,
    );
    expect(out.action).toBe("HOLD");
    expect(out.consensus).toBe(1);
    expect(out.reasoning).toContain("1 agreeing < 2");
  });
  it("acts when two agents agree", () => {
    const out = countVotes(
      [v("orderbook", "SELL", 0.9), v("trend", "SELL", 0.6), v("technical", "HOLD", 0.1)],
      rule,
    );
    expect(out.action).toBe("SELL");
  });
});
