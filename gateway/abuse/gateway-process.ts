import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, stopPid } from "../../infra/testing/private-server.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** `postgres://…/db` with the connections' search_path set to `schema` (pg passes `options` to the server). */
export function urlWithSchema(url: string, schema: string): string {
  const separator = url.includes("?") ? "&" : "?";
  return `${url}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

export interface GatewayProcessOptions {
  /** Environment of the child on top of this process's (DATABASE_URL, NATS_URL, CRYPTOFUNK_STREAM, limits…). */
  readonly env: Readonly<Record<string, string>>;
  /** Flags after `cryptofunk gateway` (e.g. `--namespace`, `--project`, `--run-sessions`). */
  readonly args?: readonly string[];
  /** How long to wait for /healthz (default 90 s: tsx compiles the sources on a cold start, slow on a busy machine). */
  readonly startTimeoutMs?: number;
}

/** A `cryptofunk gateway` process of the test's own: its address, its pid, and everything it printed. */
export interface GatewayProcess {
  readonly url: string;
  readonly pid: number;
  /** stdout and stderr as written so far (pino logs on stderr). */
  output(): string;
  alive(): boolean;
  /** Resident set size of the process now, in bytes (Linux /proc). */
  rssBytes(): number;
  /** SIGTERM (SIGKILL after 10 s) by pid, then waits for the exit; returns the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `node bin/cryptofunk.js gateway --port <free> --host 127.0.0.1 …` and resolves once /healthz answers 200.
 * The UI directory (CRYPTOFUNK_UI_DIR) is a small fake build of the test's own unless `env` names one, so the static
 * routes serve files rather than answering "not built".
 */
export async function startGatewayProcess(options: GatewayProcessOptions): Promise<GatewayProcess> {
  const port = await freePort();
  const base = mkdtempSync(join(tmpdir(), "cf-abuse-"));
  const uiDir = options.env.CRYPTOFUNK_UI_DIR ?? makeFakeUi(base);
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(repoRoot, "bin/cryptofunk.js"),
      "gateway",
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
      ...(options.args ?? []),
    ],
    {
      cwd: repoRoot,
      // A home of its own: nothing (an embedded log after a failed NATS connection…) lands in the checkout.
      env: { ...process.env, CRYPTOFUNK_HOME: join(base, "home"), CRYPTOFUNK_UI_DIR: uiDir, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  if (child.pid === undefined) throw new Error("cannot start bin/cryptofunk.js gateway");
  const pid = child.pid;
  // A test that dies or times out before its afterAll must not leave the gateway running.
  const orphanGuard = () => child.kill("SIGKILL");
  process.once("exit", orphanGuard);
  const chunks: string[] = [];
  child.stdout?.on("data", (b: Buffer) => chunks.push(b.toString("utf8")));
  child.stderr?.on("data", (b: Buffer) => chunks.push(b.toString("utf8")));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const output = () => chunks.join("");
  const cleanUp = () => {
    process.off("exit", orphanGuard);
    rmSync(base, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  for (;;) {
    if (exitCode !== undefined) {
      cleanUp();
      throw new Error(`the gateway process exited (${exitCode}) before serving:\n${output().slice(-3000)}`);
    }
    const healthy = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })
      .then((r) => r.status === 200)
      .catch(() => false);
    if (healthy) break;
    if (Date.now() > deadline) {
      await stopPid(
        pid,
        exited.then(() => undefined),
      );
      cleanUp();
      throw new Error(`the gateway process did not answer /healthz at ${url}:\n${output().slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid,
    output,
    alive: () => exitCode === undefined,
    rssBytes: () => {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
      if (kb === undefined) throw new Error(`no VmRSS for pid ${pid}`);
      return Number(kb) * 1024;
    },
    stop: async () => {
      if (exitCode === undefined)
        await stopPid(
          pid,
          exited.then(() => undefined),
        );
      const code = await exited;
      cleanUp();
      return code;
    },
  };
}

/** A stand-in for web/dist: an index page and a hashed asset, with a file beside the root that must stay unreachable. */
function makeFakeUi(base: string): string {
  const root = join(base, "dist");
  mkdirSync(join(root, "assets"), { recursive: true });
  writeFileSync(join(root, "index.html"), `<!doctype html><title>CryptoFunk</title><p>${fakeUiMarker}</p>`);
  writeFileSync(join(root, "assets", "app-3f2a1b.js"), "console.log('ui')");
  writeFileSync(join(base, "outside-the-root.txt"), outsideMarker);
  return root;
}

/** In the fake build's index.html: the process serves the test's UI directory, not the checkout's web/dist. */
export const fakeUiMarker = "abuse-fake-ui-41c7";

/** For a test's beforeAll starting gateway processes: their start-up (90 s at most each) plus seeding. */
export const startupTimeoutMs = 150_000;

/** Content of a file next to (not inside) the fake UI root: no response may ever contain it. */
export const outsideMarker = "OUTSIDE-THE-UI-ROOT-3b9d";
