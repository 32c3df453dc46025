import {
  type AnyEvent,
  type AnyEventDraft,
  createEmbeddedEventLog,
  sessionHash,
} from "../../events/index.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import type { SessionSummary } from "../session/session-summary.ts";
import {
  createInProcessSession,
  type InProcessLog,
  type SchedulerTimings,
  type SessionSource,
} from "./in-process-scheduler.ts";
import type { SessionProgress } from "./log-session-runner.ts";
import type { ActorSpec } from "./machine-driver.ts";

export interface RunInProcessOptions {
  /** The actors, in dispatch order (default `createSessionActors(setup)`: every real actor). */
  readonly specs?: readonly ActorSpec[];
  /** Default: a fresh in-memory EmbeddedEventLog (root `cf`). */
  readonly log?: InProcessLog;
  /** Wall clock for `recordedAt` (never hashed). Default: the epoch, so the run touches no clock. */
  readonly recordedAt?: () => string;
  readonly onProgress?: (progress: SessionProgress) => void;
  /** Strategy bars between two onProgress calls (default 1000); a last call follows the end. */
  readonly progressEvery?: number;
  readonly source?: SessionSource;
  readonly label?: string;
  /** Measure time per actor and for appends (InProcessRunResult.timings). */
  readonly timings?: boolean;
  /** Compute the session hash over every event (default true). */
  readonly hash?: boolean;
}

export interface InProcessRunResult {
  readonly sessionId: string;
  readonly events: AnyEvent[];
  readonly summary: SessionSummary;
  /** sessionHash of the events ("" when `hash: false`). */
  readonly hash: string;
  /** Time per actor and for appends (empty unless `timings: true`). */
  readonly timings: SchedulerTimings;
}

const epoch = "1970-01-01T00:00:00.000Z";

/**
 * A whole session in process (backtest, `cryptofunk demo`): starts it at the first input's event time, pushes every
 * feed draft, appends MarketDataEnded if the feed did not end with one, and returns the events, summary and hash.
 */
export function runInProcessSession(
  setup: SessionSetup,
  feedDrafts: Iterable<AnyEventDraft>,
  options: RunInProcessOptions = {},
): InProcessRunResult {
  const log = options.log ?? createEmbeddedEventLog({ root: "cf" });
  const session = createInProcessSession({
    setup,
    log,
    recordedAt: options.recordedAt ?? (() => epoch),
    ...(options.specs === undefined ? {} : { specs: options.specs }),
    ...(options.source === undefined ? {} : { source: options.source }),
    ...(options.label === undefined ? {} : { label: options.label }),
    ...(options.timings === undefined ? {} : { timings: options.timings }),
  });
  const every = Math.max(1, options.progressEvery ?? 1000);
  const it = feedDrafts[Symbol.iterator]();
  let next = it.next();
  session.start(next.done ? epoch : next.value.at);
  let ended = false;
  let lastBar: string | undefined;
  let reported = 0;
  try {
    for (; !next.done; next = it.next()) {
      const draft = next.value;
      ended = draft.type === "MarketDataEnded";
      if (draft.type === "CandleClosed" && draft.data.timeframe === setup.timeframe)
        lastBar = draft.data.closeTime;
      session.push(draft);
      if (options.onProgress !== undefined) {
        const p = session.progress();
        if (p.bars - reported >= every) {
          reported = p.bars;
          options.onProgress(p);
        }
      }
    }
    if (!ended) {
      const bars = session.progress().bars;
      session.push({
        type: "MarketDataEnded",
        at: lastBar ?? epoch,
        data: { bars, ...(lastBar === undefined ? {} : { lastBarClose: lastBar }) },
      });
    }
    options.onProgress?.(session.progress());
    const events = session.events();
    return {
      sessionId: setup.sessionId,
      events,
      summary: session.summary(),
      hash: options.hash === false ? "" : sessionHash(events),
      timings: session.timings(),
    };
  } finally {
    session.close();
  }
}
