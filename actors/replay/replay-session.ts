import { type AnyEvent, createEmbeddedEventLog, sessionHash } from "../../events/index.ts";
import {
  createInProcessSession,
  type InProcessLog,
  type SessionSource,
} from "../runtime/in-process-scheduler.ts";
import type { SessionProgress } from "../runtime/log-session-runner.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import type { SessionSummary } from "../session/session-summary.ts";
import { draftOf, type RecordedInputs } from "./recorded-inputs.ts";

export interface ReplayOptions {
  /** Default: a fresh in-memory embedded log (root `cf`). */
  readonly log?: InProcessLog;
  /** Wall clock for `recordedAt` (never hashed); default the epoch. */
  readonly recordedAt?: () => string;
  /** Recorded on the new SessionCreated (a what-if: `{kind: "replay", ref: parent}`); default the recorded source. */
  readonly source?: SessionSource;
  readonly parentSessionId?: string;
  readonly label?: string;
  readonly onProgress?: (p: SessionProgress) => void;
  /** Strategy bars between two onProgress calls (default 1000). */
  readonly progressEvery?: number;
}

export interface ReplayRun {
  readonly sessionId: string;
  readonly events: AnyEvent[];
  readonly summary: SessionSummary;
  readonly hash: string;
}

const epoch = "1970-01-01T00:00:00.000Z";

/**
 * Re-drives recorded inputs through the machines in process: starts the session at the recorded creation time, then
 * pushes every feed event in order and issues every operator command at its recorded position and event time. With
 * the recorded setup this reproduces the session; with other parameters it answers "what if".
 */
export function replaySession(
  setup: SessionSetup,
  inputs: RecordedInputs,
  options: ReplayOptions = {},
): ReplayRun {
  const log = options.log ?? createEmbeddedEventLog({ root: "cf" });
  const session = createInProcessSession({
    setup,
    log,
    recordedAt: options.recordedAt ?? (() => epoch),
    source: options.source ?? inputs.created.data.source,
    ...(options.parentSessionId === undefined ? {} : { parentSessionId: options.parentSessionId }),
    ...((options.label ?? inputs.created.data.label) === undefined
      ? {}
      : { label: (options.label ?? inputs.created.data.label) as string }),
  });
  const every = Math.max(1, options.progressEvery ?? 1000);
  let reported = 0;
  try {
    session.start(inputs.created.at);
    for (const step of inputs.steps) {
      if (step.kind === "feed") {
        session.push(draftOf(step.event));
        const p = session.progress();
        if (options.onProgress !== undefined && p.bars - reported >= every) {
          reported = p.bars;
          options.onProgress(p);
        }
      } else {
        const d = step.event.data;
        session.command(d.command, {
          commandId: d.commandId,
          issuedBy: d.issuedBy,
          at: step.event.at,
          ...(d.reason === undefined ? {} : { reason: d.reason }),
        });
      }
    }
    options.onProgress?.(session.progress());
    const events = session.events();
    return { sessionId: setup.sessionId, events, summary: session.summary(), hash: sessionHash(events) };
  } finally {
    session.close();
  }
}
