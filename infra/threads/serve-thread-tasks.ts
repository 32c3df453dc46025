import { parentPort } from "node:worker_threads";

/** The thread side of a ThreadPool: answers each task with `handle`'s result, or its error's message. */
export function serveThreadTasks<Task, Result>(handle: (task: Task) => Result | Promise<Result>): void {
  const port = parentPort;
  if (port === null) throw new Error("serveThreadTasks runs in a worker thread");
  port.on("message", async (task: Task) => {
    try {
      port.postMessage({ result: await handle(task) });
    } catch (e) {
      port.postMessage({ error: (e as Error).message });
    }
  });
  port.postMessage({ ready: true });
}
