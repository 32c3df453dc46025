import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  freePort,
  type PrivateProcess,
  startPrivateProcess,
  stopPid,
  waitForPort,
} from "../testing/private-server.ts";

const natsServer = "/usr/sbin/nats-server";

/** A nats-server of the test's own (free port, own JetStream store), which the test may stop and start again. */
export interface PrivateNatsServer {
  readonly url: string;
  readonly port: number;
  /** The running process's pid (null while stopped). */
  readonly pid: number | null;
  /** Stops the server by pid with `signal` (SIGTERM: a clean shutdown; SIGKILL: a crash). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and store; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and removes its store and log. */
  dispose(): Promise<void>;
}

/** Starts a private nats-server with JetStream on 127.0.0.1 (see infra/testing/private-server.ts). */
export async function startPrivateNatsServer(name: string): Promise<PrivateNatsServer> {
  const dir = mkdtempSync(join(tmpdir(), `cf-${name}-`));
  const port = await freePort();
  const logFile = join(dir, "nats-server.log");
  const args = ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", join(dir, "store"), "-l", logFile];
  let proc: PrivateProcess | null = null;
  const start = async () => {
    proc = startPrivateProcess(natsServer, args);
    await waitForPort(port, 10_000, `private nats-server (${name})`, logFile);
  };
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    const p = proc;
    proc = null;
    if (p === null) return;
    await stopPid(p.pid, undefined, signal);
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    get pid() {
      return (proc as PrivateProcess | null)?.pid ?? null;
    },
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
