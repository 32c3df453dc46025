import { assign, emit, setup } from "xstate";
import {
  type AgentName,
  type AnyEvent,
  type EventDraft,
  type EventType,
  type Timeframe,
  type TradeAction,
  UnsupportedError,
} from "../../events/index.ts";
import type { ActorSpec } from "../runtime/machine-driver.ts";
import type { SessionSetup } from "../session/session-setup.ts";

/** A strategy bar in numbers, as an agent judges it. */
export interface Bar {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** The bar's close time, ISO: the signal's `bar` and `at`. */
  readonly closeTime: string;
  readonly closeMs: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export type FeatureValue = number | string | boolean | null;
export type Features = Record<string, FeatureValue>;

/** What an agent concludes about one bar. */
export interface Judgement {
  readonly action: TradeAction;
  readonly confidence: number;
  readonly reasoning: string;
  readonly features: Features;
}

/** What every agent knows about its session. */
export interface AgentScope<P> {
  readonly agent: AgentName;
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly params: P;
}

/**
 * The rules of one agent. `state` holds live indicator objects and is mutated in place by `observe` and `judge`,
 * only ever from the agent's own machine (each actor gets a fresh state from `init`).
 */
export interface AgentLogic<P, S> {
  readonly name: AgentName;
  /** Bumped when state or rules change (ActorSpec.machineVersion). */
  readonly version: string;
  /** Input types besides CandleClosed (books, news, quotes …). */
  readonly inputs: readonly EventType[];
  init(params: P): S;
  observe?(state: S, event: AnyEvent, scope: AgentScope<P>): void;
  /** Called once per strategy bar, with every input at or before its close already observed. */
  judge(state: S, bar: Bar, scope: AgentScope<P>): Judgement;
  /** The lowest confidence with which the agent ever says BUY or SELL (for the "every agent fires" tests). */
  minActConfidence(params: P): number;
}

export type SignalDraft = EventDraft<"SignalEmitted">;

interface AgentContext<P, S> extends AgentScope<P> {
  /** Live indicator objects (not JSON-serialisable: agents are restored by re-folding their inputs). */
  readonly state: S;
  readonly live: LiveMarker;
  readonly last: SignalDraft | null;
}

/**
 * Marks a context built by `init` in this process. A snapshot that went through JSON has lost its indicator objects;
 * it must not be judged from, so the machine fails loudly instead of emitting signals from empty indicators.
 */
class LiveMarker {}

function assertLive(live: unknown, agent: AgentName): void {
  if (!(live instanceof LiveMarker)) {
    throw new UnsupportedError(
      `agent ${agent}: a persisted snapshot holds no live indicators; restore agents by re-folding their inputs`,
    );
  }
}

/** Parses a CandleClosed into numbers. */
export function barOf(data: AnyEvent & { type: "CandleClosed" }): Bar {
  const d = data.data;
  return {
    symbol: d.symbol,
    timeframe: d.timeframe,
    closeTime: d.closeTime,
    closeMs: Date.parse(d.closeTime),
    open: Number(d.open),
    high: Number(d.high),
    low: Number(d.low),
    close: Number(d.close),
    volume: Number(d.volume),
  };
}

/** Non-finite numbers become null so a signal always validates and canonicalises. */
function cleanFeatures(features: Features): Features {
  let clean = true;
  for (const k in features) {
    const v = features[k];
    if (typeof v === "number" && !Number.isFinite(v)) clean = false;
  }
  if (clean) return features;
  const out: Features = {};
  for (const [k, v] of Object.entries(features))
    out[k] = typeof v === "number" && !Number.isFinite(v) ? null : v;
  return out;
}

function signalOf<P>(scope: AgentScope<P>, bar: Bar, j: Judgement): SignalDraft {
  const confidence = Number.isFinite(j.confidence) ? Math.min(1, Math.max(0, j.confidence)) : 0;
  return {
    type: "SignalEmitted",
    at: bar.closeTime,
    data: {
      agent: scope.agent,
      symbol: scope.symbol,
      timeframe: scope.timeframe,
      bar: bar.closeTime,
      action: j.action,
      confidence,
      reasoning: j.reasoning,
      features: cleanFeatures(j.features),
    },
  };
}

/** The machine's input: the session's symbol and timeframe and the agent's parameters. */
export interface AgentInput<P> {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly params: P;
}

/**
 * One machine shape for every rule-based agent: inputs are observed, and each CandleClosed of the session's symbol
 * and timeframe is judged into exactly one emitted SignalEmitted (DESIGN §5, the flow contract).
 */
export function createAgentMachine<P, S>(logic: AgentLogic<P, S>) {
  return setup({
    types: {
      context: {} as AgentContext<P, S>,
      events: {} as AnyEvent,
      emitted: {} as SignalDraft,
      input: {} as AgentInput<P>,
    },
    guards: {
      isSessionBar: ({ context, event }) =>
        event.type === "CandleClosed" &&
        event.data.symbol === context.symbol &&
        event.data.timeframe === context.timeframe,
    },
    actions: {
      // The input's state is updated in place, as the indicator objects are: it belongs to this actor alone (made
      // by `init` from its input). No assign: an input changes no field of the context itself, so none is copied.
      observe: ({ context, event }) => {
        assertLive(context.live, context.agent);
        logic.observe?.(context.state, event, context);
      },
      judge: assign(({ context, event }) => {
        assertLive(context.live, context.agent);
        const bar = barOf(event as AnyEvent & { type: "CandleClosed" });
        return { last: signalOf(context, bar, logic.judge(context.state, bar, context)) };
      }),
      emitSignal: emit(({ context }) => context.last as SignalDraft),
    },
  }).createMachine({
    id: `agent.${logic.name}`,
    context: ({ input }) => ({
      agent: logic.name,
      symbol: input.symbol,
      timeframe: input.timeframe,
      params: input.params,
      state: logic.init(input.params),
      live: new LiveMarker(),
      last: null,
    }),
    on: {
      CandleClosed: { guard: "isSessionBar", actions: ["judge", "emitSignal"] },
      "*": { actions: "observe" },
    },
  });
}

/** The ActorSpec of one agent for a session. */
export function createAgentSpec<P, S>(
  logic: AgentLogic<P, S>,
  machine: ReturnType<typeof createAgentMachine<P, S>>,
  setup: SessionSetup,
  params: P,
): ActorSpec<AgentInput<P>> {
  return {
    writer: `agent.${logic.name}`,
    machine,
    input: { symbol: setup.symbol, timeframe: setup.timeframe, params },
    accepts: ["CandleClosed", ...logic.inputs],
    machineVersion: logic.version,
    // The indicator objects do not survive a snapshot (private class fields): rebuild by re-folding the inputs.
    refold: true,
  };
}
