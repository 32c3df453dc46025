// A worker thread of `cryptofunk optimize`: loads the candles once, then evaluates the tasks the pool sends.
import { workerData } from "node:worker_threads";
import { parseStrategy } from "../../actors/index.ts";
import { loadCandleFile } from "../loaders/candle-file-loader.ts";
import { serveThreadTasks } from "../threads/serve-thread-tasks.ts";
import { type EvaluationContext, type EvaluationTask, evaluateCandidate } from "./evaluate-candidate.ts";

const data = workerData as Omit<EvaluationContext, "candles" | "baseStrategy"> & {
  readonly dataPath: string;
  readonly baseStrategy: unknown;
};
const loaded = await loadCandleFile(data.dataPath);
const ctx: EvaluationContext = {
  ...data,
  candles: loaded.candles,
  baseStrategy: parseStrategy(data.baseStrategy),
};
serveThreadTasks((task: EvaluationTask) => evaluateCandidate(ctx, task));
