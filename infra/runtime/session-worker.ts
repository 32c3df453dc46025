import {
  type ActorSpec,
  runSessionOnLog,
  type SessionProgress,
  type SnapshotStore,
} from "../../actors/index.ts";
import { type AnyEventDraft, type EventEnvelope, type EventLog, subjectFor } from "../../events/index.ts";
import type { Logger } from "../logging/create-logger.ts";
import type { SessionLease, SessionLeases } from "./session-lease.ts";

/** How a worker turns a recorded SessionCreated into the actors and the feed of that session. */
export type SessionPlanner = (created: EventEnvelope<"SessionCreated">) => Promise<{
  readonly specs: readonly ActorSpec[];
  readonly feed: Iterable<AnyEventDraft> | AsyncIterable<AnyEventDraft>;
}>;

export interface SessionWorkerOptions {
  readonly workerId: string;
  readonly log: EventLog;
  readonly leases: SessionLeases;
  readonly snapshots: SnapshotStore;
  readonly plan: SessionPlanner;
  readonly logger: Logger;
  readonly recordedAt: () => string;
  /** How often leases are renewed and lapsed sessions looked for (default 5 s; the lease TTL must be longer). */
  readonly renewEveryMs?: number;
  /** Sessions this worker runs at once (default unlimited); the rest are left for other workers. */
  readonly maxSessions?: number;
  /**
   * A busy worker waits this long per session it already runs before claiming another (default 250 ms), so an idle
   * worker that saw the same SessionCreated wins the lease: sessions spread over workers instead of piling on one.
   */
  readonly busyClaimDelayMs?: number;
  readonly onProgress?: (sessionId: string, p: SessionProgress) => void;
}

export interface SessionWorker {
  /** Sessions this worker runs now. */
  running(): string[];
  /** Sessions this worker finished. */
  finished(): string[];
  stop(): Promise<void>;
}

/**
 * A worker: follows every session's `control` subject for SessionCreated, claims unfinished sessions through the
 * lease bucket (one worker per session), runs each claimed session's actors in hosts with its paced feed, renews its
 * leases, and picks up sessions whose lease lapsed (a dead worker's) — resuming them from their checkpoints.
 */
export async function startSessionWorker(options: SessionWorkerOptions): Promise<SessionWorker> {
  const { log, leases, logger } = options;
  const known = new Map<string, EventEnvelope<"SessionCreated">>();
  const ended = new Set<string>();
  const running = new Map<string, { lease: SessionLease; done: Promise<void>; abort: AbortController }>();
  const finished: string[] = [];
  const claiming = new Set<string>();
  /** Sessions whose lease another worker held at our last try: left to the renewal tick, not retried in a loop. */
  const heldElsewhere = new Set<string>();
  const capacity = options.maxSessions ?? Number.POSITIVE_INFINITY;
  let stopping = false;

  const tryClaim = async (sessionId: string) => {
    if (stopping || running.has(sessionId) || claiming.has(sessionId) || ended.has(sessionId)) return;
    if (running.size + claiming.size >= capacity) return;
    const created = known.get(sessionId);
    if (created === undefined) return;
    claiming.add(sessionId);
    try {
      // Load counts the sessions being claimed too: four SessionCreated at once must not all be claimed undelayed.
      const wait = (running.size + claiming.size - 1) * (options.busyClaimDelayMs ?? 250);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (stopping) return;
      await claimAndRun(sessionId, created);
    } catch (err) {
      // Reading the log failed (NATS unavailable): the lease was released, the renewal tick tries again.
      logger.warn({ sessionId, err }, "could not claim a session: retrying");
      heldElsewhere.add(sessionId);
    } finally {
      claiming.delete(sessionId);
    }
    // Not run (held elsewhere, already stopped): the slot is free again, a queued session need not wait a tick.
    if (!running.has(sessionId)) claimWaiting();
  };

  const claimAndRun = async (sessionId: string, created: EventEnvelope<"SessionCreated">) => {
    const lease = await leases.claim(sessionId);
    if (lease === null) {
      heldElsewhere.add(sessionId);
      return;
    }
    // A worker that just started may see a session's SessionCreated before its SessionStopped: never rerun one.
    const stoppedAlready = await hasStopped(log, sessionId).catch(async (err) => {
      await lease.release();
      throw err;
    });
    if (stoppedAlready) {
      ended.add(sessionId);
      await lease.release();
      return;
    }
    logger.info({ sessionId, worker: options.workerId }, "claimed session");
    let plan: Awaited<ReturnType<SessionPlanner>>;
    try {
      plan = await options.plan(created);
    } catch (error) {
      logger.error({ sessionId, err: error }, "cannot plan the session: leaving it");
      ended.add(sessionId);
      await lease.release();
      return;
    }
    const { specs, feed } = plan;
    const abort = new AbortController();
    const done = runSessionOnLog({
      signal: abort.signal,
      log,
      sessionId,
      specs,
      feed,
      snapshots: options.snapshots,
      recordedAt: options.recordedAt,
      onProgress: (p) => options.onProgress?.(sessionId, p),
    })
      .then((r) => {
        const fenced = r.exits.filter((x) => x.exit.reason === "fenced");
        if (fenced.length > 0)
          logger.warn({ sessionId, fenced: fenced.map((f) => f.writer) }, "hosts fenced");
        ended.add(sessionId);
        finished.push(sessionId);
        logger.info({ sessionId, events: r.events.length }, "session finished");
      })
      .catch((error) => logger.error({ sessionId, err: error }, "session failed"))
      .finally(async () => {
        running.delete(sessionId);
        await lease.release();
        claimWaiting();
      });
    running.set(sessionId, { lease, done, abort });
  };

  /** Tries every known session not held elsewhere: when a slot frees, not only on the renewal tick. */
  const claimWaiting = () => {
    for (const sessionId of known.keys()) if (!heldElsewhere.has(sessionId)) void tryClaim(sessionId);
  };

  const controls = log.subscribe(`${log.root}.*.control`);
  const sessions = log.subscribe(`${log.root}.*.session`);
  const following = (async () => {
    for await (const e of controls) {
      if (e.type !== "SessionCreated" || e.data.mode === "backtest") continue;
      known.set(e.sessionId, e as EventEnvelope<"SessionCreated">);
      void tryClaim(e.sessionId);
    }
  })();
  const watchingEnds = (async () => {
    for await (const e of sessions) if (e.type === "SessionStopped") ended.add(e.sessionId);
  })();

  const timer = setInterval(() => {
    for (const [sessionId, r] of running) {
      void r.lease.renew().then(
        (ok) => {
          if (!ok)
            logger.error({ sessionId }, "lost the lease of a running session: its hosts will be fenced");
        },
        (err) => logger.warn({ sessionId, err }, "could not renew a lease (NATS unavailable): retrying"),
      );
    }
    heldElsewhere.clear(); // a lapsed lease (a dead worker's) is claimable again
    claimWaiting();
  }, options.renewEveryMs ?? 5000);

  return {
    running: () => [...running.keys()],
    finished: () => [...finished],
    async stop() {
      stopping = true;
      clearInterval(timer);
      await controls.close();
      await sessions.close();
      await Promise.allSettled([following, watchingEnds]);
      // Hand the sessions back: hosts checkpoint and stop, leases are released, another worker resumes them.
      for (const r of running.values()) r.abort.abort();
      await Promise.allSettled([...running.values()].map((r) => r.done));
    },
  };
}

async function hasStopped(log: EventLog, sessionId: string): Promise<boolean> {
  for await (const e of log.read(subjectFor(log.root, sessionId, "session"))) {
    if (e.type === "SessionStopped") return true;
  }
  return false;
}
