// A worker thread of the session launcher: plans and runs backtests in process, off the gateway's event loop, and
// answers each with the session's events for recording.
import { runInProcessSession } from "../../actors/index.ts";
import { type AnyEvent, createEmbeddedEventLog, type EventEnvelope } from "../../events/index.ts";
import { serveThreadTasks } from "../threads/serve-thread-tasks.ts";
import { planSession } from "./session-planner.ts";

/** What a backtest thread runs: the session as created, and the root of the log its events will be recorded in. */
export interface BacktestJob {
  readonly created: EventEnvelope<"SessionCreated">;
  readonly root: string;
}

/** Runs one backtest to its end and returns its events. */
async function runBacktestJob(job: BacktestJob): Promise<AnyEvent[]> {
  const plan = await planSession(job.created);
  const run = runInProcessSession(plan.setup, plan.feed, {
    // The events are copied as they are: their subjects must be under the target log's root (not the default cf).
    log: createEmbeddedEventLog({ root: job.root }),
    recordedAt: () => new Date().toISOString(),
    source: job.created.data.source,
    ...(job.created.data.label === undefined ? {} : { label: job.created.data.label }),
  });
  return [...run.events];
}

serveThreadTasks(runBacktestJob);
