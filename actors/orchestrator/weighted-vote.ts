import type { AgentName, TradeAction } from "../../events/index.ts";

/** The rule's name, recorded on every DecisionMade: bump it when the counting below changes. */
export const voteRuleVersion = "vote-v2";

/** One agent's vote as the orchestrator counts it (the DecisionMade `votes` entry). */
export interface Vote {
  readonly agent: AgentName;
  readonly action: TradeAction;
  readonly confidence: number;
  readonly weight: number;
  /** Id of the SignalEmitted event the vote came from. */
  readonly signalId: string;
  readonly veto?: boolean;
}

export interface VoteRule {
  /** Winning score ÷ total score needed to act (DESIGN §6: 0.6). */
  readonly minConsensus: number;
  /** Mean confidence of the winning action's voters needed to act (DESIGN §6: 0.5). */
  readonly minConfidence: number;
  /**
   * Agents that must back a BUY or SELL with some confidence (default 1). Agents that cannot judge vote HOLD with
   * confidence 0, which scores nothing: without a quorum one confident agent alone would carry consensus 1.0.
   */
  readonly minAgreeing?: number;
}

export interface VoteOutcome {
  readonly action: TradeAction;
  readonly consensus: number;
  readonly scores: { readonly BUY: number; readonly SELL: number; readonly HOLD: number };
  /** The votes sorted by agent name. */
  readonly votes: readonly Vote[];
  readonly reasoning: string;
}

// Scores are float sums: two scores closer than this are a tie, and a threshold is met within it, so that
// 0.1 + 0.2 against 0.3 is a tie and 3 ÷ 5 meets 0.6.
const epsilon = 1e-9;

const actions = ["BUY", "SELL", "HOLD"] as const;

/**
 * The weighted vote of DESIGN §6, pure. score(action) = Σ weight·confidence; consensus = winning score ÷ Σ scores;
 * BUY or SELL is decided when consensus ≥ minConsensus and the mean confidence of the winning action's voters (those
 * with weight > 0) ≥ minConfidence; otherwise HOLD. A tie for the top score is HOLD, and so is a vote where nobody
 * scored.
 *
 * Vetoes: a vote marked `veto` forbids acting against it. A SELL veto turns a BUY decision into HOLD, a BUY veto
 * turns SELL into HOLD, and a HOLD veto turns any BUY or SELL into HOLD. A veto never forces an action by itself.
 *
 * Votes are sorted by agent name before anything is summed, so the outcome (to the last bit of every float) does not
 * depend on the order the signals arrived in.
 */
export function countVotes(votes: readonly Vote[], rule: VoteRule): VoteOutcome {
  const sorted = [...votes].sort((a, b) => (a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0));
  const scores = { BUY: 0, SELL: 0, HOLD: 0 };
  for (const v of sorted) scores[v.action] += v.weight * v.confidence;
  const total = scores.BUY + scores.SELL + scores.HOLD;
  const summary = `scores BUY ${fmt(scores.BUY)}, SELL ${fmt(scores.SELL)}, HOLD ${fmt(scores.HOLD)}`;

  if (total <= 0) {
    return outcome("HOLD", 0, scores, sorted, `HOLD: no vote carried any weight (${summary})`);
  }
  const top = Math.max(scores.BUY, scores.SELL, scores.HOLD);
  const leaders = actions.filter((a) => top - scores[a] <= epsilon);
  const consensus = Math.min(1, top / total);
  if (leaders.length > 1) {
    return outcome(
      "HOLD",
      consensus,
      scores,
      sorted,
      `HOLD: tie between ${leaders.join(" and ")} (${summary})`,
    );
  }
  const winner = leaders[0] as TradeAction;
  if (winner === "HOLD") {
    return outcome(
      "HOLD",
      consensus,
      scores,
      sorted,
      `HOLD: HOLD leads with consensus ${fmt(consensus)} (${summary})`,
    );
  }
  const backers = sorted.filter((v) => v.action === winner && v.weight > 0);
  const meanConfidence = backers.reduce((s, v) => s + v.confidence, 0) / backers.length;
  const consensusOk = consensus >= rule.minConsensus - epsilon;
  const confidenceOk = meanConfidence >= rule.minConfidence - epsilon;
  const agreeing = backers.filter((v) => v.confidence > 0).length;
  const quorum = rule.minAgreeing ?? 1;
  const quorumOk = agreeing >= quorum;
  const measured = `consensus ${fmt(consensus)} ${consensusOk ? "≥" : "<"} ${fmt(rule.minConsensus)}, mean confidence ${fmt(meanConfidence)} ${confidenceOk ? "≥" : "<"} ${fmt(rule.minConfidence)}, ${agreeing} agreeing ${quorumOk ? "≥" : "<"} ${quorum}`;
  if (!consensusOk || !confidenceOk || !quorumOk) {
    return outcome("HOLD", consensus, scores, sorted, `HOLD: ${winner} leads but ${measured} (${summary})`);
  }
  const vetoes = sorted.filter((v) => v.veto === true && v.action !== winner);
  if (vetoes.length > 0) {
    const by = vetoes.map((v) => `${v.agent} (${v.action})`).join(", ");
    return outcome(
      "HOLD",
      consensus,
      scores,
      sorted,
      `HOLD: ${winner} vetoed by ${by}; ${measured} (${summary})`,
    );
  }
  return outcome(winner, consensus, scores, sorted, `${winner}: ${measured} (${summary})`);
}

function outcome(
  action: TradeAction,
  consensus: number,
  scores: VoteOutcome["scores"],
  votes: readonly Vote[],
  reasoning: string,
): VoteOutcome {
  return { action, consensus, scores, votes, reasoning };
}

function fmt(x: number): string {
  return x.toFixed(2);
}
