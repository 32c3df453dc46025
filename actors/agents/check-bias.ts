import { type AnyEvent, type AnyEventDraft, createEvent } from "../../events/index.ts";
import { createSeededRandom } from "../market/seeded-random.ts";
import { type ActorSpec, createMachineDriver } from "../runtime/machine-driver.ts";

/** Feed drafts as stored events (ids from createEvent, sequence numbers from 1), for running actors off-log. */
export function storedFeed(drafts: Iterable<AnyEventDraft>, sessionId = "bias"): AnyEvent[] {
  const out: AnyEvent[] = [];
  const ctx = { root: "cf", sessionId, writer: "feed" as const, recordedAt: "1970-01-01T00:00:00.000Z" };
  for (const d of drafts) {
    const seq = out.length + 1;
    out.push({ ...createEvent(ctx, d, null, seq), seq, recordedAt: d.at } as AnyEvent);
  }
  return out;
}

type SignalData = Extract<AnyEventDraft, { type: "SignalEmitted" }>["data"];

interface TracedSignal {
  readonly signal: SignalData;
  /** The input whose handling emitted it. */
  readonly cause: AnyEvent;
}

function runTraced(spec: ActorSpec, events: readonly AnyEvent[]): TracedSignal[] {
  const driver = createMachineDriver(spec);
  const out: TracedSignal[] = [];
  try {
    for (const e of events) {
      if (!driver.accepts(e.type)) continue;
      for (const d of driver.feed(e)) if (d.type === "SignalEmitted") out.push({ signal: d.data, cause: e });
    }
  } finally {
    driver.stop();
  }
  return out;
}

/** Runs one fresh actor over `events` (those it accepts) and returns the signals it emitted, in order. */
export function runAgent(spec: ActorSpec, events: readonly AnyEvent[]): SignalData[] {
  return runTraced(spec, events).map((t) => t.signal);
}

/**
 * Look-ahead in the feed itself: a bar whose event time is not its close, or an input stamped after the close of the
 * bar that follows it (the agent would see it too early).
 */
function feedFindings(events: readonly AnyEvent[]): BiasFinding[] {
  const out: BiasFinding[] = [];
  let latestInput: AnyEvent | null = null;
  for (const e of events) {
    if (e.type === "CandleClosed") {
      if (e.at !== e.data.closeTime)
        out.push({ check: "look-ahead", detail: `bar ${e.data.closeTime} was published at ${e.at}` });
      if (latestInput !== null && latestInput.at > e.at) {
        out.push({
          check: "look-ahead",
          detail: `${latestInput.type} at ${latestInput.at} came before the bar closing ${e.at}`,
        });
      }
      latestInput = null;
    } else if (latestInput === null || e.at > latestInput.at) {
      latestInput = e;
    }
  }
  return out.slice(0, 20);
}

export interface BiasFinding {
  readonly check: "look-ahead" | "warm-up" | "one-signal-per-bar";
  readonly detail: string;
}

export interface BiasReport {
  readonly agent: string;
  readonly bars: number;
  readonly signals: { readonly BUY: number; readonly SELL: number; readonly HOLD: number };
  /** Bar indices (1-based counts of bars kept) at which the data was cut. */
  readonly cuts: readonly number[];
  /** Bars skipped at the start of each warm-up run, and the numeric features compared at the last bar. */
  readonly warmUp: {
    readonly offsets: readonly number[];
    readonly compared: readonly string[];
    readonly maxRelativeDiff: number;
    /** Bars after the largest offset: EMA(200) needs about 3,000 to forget its start below 1e-9. */
    readonly barsAfterLargestOffset: number;
  };
  readonly findings: readonly BiasFinding[];
}

export interface BiasOptions {
  /** Number of random cut points (default 50). */
  readonly cuts?: number;
  readonly seed?: number;
  /** Warm-ups compared (default 200, 500, 1000 bars dropped from the start). */
  readonly offsets?: readonly number[];
  /** Relative tolerance for the final indicator values (default 1e-9). */
  readonly tolerance?: number;
}

/** Index (in `events`) just after the n-th CandleClosed: the prefix a run cut after bar n sees. */
function barEnds(events: readonly AnyEvent[]): number[] {
  const ends: number[] = [];
  events.forEach((e, i) => {
    if (e.type === "CandleClosed") ends.push(i + 1);
  });
  return ends;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** |a − b| relative to the larger magnitude (at least 1), so prices and oscillators share one tolerance. */
export function relativeDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * The two bias checks of DESIGN §12 on one agent over any feed:
 * (a) look-ahead: the feed never shows a bar before its close nor an input before a bar it postdates; each signal is
 *     about the bar whose close produced it; cutting the data after `cuts` random bars (seeded) leaves every earlier
 *     signal identical; a run emits exactly one signal per bar;
 * (b) warm-up: starting the agent 200, 500 and 1,000 bars later (those bars and the inputs before them dropped)
 *     leaves its numeric features at the last bar within `tolerance` (relative) of the full run's. EMA-type values
 *     depend on their start only through a factor (1 − α)^n, so after enough bars the start is forgotten; window
 *     values (Bollinger, SMA) agree exactly.
 * The spec must build a fresh actor each run (ActorSpecs are data, so it can).
 */
export function checkBias(
  spec: ActorSpec,
  events: readonly AnyEvent[],
  options: BiasOptions = {},
): BiasReport {
  const tolerance = options.tolerance ?? 1e-9;
  const offsets = options.offsets ?? [200, 500, 1000];
  const ends = barEnds(events);
  const bars = ends.length;
  const findings: BiasFinding[] = feedFindings(events);
  const traced = runTraced(spec, events);
  const full = traced.map((t) => t.signal);
  const signals = { BUY: 0, SELL: 0, HOLD: 0 };
  for (const s of full) signals[s.action] += 1;
  if (full.length !== bars) {
    findings.push({ check: "one-signal-per-bar", detail: `${full.length} signals for ${bars} bars` });
  }
  // A signal must be about the bar whose close produced it: one labelled with an earlier bar was decided later.
  const mislabelled = traced.filter(
    (t) => t.cause.type !== "CandleClosed" || t.signal.bar !== t.cause.data.closeTime,
  );
  if (mislabelled.length > 0) {
    const first = mislabelled[0] as TracedSignal;
    findings.push({
      check: "look-ahead",
      detail: `${mislabelled.length} signal(s) not about the bar that produced them (first: bar ${first.signal.bar} emitted on ${first.cause.type} at ${first.cause.at})`,
    });
  }

  // (a) look-ahead: distinct seeded cut points, each rerun from scratch on the prefix.
  const rng = createSeededRandom(options.seed ?? 1, 7);
  const wanted = Math.min(options.cuts ?? 50, Math.max(0, bars - 1));
  const cutSet = new Set<number>();
  while (cutSet.size < wanted) cutSet.add(rng.int(1, bars - 1));
  const cuts = [...cutSet].sort((a, b) => a - b);
  for (const n of cuts) {
    const prefix = runAgent(spec, events.slice(0, ends[n - 1]));
    if (prefix.length !== n) {
      findings.push({
        check: "look-ahead",
        detail: `cut after bar ${n}: ${prefix.length} signals, expected ${n}`,
      });
      continue;
    }
    const i = prefix.findIndex((s, k) => !same(s, full[k]));
    if (i >= 0) {
      findings.push({
        check: "look-ahead",
        detail: `cut after bar ${n}: the signal of bar ${i + 1} (${prefix[i]?.bar}) changed: ${prefix[i]?.action} ${prefix[i]?.confidence} vs ${full[i]?.action} ${full[i]?.confidence} with all the data`,
      });
    }
  }

  // (b) warm-up: numeric features of the last bar from runs that started later.
  const last = full[full.length - 1];
  const compared = new Set<string>();
  let maxRelativeDiff = 0;
  const usable = offsets.filter((k) => k < bars);
  for (const k of offsets.filter((o) => o >= bars)) {
    findings.push({ check: "warm-up", detail: `offset ${k}: the data has only ${bars} bars` });
  }
  for (const k of usable) {
    const later = runAgent(spec, events.slice(ends[k - 1]));
    const end = later[later.length - 1];
    if (last === undefined || end === undefined) continue;
    for (const [name, v] of Object.entries(last.features)) {
      const w = end.features[name];
      if (typeof v !== "number" || v === null) {
        if (!same(v, w))
          findings.push({ check: "warm-up", detail: `offset ${k}: ${name} ${String(w)} vs ${String(v)}` });
        continue;
      }
      compared.add(name);
      if (typeof w !== "number") {
        findings.push({
          check: "warm-up",
          detail: `offset ${k}: ${name} is ${String(w)}, ${v} with the full warm-up`,
        });
        continue;
      }
      const d = relativeDiff(v, w);
      maxRelativeDiff = Math.max(maxRelativeDiff, d);
      if (d > tolerance) {
        findings.push({
          check: "warm-up",
          detail: `offset ${k}: ${name} ${w} vs ${v} (relative difference ${d.toExponential(2)} > ${tolerance})`,
        });
      }
    }
  }
  return {
    agent: spec.writer.replace(/^agent\./, ""),
    bars,
    signals,
    cuts,
    warmUp: {
      offsets: usable,
      compared: [...compared].sort(),
      maxRelativeDiff,
      barsAfterLargestOffset: bars - Math.max(0, ...usable),
    },
    findings,
  };
}
