import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

/**
 * Starts a worker thread on the module `entry` (named without extension) beside `callerUrl` (the caller's
 * import.meta.url), resolving once it posts `{ ready: true }`. Compiled code (dist/, the image) runs the emitted
 * `.js`; a checkout runs the TypeScript source through tsx's loader, registered in the thread as bin/run-ts.js does.
 */
export async function startWorkerThread(
  callerUrl: string,
  entry: string,
  workerData: unknown,
): Promise<Worker> {
  const compiled = callerUrl.endsWith(".js");
  const entryUrl = new URL(`./${entry}.${compiled ? "js" : "ts"}`, callerUrl);
  const worker = compiled
    ? new Worker(entryUrl, { workerData })
    : new Worker(bootThroughTsx(entryUrl.href), { eval: true, workerData });
  return new Promise<Worker>((resolve, reject) => {
    const onMessage = (m: { ready?: boolean }) => {
      if (m.ready !== true) return;
      worker.off("message", onMessage);
      worker.off("error", reject);
      resolve(worker);
    };
    worker.on("message", onMessage);
    worker.once("error", reject);
  });
}

function bootThroughTsx(entryHref: string): string {
  // The ESM build of tsx's API (a CommonJS resolve finds index.cjs beside it).
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entryHref)}); });`;
}
