import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { stopPid } from "../testing/private-server.ts";

const root = resolve(import.meta.dirname, "../..");

/** One pino line a `cryptofunk` process wrote on stderr (or a non-JSON line, counted as an error). */
export interface CliLogLine {
  readonly msg: string;
  readonly level: number;
  /** When the test process read it (ms since the epoch). */
  readonly seenAt: number;
  readonly [field: string]: unknown;
}

/** A `cryptofunk <command>` child process and the JSON log lines it wrote. */
export interface CliProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly lines: CliLogLine[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The lines whose message is `msg`. */
  said(msg: string): CliLogLine[];
  /** Warnings and worse (pino level ≥ 40). */
  trouble(): CliLogLine[];
  /** The last lines, for a failure message. */
  tail(n?: number): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves when it has exited. */
  stop(): Promise<void>;
}

/** Starts `node bin/cryptofunk.js ...args` with `env` added to this process's environment. */
export function startCli(name: string, args: readonly string[], env: NodeJS.ProcessEnv): CliProcess {
  const child = spawn(process.execPath, [resolve(root, "bin/cryptofunk.js"), ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`cannot start cryptofunk ${args.join(" ")}`);
  const lines: CliLogLine[] = [];
  let partial = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    const parts = (partial + chunk.toString("utf8")).split("\n");
    partial = parts.pop() ?? "";
    for (const p of parts) {
      if (p.trim() === "") continue;
      try {
        lines.push({ ...(JSON.parse(p) as { msg: string; level: number }), seenAt: Date.now() });
      } catch {
        lines.push({ msg: p, level: 60, seenAt: Date.now() }); // a crash trace, not a log line
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once("exit", (code, signal) => r({ code, signal })),
  );
  const pid = child.pid;
  return {
    name,
    child,
    lines,
    exited,
    said: (msg) => lines.filter((l) => l.msg === msg),
    trouble: () => lines.filter((l) => l.level >= 40),
    tail: (n = 30) =>
      `${name}:\n${lines
        .slice(-n)
        .map((l) => JSON.stringify(l))
        .join("\n")}`,
    stop: async () => {
      await stopPid(
        pid,
        exited.then(() => undefined),
      );
      await exited;
    },
  };
}

/** Polls `ok` every `everyMs` until it holds; throws naming `what` (and `context()`) after `ms`. */
export async function waitUntil(
  what: string,
  ok: () => boolean | Promise<boolean>,
  ms: number,
  context: () => string = () => "",
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Sleeps until the wall clock reaches `deadline` (a timer alone may fire a millisecond early by Date.now()). */
export async function sleepUntil(deadline: number): Promise<void> {
  while (Date.now() < deadline) await new Promise((r) => setTimeout(r, deadline - Date.now() + 1));
}
