import { parentPort } from "node:worker_threads";

/**
 * The thread side of a ThreadPool: answers each task with `handle`'s result, or its error's message, with the stable
 * code and details of a CryptoFunkError (the class does not cross the thread boundary; the code does).
 */
export function serveThreadTasks<Task, Result>(handle: (task: Task) => Result | Promise<Result>): void {
  const port = parentPort;
  if (port === null) throw new Error("serveThreadTasks runs in a worker thread");
  port.on("message", async (task: Task) => {
    try {
      port.postMessage({ result: await handle(task) });
    } catch (e) {
      const { message, code, details } = e as { message: string; code?: unknown; details?: unknown };
      port.postMessage({ error: message, code, details });
    }
  });
  port.postMessage({ ready: true });
}
