// A worker thread of the gateway's runtime: runs backtests and what-if replays in process, off the gateway's event
// loop, and answers with the events to record (the recording itself stays on the main thread, which holds the log).
import { runInProcessSession } from "../../actors/index.ts";
import { createEmbeddedEventLog } from "../../events/index.ts";
import { replayWhatIf } from "../replay/replay-recorded.ts";
import { serveThreadTasks } from "../threads/serve-thread-tasks.ts";
import { planSession } from "./session-planner.ts";
import type { SessionThreadTask, WhatIfRun } from "./session-threads.ts";

serveThreadTasks(async (task: SessionThreadTask) => {
  if (task.kind === "backtest") {
    const plan = await planSession(task.created);
    const run = runInProcessSession(plan.setup, plan.feed, {
      // The events are copied as they are: their subjects must be under the target log's root (not the default cf).
      log: createEmbeddedEventLog({ root: task.root }),
      recordedAt: () => new Date().toISOString(),
      source: task.created.data.source,
      ...(task.created.data.label === undefined ? {} : { label: task.created.data.label }),
    });
    return run.events;
  }
  const r = replayWhatIf(task.parent, task.strategy, task.root, { label: task.label });
  const answer: WhatIfRun = {
    parentSessionId: r.parentSessionId,
    sessionId: r.sessionId,
    events: r.run.events,
    comparison: r.comparison,
  };
  return answer;
});
