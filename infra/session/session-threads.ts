import { availableParallelism } from "node:os";
import { BulkheadRejectedError, bulkhead } from "cockatiel";
import type { SessionComparison, StrategyConfig } from "../../actors/index.ts";
import { type AnyEvent, CryptoFunkError, type EventEnvelope } from "../../events/index.ts";
import { createThreadPool } from "../threads/thread-pool.ts";

/** What a session thread runs (session-thread.ts). */
export type SessionThreadTask =
  | { readonly kind: "backtest"; readonly created: EventEnvelope<"SessionCreated">; readonly root: string }
  | {
      readonly kind: "what-if";
      readonly parent: readonly AnyEvent[];
      readonly strategy: StrategyConfig;
      readonly label: string;
      readonly root: string;
    };

/** A what-if replayed in a thread: the child's events (to record) and its comparison with the parent. */
export interface WhatIfRun {
  readonly parentSessionId: string;
  readonly sessionId: string;
  readonly events: readonly AnyEvent[];
  readonly comparison: SessionComparison;
}

/**
 * Where the gateway's runtime runs whole sessions in process: worker threads, so that a long backtest or what-if
 * does not stall the gateway's event loop (probes, SSE, every other request).
 */
export interface SessionThreads {
  /** Plans and runs a backtest to its end; its events, under `root`, to be recorded. */
  backtest(created: EventEnvelope<"SessionCreated">, root: string): Promise<AnyEvent[]>;
  /** Replays a recorded session with another strategy into its child session. */
  whatIf(task: Omit<Extract<SessionThreadTask, { kind: "what-if" }>, "kind">): Promise<WhatIfRun>;
  close(): Promise<void>;
}

export interface SessionThreadsOptions {
  /** Sessions run at once, each in a thread (default: the cores less one, at least one). */
  readonly size?: number;
  /** Sessions that may wait for a thread (default 20); one more is refused with RATE_LIMITED (429). */
  readonly queue?: number;
}

/** Session threads, started on demand and kept; a cockatiel bulkhead bounds what runs and waits. */
export function createSessionThreads(options: SessionThreadsOptions = {}): SessionThreads {
  const size = options.size ?? Math.max(1, availableParallelism() - 1);
  const queue = options.queue ?? 20;
  const limit = bulkhead(size, queue);
  const pool = createThreadPool<SessionThreadTask, unknown>({
    callerUrl: import.meta.url,
    entry: "session-thread",
    size,
  });
  const run = <R>(task: SessionThreadTask): Promise<R> =>
    limit
      .execute(() => pool.submit(task) as Promise<R>)
      .catch((error: unknown) => {
        if (error instanceof BulkheadRejectedError)
          throw new CryptoFunkError(
            "RATE_LIMITED",
            `${size} sessions are running and ${queue} waiting for a thread: try again when they are done`,
          );
        throw error;
      });
  return {
    backtest: (created, root) => run<AnyEvent[]>({ kind: "backtest", created, root }),
    whatIf: (task) => run<WhatIfRun>({ kind: "what-if", ...task }),
    close: () => pool.close(),
  };
}
