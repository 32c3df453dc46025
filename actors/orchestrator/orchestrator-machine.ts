import { enqueueActions, setup as xstateSetup } from "xstate";
import type { AgentName, AnyEvent, AnyEventDraft, Cause, EventData, Timeframe } from "../../events/index.ts";
import type { ActorSpec } from "../runtime/machine-driver.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import { countVotes, type Vote, type VoteRule, voteRuleVersion } from "./weighted-vote.ts";

export interface OrchestratorInput {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** The enabled agents, sorted by name: a bar's vote closes once all of them have voted. */
  readonly voters: readonly AgentName[];
  readonly weights: Readonly<Partial<Record<AgentName, number>>>;
  readonly rule: VoteRule;
}

interface PendingBar {
  /** Close time of the bar. */
  readonly bar: string;
  /** The bar's close, known once its CandleClosed is seen (the decision's reference price). */
  readonly price: string | null;
  /** At most one vote per enabled agent, in arrival order (sorted when counted). */
  readonly votes: readonly Vote[];
  /**
   * The bar's candle, cause of the decision. Not the signal that happened to complete the vote: which one arrives last
   * depends on arrival order, and the decision's id must not.
   */
  readonly cause: Cause | null;
}

/** Plain JSON (no Map), so a persisted snapshot round-trips. */
export interface OrchestratorContext {
  readonly input: OrchestratorInput;
  /** Open bars in close-time order (normally one; two at most, while the next bar's candle overtakes late votes). */
  readonly pending: readonly PendingBar[];
  /** Close time of the latest session bar seen: votes for earlier bars are late and ignored. */
  readonly latestBar: string | null;
  /** Close time of the latest bar decided: a second vote round for it is ignored. */
  readonly decidedBar: string | null;
}

interface Step {
  readonly context: OrchestratorContext;
  readonly drafts: readonly AnyEventDraft[];
}

/** The orchestrator: closes each bar's vote (barrier rule, DESIGN §4/§6) and emits one DecisionMade per bar. */
export const orchestratorMachine = xstateSetup({
  types: {
    context: {} as OrchestratorContext,
    events: {} as AnyEvent,
    input: {} as OrchestratorInput,
    emitted: {} as AnyEventDraft,
  },
}).createMachine({
  id: "orchestrator",
  context: ({ input }) => ({ input, pending: [], latestBar: null, decidedBar: null }),
  on: {
    CandleClosed: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== "CandleClosed") return;
        apply(
          onCandle(context, event.data, event.at, { id: event.id, correlationId: event.correlationId }),
          enqueue,
        );
      }),
    },
    SignalEmitted: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== "SignalEmitted") return;
        const cause = { id: event.causationId ?? event.id, correlationId: event.correlationId };
        apply(onSignal(context, event.id, event.data, event.at, cause), enqueue);
      }),
    },
  },
});

function apply(
  step: Step | null,
  enqueue: {
    assign(update: Partial<OrchestratorContext>): void;
    emit(draft: AnyEventDraft): void;
  },
): void {
  if (step === null) return;
  enqueue.assign(step.context);
  for (const draft of step.drafts) enqueue.emit(draft);
}

/**
 * A bar closed: every earlier open bar is closed with whatever votes it has (missing voters listed), then this bar
 * opens with its price, and is decided at once if its votes all arrived before the candle.
 */
export function onCandle(
  ctx: OrchestratorContext,
  candle: EventData<"CandleClosed">,
  at: string,
  candleCause: Cause | null = null,
): Step | null {
  const { input } = ctx;
  if (candle.symbol !== input.symbol || candle.timeframe !== input.timeframe) return null;
  const bar = candle.closeTime;
  if (ctx.latestBar !== null && bar <= ctx.latestBar) return null;
  const drafts: AnyEventDraft[] = [];
  const pending: PendingBar[] = [];
  let decidedBar = ctx.decidedBar;
  let mine: PendingBar = { bar, price: candle.close, votes: [], cause: candleCause };
  for (const open of ctx.pending) {
    if (open.bar === bar) mine = { ...open, price: candle.close, cause: open.cause ?? candleCause };
    else if (open.bar > bar) pending.push(open);
    else if (open.price !== null) {
      // An earlier bar is still open: its vote closes now, with whoever voted.
      drafts.push(decide(input, open.bar, open.price, open.votes, at, open.cause));
      decidedBar = open.bar;
    }
    // (An earlier bar whose candle was never seen has no price: there is nothing to decide on.)
  }
  if (mine.votes.length === input.voters.length) {
    drafts.push(decide(input, bar, candle.close, mine.votes, at, mine.cause));
    decidedBar = bar;
  } else {
    pending.unshift(mine);
  }
  return { context: { ...ctx, pending, latestBar: bar, decidedBar }, drafts };
}

/** A signal: recorded as its agent's vote for its bar; the bar is decided when it completes the vote. */
export function onSignal(
  ctx: OrchestratorContext,
  signalId: string,
  signal: EventData<"SignalEmitted">,
  at: string,
  signalCause: Cause | null = null,
): Step | null {
  const { input } = ctx;
  if (signal.symbol !== input.symbol || signal.timeframe !== input.timeframe) return null;
  if (!input.voters.includes(signal.agent)) return null;
  const bar = signal.bar;
  if (ctx.latestBar !== null && bar < ctx.latestBar) return null;
  if (ctx.decidedBar !== null && bar <= ctx.decidedBar) return null;
  const open: PendingBar = ctx.pending.find((p) => p.bar === bar) ?? {
    bar,
    price: null,
    votes: [],
    cause: null,
  };
  // Exactly one signal per agent and bar is the contract; should a second come, the first stands.
  if (open.votes.some((v) => v.agent === signal.agent)) return null;
  const vote: Vote = {
    agent: signal.agent,
    action: signal.action,
    confidence: signal.confidence,
    weight: input.weights[signal.agent] ?? 0,
    signalId,
    ...(signal.veto === true ? { veto: true } : {}),
  };
  const next: PendingBar = {
    bar,
    price: open.price,
    votes: [...open.votes, vote],
    cause: open.cause ?? signalCause,
  };
  const others = ctx.pending.filter((p) => p.bar !== bar);
  if (next.price !== null && next.votes.length === input.voters.length) {
    return {
      context: { ...ctx, pending: others, decidedBar: bar },
      drafts: [decide(input, bar, next.price, next.votes, at, next.cause)],
    };
  }
  const pending = [...others, next].sort((a, b) => (a.bar < b.bar ? -1 : 1));
  return { context: { ...ctx, pending }, drafts: [] };
}

function decide(
  input: OrchestratorInput,
  bar: string,
  price: string,
  votes: readonly Vote[],
  at: string,
  cause: Cause | null,
): AnyEventDraft {
  const missing = input.voters.filter((a) => !votes.some((v) => v.agent === a));
  const outcome = countVotes(votes, input.rule);
  const reasoning =
    missing.length === 0 ? outcome.reasoning : `${outcome.reasoning}; no vote from ${missing.join(", ")}`;
  return {
    type: "DecisionMade",
    at,
    ...(cause === null ? {} : { cause }),
    data: {
      symbol: input.symbol,
      timeframe: input.timeframe,
      bar,
      action: outcome.action,
      consensus: outcome.consensus,
      scores: { ...outcome.scores },
      votes: outcome.votes.map((v) => ({ ...v })),
      missing,
      price,
      ruleVersion: voteRuleVersion,
      reasoning,
    },
  };
}

/** The orchestrator's input from a session: its enabled agents, their weights and the vote thresholds. */
export function orchestratorInput(setup: SessionSetup): OrchestratorInput {
  const o = setup.strategy.orchestrator;
  return {
    symbol: setup.symbol,
    timeframe: setup.timeframe,
    voters: [...new Set(setup.strategy.enabledAgents)].sort(),
    weights: o.weights,
    rule: { minConsensus: o.minConsensus, minConfidence: o.minConfidence, minAgreeing: o.minAgreeing },
  };
}

/** The orchestrator actor of a session. */
export function createOrchestratorSpec(setup: SessionSetup): ActorSpec<OrchestratorInput> {
  return {
    writer: "orchestrator",
    machine: orchestratorMachine,
    input: orchestratorInput(setup),
    accepts: ["CandleClosed", "SignalEmitted"],
    machineVersion: "orchestrator-3",
  };
}
