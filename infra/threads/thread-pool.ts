import type { Worker } from "node:worker_threads";
import { CryptoFunkError, type ErrorCode, errorCodes } from "../../events/index.ts";
import { startWorkerThread } from "./start-worker-thread.ts";

/** Worker threads that run tasks of one kind, started on demand and kept for the next task. */
export interface ThreadPool<Task, Result> {
  /** Runs `task` on the first idle thread (starting one while fewer than `size` run); the rest wait in order. */
  submit(task: Task): Promise<Result>;
  /** Stops every thread; tasks not yet done are rejected. */
  close(): Promise<void>;
}

export interface ThreadPoolOptions {
  /** The caller's import.meta.url: `entry` is a module beside it (see startWorkerThread). */
  readonly callerUrl: string;
  /** The thread's module, named without extension; it serves tasks with serveThreadTasks. */
  readonly entry: string;
  readonly size: number;
  /** Given to every thread once (what all tasks share: loaded data, a base config). */
  readonly workerData?: unknown;
}

interface Pending<Task, Result> {
  readonly task: Task;
  readonly resolve: (r: Result) => void;
  readonly reject: (e: Error) => void;
}

type Reply<Result> =
  | { readonly result: Result }
  | { readonly error: string; readonly code?: unknown; readonly details?: Record<string, unknown> };

/**
 * A pool of `size` threads on `entry`. A thread that dies fails only its own task and is replaced for the next one.
 * Idle threads do not keep the process alive.
 */
export function createThreadPool<Task, Result>(options: ThreadPoolOptions): ThreadPool<Task, Result> {
  const size = Math.max(1, options.size);
  const idle: Worker[] = [];
  const busy = new Map<Worker, Pending<Task, Result>>();
  const waiting: Pending<Task, Result>[] = [];
  let starting = 0;
  let closed = false;

  const fail = (p: Pending<Task, Result>, message: string) =>
    p.reject(new CryptoFunkError("INTERNAL", `${options.entry}: ${message}`));

  const give = (worker: Worker) => {
    const next = waiting.shift();
    if (next === undefined) {
      worker.unref();
      idle.push(worker);
      return;
    }
    worker.ref();
    busy.set(worker, next);
    worker.postMessage(next.task);
  };

  const start = async () => {
    starting++;
    try {
      const worker = await startWorkerThread(options.callerUrl, options.entry, options.workerData);
      if (closed) {
        await worker.terminate();
        return;
      }
      worker.on("message", (reply: Reply<Result>) => {
        const p = busy.get(worker);
        if (p === undefined) return;
        busy.delete(worker);
        if (!("error" in reply)) p.resolve(reply.result);
        // An error with a stable code keeps it (a bad source stays a 400); anything else is the thread's fault.
        else if (errorCodes.includes(reply.code as ErrorCode) && reply.code !== "INTERNAL")
          p.reject(
            new CryptoFunkError(reply.code as ErrorCode, reply.error, { details: reply.details ?? {} }),
          );
        else fail(p, reply.error);
        give(worker);
      });
      let crash = "";
      worker.on("error", (e) => {
        crash = `: ${e.message}`;
      });
      worker.once("exit", (code) => {
        const p = busy.get(worker);
        busy.delete(worker);
        const i = idle.indexOf(worker);
        if (i >= 0) idle.splice(i, 1);
        if (p !== undefined) fail(p, `thread exited (code ${code}) before its result${crash}`);
        if (!closed && waiting.length > 0) void start();
      });
      give(worker);
    } catch (error) {
      // A thread that cannot start fails the task it was started for, not the whole queue.
      const p = waiting.shift();
      if (p !== undefined) fail(p, `cannot start a thread: ${(error as Error).message}`);
    } finally {
      starting--;
    }
  };

  return {
    submit(task) {
      if (closed) return Promise.reject(new CryptoFunkError("UNAVAILABLE", `${options.entry}: pool closed`));
      return new Promise<Result>((resolve, reject) => {
        waiting.push({ task, resolve, reject });
        const worker = idle.shift();
        if (worker !== undefined) give(worker);
        else if (busy.size + idle.length + starting < size) void start();
      });
    },
    async close() {
      closed = true;
      for (const p of waiting.splice(0)) fail(p, "pool closed");
      await Promise.all([...idle.splice(0), ...busy.keys()].map((w) => w.terminate()));
    },
  };
}
