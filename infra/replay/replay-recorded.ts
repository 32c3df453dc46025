import {
  compareReplay,
  compareSessions,
  extractRecordedInputs,
  type RecordedInputs,
  type ReplayRun,
  type ReplayVerdict,
  replaySession,
  type SessionComparison,
  type SessionSetup,
  type StrategyConfig,
} from "../../actors/index.ts";
import {
  type AnyEvent,
  canonicalJson,
  createEmbeddedEventLog,
  deterministicId,
  type EventLog,
  NotFoundError,
  sessionFilter,
  sessionHash,
} from "../../events/index.ts";
import { recordSession } from "../session/record-session.ts";
import { setupFromCreated } from "../session/session-planner.ts";

/** Every event of a recorded session, in log order; a NotFoundError when the log holds none. */
export async function readRecordedSession(log: EventLog, sessionId: string): Promise<AnyEvent[]> {
  const events: AnyEvent[] = [];
  for await (const e of log.read(sessionFilter(log.root, sessionId))) events.push(e);
  if (events.length === 0) {
    throw new NotFoundError(`session ${sessionId} is not in the event log (root ${log.root})`);
  }
  return events;
}

/** Strategy bars a session's feed holds (for progress). */
export function recordedBars(inputs: RecordedInputs): number {
  const tf = inputs.created.data.timeframe;
  return inputs.steps.filter(
    (s) => s.event.type === "CandleClosed" && s.event.data.timeframe === tf && s.kind === "feed",
  ).length;
}

export interface VerifyResult {
  readonly sessionId: string;
  readonly verdict: ReplayVerdict;
  /** sessionHash of the recording (what `cryptofunk demo` printed for it). */
  readonly sessionHash: string;
  readonly feedEvents: number;
  readonly commands: number;
  readonly seconds: number;
}

export interface ReplayRecordedOptions {
  readonly onProgress?: (bars: number) => void;
  /** Replace the recorded strategy (tests break determinism on purpose with it). */
  readonly strategy?: StrategyConfig;
}

/** Re-drives a recorded session's inputs through the machines and compares every output with the recording. */
export function verifyRecorded(
  events: readonly AnyEvent[],
  options: ReplayRecordedOptions = {},
): VerifyResult {
  const started = performance.now();
  const inputs = extractRecordedInputs(events);
  const recorded = setupFromCreated(inputs.created);
  const setup: SessionSetup =
    options.strategy === undefined ? recorded : { ...recorded, strategy: options.strategy };
  const run = replaySession(setup, inputs, {
    ...(options.onProgress === undefined
      ? {}
      : { onProgress: (p) => options.onProgress?.(p.bars), progressEvery: 100 }),
  });
  return {
    sessionId: setup.sessionId,
    verdict: compareReplay(events, run.events),
    sessionHash: sessionHash(events),
    feedEvents: inputs.feedEvents,
    commands: inputs.commands,
    seconds: (performance.now() - started) / 1000,
  };
}

/** A what-if replayed but not yet recorded: the child's events and its comparison with the parent. */
export interface WhatIfReplay {
  readonly parentSessionId: string;
  readonly sessionId: string;
  readonly run: ReplayRun;
  readonly comparison: SessionComparison;
}

export interface WhatIfResult extends WhatIfReplay {
  /** Events appended to the log (0 when the same what-if was recorded before: same ids, idempotent). */
  readonly recorded: number;
}

/** A what-if session's id: derived from the parent and the strategy, so the same question lands on the same session. */
export function whatIfSessionId(parentSessionId: string, strategy: StrategyConfig): string {
  return `wi-${deterministicId("what-if", parentSessionId, canonicalJson(strategy)).slice(0, 8)}`;
}

/**
 * The same recorded inputs through other parameters, into a new session linked to its parent (SessionCreated with
 * parentSessionId and source kind "replay"), its events under `root`; compared with the parent. CPU only: the
 * gateway runs it in a thread.
 */
export function replayWhatIf(
  events: readonly AnyEvent[],
  strategy: StrategyConfig,
  root: string,
  options: { readonly onProgress?: (bars: number) => void; readonly label?: string } = {},
): WhatIfReplay {
  const inputs = extractRecordedInputs(events);
  const parent = setupFromCreated(inputs.created);
  const sessionId = whatIfSessionId(parent.sessionId, strategy);
  const run = replaySession({ ...parent, sessionId, strategy }, inputs, {
    // Same root as the target log: the events are copied there as they are.
    log: createEmbeddedEventLog({ root }),
    parentSessionId: parent.sessionId,
    source: { kind: "replay", ref: parent.sessionId },
    label: options.label ?? `what-if of ${parent.sessionId}`,
    recordedAt: () => new Date().toISOString(),
    ...(options.onProgress === undefined
      ? {}
      : { onProgress: (p) => options.onProgress?.(p.bars), progressEvery: 100 }),
  });
  return {
    parentSessionId: parent.sessionId,
    sessionId,
    run,
    comparison: compareSessions(events, run.events),
  };
}

/** Records a what-if session's events unless the log holds it already (same strategy, same ids); how many it wrote. */
export async function recordWhatIf(
  log: EventLog,
  sessionId: string,
  events: readonly AnyEvent[],
): Promise<number> {
  if ((await readCount(log, sessionId)) > 0) return 0;
  await recordSession(events, log);
  return events.length;
}

/** replayWhatIf, then recordWhatIf into `log` (`cryptofunk replay --what-if`). */
export async function whatIfRecorded(
  log: EventLog,
  events: readonly AnyEvent[],
  strategy: StrategyConfig,
  options: { readonly onProgress?: (bars: number) => void; readonly label?: string } = {},
): Promise<WhatIfResult> {
  const r = replayWhatIf(events, strategy, log.root, options);
  return { ...r, recorded: await recordWhatIf(log, r.sessionId, r.run.events) };
}

async function readCount(log: EventLog, sessionId: string): Promise<number> {
  let n = 0;
  for await (const _ of log.read(sessionFilter(log.root, sessionId))) n++;
  return n;
}
