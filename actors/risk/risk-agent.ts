import type { AnyEvent, AnyEventDraft, EventData, EventType, Timeframe } from "../../events/index.ts";
import type { ActorSpec } from "../runtime/machine-driver.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import type { RiskParams } from "../strategy/strategy-config.ts";
import { type DeciderStep, deciderMachine } from "./decider-machine.ts";
import { drawdownPct, judgePortfolio, tradingStateForDrawdown, vetoDrawdownPct } from "./risk-rules.ts";

/** One bar's valuation as the risk agent keeps it (plain numbers: it judges ratios, it moves no money). */
interface Valuation {
  readonly bar: string;
  readonly drawdown: number;
  readonly equity: string;
  readonly exposure: string;
  readonly positionQuantity: number;
}

export interface RiskAgentContext {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly params: RiskParams;
  /** The last bar judged (ISO close time), so a repeated CandleClosed gets no second signal. */
  readonly lastBar: string | null;
  /** Recent valuations, ascending by bar; only the ones a future bar may still be judged from are kept. */
  readonly valuations: readonly Valuation[];
}

export interface RiskAgentInput {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly params: RiskParams;
}

export type RiskAgentStep = DeciderStep<RiskAgentContext>;

const keptValuations = 4;

export function initialRiskAgentContext(input: RiskAgentInput): RiskAgentContext {
  return { ...input, lastBar: null, valuations: [] };
}

/**
 * The risk agent's decider: one SignalEmitted per strategy bar, judged from the portfolio valuation of an EARLIER bar.
 *
 * Why only bar < t: the valuation of bar t is caused by bar t's CandleClosed in the execution actor, so whether it
 * reaches this agent before or after that CandleClosed depends on actor order and transport (in-process the agents
 * run before execution; over JetStream the hosts race). Judging bar t from the latest valuation strictly before t's
 * close (the previous bar's, whenever the feed waits for the pipeline to settle) makes the vote a function of event
 * content and time, not of arrival order. Valuations of bar ≥ t that arrive early are kept for later bars.
 */
export function decideRiskAgent(context: RiskAgentContext, event: AnyEvent): RiskAgentStep {
  if (event.type === "PortfolioValued") return { context: remember(context, event.data), outputs: [] };
  if (event.type !== "CandleClosed") return { context, outputs: [] };
  const bar = event.data;
  if (bar.symbol !== context.symbol || bar.timeframe !== context.timeframe) return { context, outputs: [] };
  if (context.lastBar !== null && bar.closeTime <= context.lastBar) return { context, outputs: [] };
  const earlier = context.valuations.filter((v) => v.bar < bar.closeTime);
  const basis = earlier[earlier.length - 1];
  const signal =
    basis === undefined ? cannotJudge(context, bar.closeTime) : judge(context, bar.closeTime, basis);
  // Older valuations than the basis can never be a later bar's basis again.
  const valuations = context.valuations.filter((v) => basis === undefined || v.bar >= basis.bar);
  return { context: { ...context, lastBar: bar.closeTime, valuations }, outputs: [signal] };
}

function remember(context: RiskAgentContext, data: EventData<"PortfolioValued">): RiskAgentContext {
  const position = data.positions.find((p) => p.symbol === context.symbol);
  const valuation: Valuation = {
    bar: data.bar,
    drawdown: data.drawdown,
    equity: data.equity,
    exposure: data.exposure,
    positionQuantity: position === undefined ? 0 : Number(position.quantity),
  };
  const others = context.valuations.filter((v) => v.bar !== data.bar);
  const valuations = [...others, valuation].sort((a, b) => (a.bar < b.bar ? -1 : a.bar > b.bar ? 1 : 0));
  return { ...context, valuations: valuations.slice(-keptValuations) };
}

function signalDraft(
  context: RiskAgentContext,
  bar: string,
  data: Omit<EventData<"SignalEmitted">, "agent" | "symbol" | "timeframe" | "bar">,
): AnyEventDraft {
  return {
    type: "SignalEmitted",
    at: bar,
    data: { agent: "risk", symbol: context.symbol, timeframe: context.timeframe, bar, ...data },
  };
}

function cannotJudge(context: RiskAgentContext, bar: string): AnyEventDraft {
  return signalDraft(context, bar, {
    action: "HOLD",
    confidence: 0,
    reasoning: "no portfolio valuation of an earlier bar yet",
    features: { ready: false },
  });
}

function judge(context: RiskAgentContext, bar: string, basis: Valuation): AnyEventDraft {
  const verdict = judgePortfolio(basis, context.params);
  return signalDraft(context, bar, {
    action: verdict.action,
    confidence: verdict.confidence,
    reasoning: verdict.reasoning,
    features: {
      ready: true,
      valuationBar: basis.bar,
      drawdownPct: drawdownPct(basis.drawdown),
      vetoAtPct: vetoDrawdownPct(context.params),
      maxDrawdownPct: context.params.maxDrawdownPct,
      tradingState: tradingStateForDrawdown(basis.drawdown, context.params),
      equity: basis.equity,
      exposure: basis.exposure,
      positionQuantity: basis.positionQuantity,
    },
    ...(verdict.veto ? { veto: true } : {}),
  });
}

const riskAgentAccepts = ["CandleClosed", "PortfolioValued"] as const satisfies readonly EventType[];

/** The risk agent as an XState machine (a live actor folding `decideRiskAgent`). */
export const riskAgentMachine = deciderMachine("agent.risk", initialRiskAgentContext, decideRiskAgent);

/** The risk agent of a session (writer `agent.risk`). */
export function createRiskAgentSpec(setupData: SessionSetup): ActorSpec<RiskAgentInput> {
  return {
    writer: "agent.risk",
    machine: riskAgentMachine,
    input: { symbol: setupData.symbol, timeframe: setupData.timeframe, params: setupData.strategy.risk },
    accepts: riskAgentAccepts,
    machineVersion: "risk-agent/1",
  };
}
