import { createThreadPool } from "../threads/thread-pool.ts";
import type { Evaluation, EvaluationTask } from "./evaluate-candidate.ts";

export interface EvaluationPool {
  /** Evaluates every task; `onResult` sees each as it completes (any order). */
  run(tasks: readonly EvaluationTask[], onResult: (r: Evaluation) => void): Promise<void>;
  close(): Promise<void>;
}

/** `size` worker threads running optimize-worker, each loading the candles once (`workerData`). */
export async function createEvaluationPool(
  size: number,
  workerData: Record<string, unknown>,
): Promise<EvaluationPool> {
  const pool = createThreadPool<EvaluationTask, Evaluation>({
    callerUrl: import.meta.url,
    entry: "optimize-worker",
    size,
    workerData,
  });
  return {
    async run(tasks, onResult) {
      await Promise.all(tasks.map((t) => pool.submit(t).then(onResult)));
    },
    close: () => pool.close(),
  };
}
