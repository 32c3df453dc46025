import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/nats-core";
import { expect } from "vitest";
import {
  type AnyEvent,
  createJetStreamEventLog,
  type EventSubscription,
  type JetStreamEventLog,
  sessionFilter,
  sessionHash,
} from "../../events/index.ts";
import { connectNats } from "../connections/nats-connection.ts";
import { expectAsInProcess } from "../testing/expect-as-in-process.ts";
import { openSyntheticSession } from "../testing/synthetic-session.ts";
import { pipelineHash, tradeHash } from "../testing/trade-hash.ts";
import { sleepUntil, startCli, waitUntil } from "./cli-process.ts";
import { startPrivateNatsServer } from "./private-nats-server.ts";

export interface NatsOutageOptions {
  /** How long the server stays down. */
  readonly outageMs: number;
  /** How the server is stopped: SIGTERM (clean shutdown) or SIGKILL (crash). */
  readonly signal: NodeJS.Signals;
  /** Bars of the synthetic paper session, and the bar after which the server goes down. */
  readonly bars: number;
  readonly cutAtBar: number;
  readonly seed: number;
}

/** What one run measured (printed as one JSON line by the tests). */
export interface NatsOutageFigures {
  readonly test: "nats-outage";
  readonly signal: NodeJS.Signals;
  readonly outageMs: number;
  /** From the restart to the test's own client reconnecting. */
  readonly reconnectMs: number;
  /** From the restart to the worker's first event written after it (the event's recordedAt). */
  readonly resumeMs: number;
  /** From the restart to the test's own subscription delivering a new event. */
  readonly subscriptionResumeMs: number;
  readonly barsBeforeOutage: number;
  readonly eventsBeforeOutage: number;
  readonly events: number;
  readonly bars: number;
  readonly totalMs: number;
  readonly pipelineHash: string;
  readonly tradeHash: string;
  readonly sessionHash: string;
  readonly workerWarnings: readonly string[];
}

/**
 * A `cryptofunk worker` runs a paper session over a private nats-server; mid-session the server is stopped for
 * `outageMs` and started again on the same port and store. The worker's and the test's clients must reconnect, and
 * the session must end with the events (and hashes) of an uninterrupted in-process run of the same inputs.
 */
export async function runNatsOutage(options: NatsOutageOptions): Promise<NatsOutageFigures> {
  const started = Date.now();
  const nats = await startPrivateNatsServer("nats-outage");
  const home = mkdtempSync(join(tmpdir(), "cf-nats-outage-home-"));
  const stream = "FAULTS";
  const root = "fo";
  const sid = "outage";
  const worker = startCli("worker", ["worker", "--id", "w1", "--health-port", "0"], {
    CRYPTOFUNK_HOME: home,
    NATS_URL: nats.url,
    CRYPTOFUNK_STREAM: stream,
    CRYPTOFUNK_ROOT: root,
  });
  const statuses: { type: string; at: number }[] = [];
  const seen: { e: AnyEvent; at: number }[] = [];
  const context = () => `${worker.tail()}\nclient statuses: ${JSON.stringify(statuses)}`;
  const bars = () => seen.filter((s) => s.e.type === "CandleClosed").length;
  let nc: NatsConnection | undefined;
  let log: JetStreamEventLog | undefined;
  let sub: EventSubscription | undefined;
  let following: Promise<void> = Promise.resolve();
  try {
    nc = await connectNats({ servers: nats.url, name: "nats-outage test", reconnectWaitMs: 250 });
    const client = nc;
    void (async () => {
      for await (const s of client.status()) statuses.push({ type: s.type, at: Date.now() });
    })();
    log = await createJetStreamEventLog({ nc, stream, root });
    const session = log.subscribe(sessionFilter(root, sid));
    sub = session;
    following = (async () => {
      for await (const e of session) seen.push({ e, at: Date.now() });
    })();
    await waitUntil("the worker to start", () => worker.said("worker started").length > 0, 60_000, context);
    await openSyntheticSession(log, sid, options.seed, options.bars);
    await waitUntil(`${options.cutAtBar} bars`, () => bars() >= options.cutAtBar, 60_000, context, 5);

    const down = Date.now();
    await nats.stop(options.signal);
    const barsBeforeOutage = bars();
    expect(barsBeforeOutage, "the outage must fall mid-session").toBeLessThan(options.bars);
    await sleepUntil(down + options.outageMs);
    const eventsBeforeOutage = seen.length;
    const up = Date.now();
    await nats.start();

    const reconnect = () => statuses.find((s) => s.type === "reconnect" && s.at >= down);
    await waitUntil("the test's client to reconnect", () => reconnect() !== undefined, 30_000, context);
    const reconnected = reconnect()?.at ?? up;
    await waitUntil(
      "the worker to go on with the session",
      () => seen.length > eventsBeforeOutage,
      60_000,
      context,
    );
    const delivered = seen[eventsBeforeOutage]?.at ?? up;
    await waitUntil(
      "the session to stop",
      () => seen.some((s) => s.e.type === "SessionStopped"),
      120_000,
      context,
    );
    await waitUntil(
      "the worker to report the session finished",
      () => worker.said("session finished").length > 0,
      30_000,
      context,
    );

    const events: AnyEvent[] = [];
    for await (const e of log.read(sessionFilter(root, sid))) events.push(e);
    await expectAsInProcess(events);
    expect(worker.said("session failed"), context()).toEqual([]);
    expect(worker.said("hosts fenced"), context()).toEqual([]);
    const written = events.map((e) => Date.parse(e.recordedAt)).filter((t) => t >= up);
    expect(written.length, "events written after the restart").toBeGreaterThan(0);
    return {
      test: "nats-outage",
      signal: options.signal,
      outageMs: up - down,
      reconnectMs: reconnected - up,
      resumeMs: Math.min(...written) - up,
      subscriptionResumeMs: delivered - up,
      barsBeforeOutage,
      eventsBeforeOutage,
      events: events.length,
      bars: events.filter((e) => e.type === "CandleClosed").length,
      totalMs: Date.now() - started,
      pipelineHash: pipelineHash(events),
      tradeHash: tradeHash(events),
      sessionHash: sessionHash(events),
      workerWarnings: worker.trouble().map((l) => l.msg),
    };
  } finally {
    await sub?.close().catch(() => undefined);
    await following.catch(() => undefined);
    await worker.stop();
    await log?.close();
    await nc?.close().catch(() => undefined);
    await nats.dispose();
    rmSync(home, { recursive: true, force: true });
  }
}
