import {
  createMemorySnapshotStore,
  defaultStrategy,
  openSessionOnLog,
  parseStrategy,
  runSessionOnLog,
} from "../../actors/index.ts";
import {
  type AnyEventDraft,
  deterministicId,
  type EventEnvelope,
  type EventLog,
  UnsupportedError,
} from "../../events/index.ts";
import type { LaunchSpec, SessionLauncher } from "../../gateway/index.ts";
import type { Logger } from "../logging/create-logger.ts";
import { recordSession } from "./record-session.ts";
import { planSession } from "./session-planner.ts";
import { createSessionThreads, type SessionThreads } from "./session-threads.ts";

export interface LauncherOptions {
  readonly log: EventLog;
  readonly logger: Logger;
  /**
   * Run paper sessions in this process (a single-node setup: `demo`, a local gateway). Otherwise they are only
   * opened, and workers (`cryptofunk worker`) claim and run them.
   */
  readonly runPaperSessions: boolean;
  /** Live trading is allowed by the deployment (LIVE_TRADING). */
  readonly liveTrading: boolean;
  /** Where backtests run (default: threads of the launcher's own, closed with it). */
  readonly threads?: SessionThreads;
}

/**
 * The runtime behind the gateway's SessionLauncher port: appends SessionCreated and the start command, then runs the
 * session — a backtest in a worker thread (then recorded to the log), a paper session in this process or by a worker.
 */
export function createSessionLauncher(
  options: LauncherOptions,
): SessionLauncher & { idle(): Promise<void>; close(): Promise<void> } {
  const { log, logger } = options;
  // Backtests run in worker threads: a long one must not stall the gateway.
  const threads = options.threads ?? createSessionThreads();
  const running = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    running.add(p);
    void p.finally(() => running.delete(p));
  };
  return {
    async launch(spec: LaunchSpec) {
      if (spec.mode === "live") {
        throw new UnsupportedError(
          options.liveTrading
            ? "live sessions are started with `cryptofunk run --mode live` on a worker with exchange credentials"
            : "live trading is not enabled in this deployment",
        );
      }
      const symbol = spec.symbols[0] as string;
      const strategy = parseStrategy(spec.strategy?.config ?? defaultStrategy);
      const sessionId =
        spec.sessionId ??
        `${spec.mode}-${deterministicId("launch", spec.requestedBy, new Date().toISOString()).slice(0, 8)}`;
      const created: AnyEventDraft & { type: "SessionCreated" } = {
        type: "SessionCreated",
        at: "2024-01-01T00:00:00.000Z",
        data: {
          mode: spec.mode,
          symbols: [symbol],
          timeframe: spec.timeframe,
          initialCash: spec.initialCash,
          quoteCurrency: spec.quoteCurrency,
          strategy: strategy as unknown as Record<string, unknown>,
          strategyVersion:
            spec.strategy === undefined ? "default" : `${spec.strategy.name}@${spec.strategy.version}`,
          source: { kind: spec.source.kind, ref: spec.source.ref },
          ...(spec.label === undefined ? {} : { label: spec.label }),
        },
      };
      const envelope = {
        id: "",
        type: "SessionCreated",
        v: 1,
        sessionId,
        subject: "",
        seq: 0,
        at: created.at,
        recordedAt: created.at,
        correlationId: "",
        causationId: null,
        writer: "control",
        data: created.data,
      } as EventEnvelope<"SessionCreated">;
      if (spec.mode === "backtest") {
        // Planned in the thread too: reading a large candle file must not hold this loop either. A source that cannot
        // be read keeps its error code across the thread, so it is still a 4xx and nothing is written.
        const events = await threads.backtest(envelope, log.root);
        await recordSession(events, log);
        logger.info({ sessionId, events: events.length }, "backtest recorded");
        return { sessionId };
      }
      // Plan first: a source that cannot be read is a 4xx now, not a session that dies later.
      const plan = await planSession(envelope);
      await openSessionOnLog(log, sessionId, created, new Date().toISOString());
      if (options.runPaperSessions) {
        track(
          runSessionOnLog({
            log,
            sessionId,
            specs: plan.specs,
            feed: plan.feed,
            snapshots: createMemorySnapshotStore(),
            recordedAt: () => new Date().toISOString(),
          }).then(
            (r) => logger.info({ sessionId, events: r.events.length }, "paper session finished"),
            (err) => logger.error({ sessionId, err }, "paper session failed"),
          ),
        );
      }
      return { sessionId };
    },
    async idle() {
      await Promise.allSettled([...running]);
    },
    /** Waits for the paper sessions run here, then stops the backtest threads (its own, not given ones). */
    async close() {
      await Promise.allSettled([...running]);
      if (options.threads === undefined) await threads.close();
    },
  };
}
