import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { CryptoFunkError } from "../../events/index.ts";
import type { Evaluation, EvaluationTask } from "./evaluate-candidate.ts";

export interface EvaluationPool {
  /** Evaluates every task; `onResult` sees each as it completes (any order). */
  run(tasks: readonly EvaluationTask[], onResult: (r: Evaluation) => void): Promise<void>;
  close(): Promise<void>;
}

/**
 * `size` worker threads running optimize-worker.ts. Workers load TypeScript the way bin/run-ts.js does: tsx's
 * register() first, then the entry.
 */
export async function createEvaluationPool(
  size: number,
  workerData: Record<string, unknown>,
): Promise<EvaluationPool> {
  // The ESM build of tsx's API (a CommonJS resolve finds index.cjs beside it).
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  const entry = new URL("./optimize-worker.ts", import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  const workers = await Promise.all(
    Array.from(
      { length: Math.max(1, size) },
      () =>
        new Promise<Worker>((resolve, reject) => {
          const w = new Worker(boot, { eval: true, workerData });
          const onMessage = (m: { ready?: boolean }) => {
            if (m.ready === true) {
              w.off("message", onMessage);
              resolve(w);
            }
          };
          w.on("message", onMessage);
          w.once("error", reject);
        }),
    ),
  );
  return {
    async run(tasks, onResult) {
      let next = 0;
      let failure: Error | null = null;
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              const send = () => {
                if (next >= tasks.length || failure !== null) {
                  w.off("message", onMessage);
                  resolve();
                  return;
                }
                const id = next++;
                w.postMessage({ ...tasks[id], id });
              };
              const onMessage = (m: { result?: Evaluation; error?: string }) => {
                if (m.error !== undefined) {
                  failure = new CryptoFunkError("INTERNAL", `optimize worker: ${m.error}`);
                  w.off("message", onMessage);
                  reject(failure);
                  return;
                }
                if (m.result !== undefined) onResult(m.result);
                send();
              };
              w.on("message", onMessage);
              w.once("error", reject);
              send();
            }),
        ),
      );
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
