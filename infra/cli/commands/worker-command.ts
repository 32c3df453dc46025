import { hostname } from "node:os";
import type { Command } from "commander";
import { createJetStreamEventLog, ValidationError } from "../../../events/index.ts";
import { connectNats } from "../../connections/nats-connection.ts";
import { natsOptions } from "../../connections/nats-options.ts";
import { startHealthServer } from "../../runtime/health-server.ts";
import { createKvSnapshotStore } from "../../runtime/kv-snapshot-store.ts";
import { createSessionLeases } from "../../runtime/session-lease.ts";
import { startSessionWorker } from "../../runtime/session-worker.ts";
import { planSession } from "../../session/session-planner.ts";
import { cliContext } from "../cli-context.ts";

/** `cryptofunk worker`: runs the actors of paper sessions; many workers share the sessions, none runs one twice. */
export function registerWorkerCommand(program: Command): void {
  program
    .command("worker")
    .description("run sessions' actors over JetStream (workers share the sessions through leases)")
    .option("--id <id>", "worker id (default host-pid)")
    .option("--health-port <n>", "port of /healthz and /readyz (0 = none)", "8081")
    .option("--lease-ms <ms>", "session lease time-to-live", "30000")
    .option("--max-sessions <n>", "sessions run at once; the rest are left to other workers", "8")
    .action(async (opts, cmd: Command) => {
      const { config, logger } = cliContext(cmd);
      const workerId = opts.id ?? `${hostname()}-${process.pid}`;
      const maxSessions = Number(opts.maxSessions);
      if (!Number.isInteger(maxSessions) || maxSessions < 1) {
        throw new ValidationError("--max-sessions takes a positive whole number", [
          { path: "--max-sessions", message: "invalid" },
        ]);
      }
      const nc = await connectNats(natsOptions(config, `cryptofunk-worker-${workerId}`));
      const log = await createJetStreamEventLog({
        nc,
        stream: config.nats.stream,
        root: config.nats.root,
        replicas: config.nats.replicas,
      });
      const leaseMs = Number(opts.leaseMs);
      const worker = await startSessionWorker({
        workerId,
        log,
        leases: await createSessionLeases(nc, `${config.nats.stream}_leases`, workerId, leaseMs),
        snapshots: await createKvSnapshotStore(nc, `${config.nats.stream}_snapshots`),
        plan: planSession,
        logger: logger.child({ worker: workerId }),
        recordedAt: () => new Date().toISOString(),
        renewEveryMs: Math.max(500, Math.floor(leaseMs / 3)),
        maxSessions,
        onProgress: (sessionId, p) => {
          if (p.bars % 500 === 0) logger.info({ sessionId, ...p }, "session progress");
        },
      });
      const healthPort = Number(opts.healthPort);
      const health =
        healthPort > 0
          ? await startHealthServer(healthPort, {
              nats: async () => {
                await nc.flush();
              },
            })
          : null;
      logger.info({ workerId, stream: config.nats.stream }, "worker started");
      await new Promise<void>((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
      logger.info({ workerId, running: worker.running() }, "worker stopping: handing its sessions back");
      await worker.stop();
      health?.close();
      await log.close();
      await nc.drain();
    });
}
