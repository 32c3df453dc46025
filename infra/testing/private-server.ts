import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";

/** A port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port, or rejects after `timeoutMs`. */
export async function waitForPort(
  port: number,
  timeoutMs: number,
  what: string,
  logFile?: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: "127.0.0.1", port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) {
      const tail = logFile === undefined ? "" : `\n${safeRead(logFile).slice(-2000)}`;
      throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A server process of the test's own, stopped by its pid. */
export interface PrivateProcess {
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts `command` (stdout and stderr discarded; servers log to files) and returns a handle that stops it by pid. */
export function startPrivateProcess(command: string, args: readonly string[]): PrivateProcess {
  const child: ChildProcess = spawn(command, [...args], { stdio: "ignore" });
  if (child.pid === undefined) throw new Error(`cannot start ${command}`);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { pid: child.pid, stop: () => stopPid(child.pid!, exited) };
}

/** Sends SIGTERM to `pid`, then SIGKILL if it is still alive after 10 s. */
export async function stopPid(
  pid: number,
  exited?: Promise<void>,
  signal: NodeJS.Signals = "SIGTERM",
): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, signal);
  const deadline = Date.now() + 10_000;
  while (alive(pid) && Date.now() < deadline) {
    // Without `exited`, race a timer alone: racing `undefined` resolves at once and the loop would spin on
    // microtasks, starving the event loop (Node never reaps the child, so it stays "alive" for the whole 10 s).
    await Promise.race([...(exited === undefined ? [] : [exited]), new Promise((r) => setTimeout(r, 50))]);
  }
  if (alive(pid)) process.kill(pid, "SIGKILL");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
