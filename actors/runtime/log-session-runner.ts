import {
  type AnyEvent,
  type AnyEventDraft,
  ConcurrencyError,
  createEvent,
  type EventLog,
  sessionFilter,
  subjectFor,
  UnavailableError,
} from "../../events/index.ts";
import { type ActorHost, type HostExit, type SnapshotStore, startActorHost } from "./actor-host.ts";
import type { ActorSpec } from "./machine-driver.ts";
import { retryUnavailable } from "./retry-unavailable.ts";

export interface SessionProgress {
  readonly bars: number;
  readonly events: number;
}

export interface LogSessionOptions {
  readonly log: EventLog;
  readonly sessionId: string;
  /** Every actor of the session, each run in its own host. */
  readonly specs: readonly ActorSpec[];
  /** Market inputs: a file's or a seeded market's drafts, or a live feed (async). */
  readonly feed: Iterable<AnyEventDraft> | AsyncIterable<AnyEventDraft>;
  readonly snapshots: SnapshotStore;
  readonly recordedAt: () => string;
  readonly onProgress?: (p: SessionProgress) => void;
  /** Give up waiting for the pipeline after this long without any new event (wall clock; default 30 s). */
  readonly stallTimeoutMs?: number;
  /** Aborting stops the feed and the hosts (they checkpoint): the session can be resumed later. */
  readonly signal?: AbortSignal;
}

export interface LogSessionResult {
  readonly events: AnyEvent[];
  readonly exits: readonly { writer: string; exit: HostExit }[];
}

/** Appends a session's opening on `control`: SessionCreated, then the runner's start command. Idempotent. */
export async function openSessionOnLog(
  log: EventLog,
  sessionId: string,
  created: AnyEventDraft & { type: "SessionCreated" },
  recordedAt: string,
): Promise<void> {
  const root = log.root;
  const ctx = { root, sessionId, writer: "control" as const, recordedAt };
  const start: AnyEventDraft = {
    type: "CommandIssued",
    at: created.at,
    data: { commandId: `${sessionId}-start`, command: "start", issuedBy: "runner" },
  };
  await log.append(subjectFor(root, sessionId, "control"), [
    createEvent(ctx, created, null, "created"),
    createEvent(ctx, start, null, "start"),
  ]);
}

/**
 * Runs an opened session over an event log with every actor in its own host, the way a paper session runs over
 * JetStream. The feed is paced: it appends bar t+1 only once the pipeline has valued the portfolio at bar t (exec's
 * PortfolioValued), so every actor sees its inputs in the order the in-process scheduler gives them, and both make the
 * same decisions. (A live session is paced by the market itself: bars are minutes apart, a bar's work takes ms.)
 * Resumable: feed drafts already on the log (same deterministic ids) are skipped, hosts restore their checkpoints.
 */
export async function runSessionOnLog(options: LogSessionOptions): Promise<LogSessionResult> {
  const { log, sessionId } = options;
  const root = log.root;
  const seen = new Set<string>();
  const waiters = new Map<string, () => void>();
  const pipeline = createPipelineTracker();
  let events = 0;
  let lastProgress = Date.now();
  const observer = log.subscribe(sessionFilter(root, sessionId));
  const notify = (key: string) => {
    seen.add(key);
    waiters.get(key)?.();
    waiters.delete(key);
  };
  const observing = (async () => {
    for await (const e of observer) {
      events++;
      lastProgress = Date.now();
      const key = progressKey(e);
      if (key !== null) notify(key);
      for (const bar of pipeline.add(e)) notify(`settled:${bar}`);
    }
  })();
  const stall = options.stallTimeoutMs ?? 30_000;
  const waitFor = (key: string) =>
    new Promise<void>((resolve, reject) => {
      if (seen.has(key)) return resolve();
      const timer = setInterval(() => {
        if (options.signal?.aborted) {
          clearInterval(timer);
          waiters.delete(key);
          reject(new UnavailableError(`session ${sessionId}: aborted while waiting for ${key}`));
        } else if (Date.now() - lastProgress > stall) {
          clearInterval(timer);
          waiters.delete(key);
          reject(
            new UnavailableError(
              `session ${sessionId}: no progress for ${stall} ms while waiting for ${key}${exitedHosts()}`,
            ),
          );
        }
      }, 250);
      waiters.set(key, () => {
        clearInterval(timer);
        resolve();
      });
    });

  const hosts: ActorHost[] = [];
  // Hosts that ended before the session did, and why: what a stalled pipeline's error must name.
  const exited = new Map<string, string>();
  const exitedHosts = () =>
    exited.size === 0
      ? "; every host still running"
      : `; hosts ended: ${[...exited].map(([w, why]) => `${w} (${why})`).join(", ")}`;
  try {
    for (const spec of options.specs) {
      const host = await startActorHost({
        log,
        spec,
        sessionId,
        snapshots: options.snapshots,
        recordedAt: options.recordedAt,
      });
      void host.done.then((x) =>
        exited.set(host.writer, "error" in x ? `${x.reason}: ${(x.error as Error)?.message}` : x.reason),
      );
      hosts.push(host);
    }
    await waitFor("SessionStarted");
    const feedSubject = subjectFor(root, sessionId, "feed");
    // On resume, the feed already on the log is the first `resumed.count` drafts (one append each, in order, fenced): skip
    // them rather than re-append, which only the server's duplicate window would forgive.
    const resumed = await storedFeed(log, feedSubject);
    let last = await log.lastSeq(feedSubject);
    let ordinal = 0;
    let bars = 0;
    for await (const draft of options.feed) {
      if (options.signal?.aborted) throw new UnavailableError(`session ${sessionId}: aborted`);
      const e = createEvent(
        { root, sessionId, writer: "feed", recordedAt: options.recordedAt() },
        draft,
        null,
        ordinal++,
      );
      if (ordinal === resumed.count && e.id !== resumed.lastId) {
        throw new ConcurrencyError(
          `session ${sessionId}: the feed on the log is not this session's feed (event ${ordinal} differs)`,
        );
      }
      if (ordinal > resumed.count) {
        // An unreachable log (NATS restarting) is waited out, as long as a stalled pipeline would be.
        const expectedLastSeq = last;
        const r = await retryUnavailable(() => log.append(feedSubject, [e], { expectedLastSeq }), {
          stopped: () => options.signal?.aborted === true,
          giveUpAfterMs: stall,
        });
        last = Math.max(last, ...r.seqs);
      }
      if (draft.type === "CandleClosed") {
        bars++;
        await waitFor(`settled:${draft.data.closeTime}`);
        options.onProgress?.({ bars, events });
      } else if (draft.type === "MarketDataEnded") {
        await waitFor("SessionStopped");
      }
    }
    // A feed that ends because it was aborted (a live feed stops polling) has not ended the session: the hosts would
    // wait for its end forever.
    if (options.signal?.aborted) throw new UnavailableError(`session ${sessionId}: aborted`);
    const exits = await Promise.all(hosts.map(async (h) => ({ writer: h.writer, exit: await h.done })));
    const all: AnyEvent[] = [];
    for await (const e of log.read(sessionFilter(root, sessionId))) all.push(e);
    return { events: all, exits };
  } finally {
    await Promise.all(hosts.map((h) => h.stop().catch(() => undefined)));
    await observer.close();
    await observing.catch(() => undefined);
  }
}

/** How many feed events the log holds, and the last one's id. */
async function storedFeed(log: EventLog, subject: string) {
  let count = 0;
  let lastId = "";
  for await (const e of log.read(subject)) {
    count++;
    lastId = e.id;
  }
  return { count, lastId };
}

function progressKey(e: AnyEvent): string | null {
  return e.type === "SessionStarted" || e.type === "SessionStopped" ? e.type : null;
}

/**
 * Knows when the pipeline has finished with a bar, from the events alone: the portfolio valued at its close, its
 * decision made, and — when the decision acted — the risk verdict given and, when approved, the order submitted.
 * Only then may the next bar go in, so every actor sees what the in-process scheduler would have shown it.
 */
function createPipelineTracker() {
  const valued = new Set<string>();
  const decisions = new Map<string, { id: string; acts: boolean }>();
  const verdicts = new Map<string, boolean>();
  const ordered = new Set<string>();
  const barOfDecision = new Map<string, string>();
  const done = new Set<string>();
  const check = (bar: string | undefined): string[] => {
    if (bar === undefined || done.has(bar) || !valued.has(bar)) return [];
    const d = decisions.get(bar);
    if (d === undefined) return [];
    if (d.acts) {
      const approved = verdicts.get(d.id);
      if (approved === undefined || (approved && !ordered.has(d.id))) return [];
    }
    done.add(bar);
    return [bar];
  };
  return {
    add(e: AnyEvent): string[] {
      switch (e.type) {
        case "PortfolioValued":
          valued.add(e.data.bar);
          return check(e.data.bar);
        case "DecisionMade":
          decisions.set(e.data.bar, { id: e.id, acts: e.data.action !== "HOLD" });
          barOfDecision.set(e.id, e.data.bar);
          return check(e.data.bar);
        case "RiskApproved":
        case "RiskRejected":
          verdicts.set(e.data.decisionId, e.type === "RiskApproved");
          return check(barOfDecision.get(e.data.decisionId));
        case "OrderSubmitted":
          if (e.data.decisionId === undefined) return [];
          ordered.add(e.data.decisionId);
          return check(barOfDecision.get(e.data.decisionId));
        default:
          return [];
      }
    },
  };
}
