import { jetstreamManager } from "@nats-io/jetstream";
import { sql } from "kysely";
import { expect } from "vitest";
import { createSeededRandom } from "../../actors/index.ts";
import {
  type AnyEvent,
  createJetStreamEventLog,
  type EventLog,
  rootFilter,
  sessionFilter,
  sessionHash,
  subjectFor,
} from "../../events/index.ts";
import {
  createProjector,
  dumpReadModel,
  migrateUp,
  projectionCheckpoint,
  readModelHash,
  versionSchema,
} from "../../projections/index.ts";
import { connectNats } from "../connections/nats-connection.ts";
import { expectAsInProcess } from "../testing/expect-as-in-process.ts";
import { openSyntheticSession } from "../testing/synthetic-session.ts";
import { pipelineHash } from "../testing/trade-hash.ts";
import { waitUntil } from "./cli-process.ts";
import { type CrashRole, type CrashStack, crashRoles, createCrashStack } from "./crash-harness.ts";

export interface CrashSafetyOptions {
  /** SIGKILLs delivered during the session, to worker, projector and gateway in turn. */
  readonly kills: number;
  /** Bars of the synthetic paper session (the reference and the crashed run alike). */
  readonly bars: number;
  /** Seed of the market and of the kill points; CRASH_SEED in the environment overrides it (to replay a failure). */
  readonly seed: number;
}

/** One kill as the figures report it. */
export interface KillPoint {
  readonly role: CrashRole;
  /** The session's bars on the log when the kill was delivered. */
  readonly bar: number;
  /** From the kill to the restarted process's ready line. */
  readonly restartMs: number;
}

export interface CrashSafetyFigures {
  readonly test: "crash-safety";
  readonly seed: number;
  readonly bars: number;
  readonly kills: number;
  readonly killsByRole: Readonly<Record<CrashRole, number>>;
  readonly killPoints: readonly KillPoint[];
  /** Events of the crashed session (equal, writer by writer, to the reference's). */
  readonly events: number;
  readonly eventsByWriter: Readonly<Record<string, number>>;
  /** Messages in the stream at the end (both sessions and the gateway's commands). */
  readonly logEvents: number;
  readonly orders: number;
  /** Commands sent through the gateway during the kills, and the requests it took (retries after its kills). */
  readonly commands: number;
  readonly commandRequests: number;
  readonly projectorRetries: number;
  readonly referenceMs: number;
  readonly crashedRunMs: number;
  readonly totalMs: number;
  readonly sessionHash: string;
  readonly readModelHash: string;
}

/**
 * Issue 9 point 1. A worker, a projector and a gateway run as processes over a private nats-server and a Postgres
 * schema of their own. A reference paper session runs uninterrupted; then the same session (same seeded market, same
 * setup, another id) runs while worker, projector and gateway are SIGKILLed in turn at seeded random bars and each
 * started again at once; meanwhile the gateway is sent commands (retried with the same command id until answered).
 * Afterwards: the crashed session's events equal the reference's writer by writer (nothing lost or doubled), its
 * session hash is the reference's, no client order id appears twice, every command is in the log once, and the read
 * model equals a clean projection of the log into another schema.
 */
export async function runCrashSafety(options: CrashSafetyOptions): Promise<CrashSafetyFigures> {
  const started = Date.now();
  const seed = process.env.CRASH_SEED === undefined ? options.seed : Number(process.env.CRASH_SEED);
  // Printed first, so that a failed run can be replayed with CRASH_SEED.
  console.log(`crash-safety: seed ${seed} (replay with CRASH_SEED=${seed})`);
  const stack = await createCrashStack("crash-safety");
  const referenceNamespace = `${stack.namespace}_ref`;
  const nc = await connectNats({ servers: stack.nats.url, name: "crash-safety test", reconnectWaitMs: 250 });
  const log = await createJetStreamEventLog({ nc, stream: stack.stream, root: stack.root });
  const liveSchema = versionSchema(stack.namespace, 1);
  const bars = new Map<string, number>();
  const stopped = new Set<string>();
  const feed = log.subscribe(`${stack.root}.*.feed`);
  const sessions = log.subscribe(`${stack.root}.*.session`);
  const following = Promise.all([
    (async () => {
      for await (const e of feed)
        if (e.type === "CandleClosed") bars.set(e.sessionId, (bars.get(e.sessionId) ?? 0) + 1);
    })(),
    (async () => {
      for await (const e of sessions) if (e.type === "SessionStopped") stopped.add(e.sessionId);
    })(),
  ]);
  // A session's events are all on the log once a worker has run it to the end (every host past SessionStopped), not
  // at SessionStopped: risk reacts to the same final valuation as the session and may append after it (CI saw a
  // reference read one CircuitBreakerTripped short).
  const finished = (sid: string) =>
    stack.history.some((p) => p.said("session finished").some((l) => l.sessionId === sid));
  const commands = { sending: false, sent: [] as string[], requests: 0 };
  let commanding: Promise<void> = Promise.resolve();
  try {
    // The projector migrates the read model first; worker and gateway then start side by side.
    await stack.start("projector");
    await Promise.all([stack.start("worker"), stack.start("gateway")]);

    // The reference: the session run uninterrupted by the same processes.
    const reference = "reference";
    const referenceStart = Date.now();
    await openSyntheticSession(log, reference, seed, options.bars);
    await waitUntil("the reference session to stop", () => stopped.has(reference), 600_000, stack.context);
    await waitUntil("the reference session to be finished", () => finished(reference), 60_000, stack.context);
    const referenceMs = Date.now() - referenceStart;
    const referenceEvents = await readAll(log, sessionFilter(stack.root, reference));

    // The crashed run: kill points are bars of the session, drawn from the seed, spread over 5-90 % of it.
    const rng = createSeededRandom(seed, 9);
    const points = Array.from({ length: options.kills }, () =>
      rng.int(Math.ceil(options.bars * 0.05), Math.floor(options.bars * 0.9)),
    ).sort((a, b) => a - b);
    const crashed = "crashed";
    const crashStart = Date.now();
    await openSyntheticSession(log, crashed, seed, options.bars);
    // Commands go to the finished reference session (whose events were read above): the gateway appends them on
    // its control subject while being killed, and each must end up in the log exactly once.
    commands.sending = true;
    commanding = sendCommands(stack, reference, `crash-${seed}`, commands);
    const killPoints: KillPoint[] = [];
    const restarts: Promise<void>[] = [];
    for (const [i, bar] of points.entries()) {
      const role = crashRoles[i % crashRoles.length] as CrashRole;
      await waitUntil(
        `bar ${bar} of the crashed session (kill ${i + 1}, ${role})`,
        () => (bars.get(crashed) ?? 0) >= bar || stopped.has(crashed),
        300_000,
        stack.context,
        5,
      );
      // The role restarted after its previous kill must be serving before it is killed again.
      await restarts[i - crashRoles.length];
      await new Promise((r) => setTimeout(r, rng.int(0, 250)));
      const at = bars.get(crashed) ?? 0;
      expect(
        stopped.has(crashed),
        `kill ${i + 1} (${role}, bar ${bar}) must fall before the session ends; the test had read ${at} bars of ${options.bars}`,
      ).toBe(false);
      const kill = await stack.kill(role);
      restarts[i] = stack.start(role).then(() => {
        killPoints[i] = { role, bar: at, restartMs: Date.now() - kill.at };
      });
    }
    await Promise.all(restarts);
    await waitUntil("the crashed session to stop", () => stopped.has(crashed), 600_000, stack.context);
    await waitUntil("the crashed session to be finished", () => finished(crashed), 60_000, stack.context);
    const crashedRunMs = Date.now() - crashStart;
    commands.sending = false;
    await commanding;

    // The log: the crashed session's events equal the reference's, writer by writer; nothing twice anywhere.
    const events = await readAll(log, sessionFilter(stack.root, crashed));
    const all = await readAll(log, rootFilter(stack.root));
    const info = await (await jetstreamManager(nc)).streams.info(stack.stream);
    expect(info.state.messages, "every message in the stream decodes to an event").toBe(all.length);
    expect(info.state.last_seq - info.state.first_seq + 1, "no gap in the stream").toBe(info.state.messages);
    expect(duplicates(all.map((e) => e.id)), "event ids written twice").toEqual([]);
    expect(
      byWriter(events),
      `events per writer: crashed vs uninterrupted${unmatched(events, referenceEvents)}`,
    ).toEqual(byWriter(referenceEvents));
    expect(
      events.filter((e) => e.type === "SessionStopped"),
      "stops",
    ).toHaveLength(1);
    const hash = sessionHash(events);
    expect(hash, "session hash: crashed vs uninterrupted").toBe(sessionHash(referenceEvents));
    expect(pipelineHash(events)).toBe(pipelineHash(referenceEvents));
    await expectAsInProcess(events);
    const clientIds = events.flatMap((e) => (e.type === "OrderSubmitted" ? [e.data.clientOrderId] : []));
    expect(clientIds.length, "the session must trade for its orders to be checked").toBeGreaterThan(0);
    expect(duplicates(clientIds), "client order ids submitted twice").toEqual([]);
    const issued = (await readAll(log, subjectFor(stack.root, reference, "control"))).flatMap((e) =>
      e.type === "CommandIssued" && e.data.commandId.startsWith("crash-") ? [e.data.commandId] : [],
    );
    expect([...issued].sort(), "each command sent through the gateway, once").toEqual(
      [...commands.sent].sort(),
    );

    // The read model: caught up, no order twice, equal to a clean projection of the same log.
    const lastSeq = info.state.last_seq;
    await waitUntil(
      "the projector to catch up",
      async () => (await projectionCheckpoint(stack.db, liveSchema).catch(() => 0)) >= lastSeq,
      120_000,
      stack.context,
      100,
    );
    const orderRows = await sql<{ client_order_id: string }>`select client_order_id from ${sql.table(
      `${liveSchema}.orders`,
    )} where session_id = ${crashed}`.execute(stack.db);
    const projectedIds = orderRows.rows.map((r) => r.client_order_id);
    expect(duplicates(projectedIds), "orders projected twice").toEqual([]);
    expect(projectedIds.length, "orders projected vs submitted").toBe(clientIds.length);
    await migrateUp(stack.db, { namespace: referenceNamespace });
    await createProjector({ db: stack.db, layout: { namespace: referenceNamespace }, log }).catchUp();
    const referenceSchema = versionSchema(referenceNamespace, 1);
    const live = await readModelHash(stack.db, liveSchema);
    if (live !== (await readModelHash(stack.db, referenceSchema))) {
      const [a, b] = await Promise.all([
        dumpReadModel(stack.db, liveSchema),
        dumpReadModel(stack.db, referenceSchema),
      ]);
      const differing = Object.keys({ ...a, ...b }).filter(
        (t) => JSON.stringify(a[t]) !== JSON.stringify(b[t]),
      );
      const sample = differing.map((t) => ({
        table: t,
        onlyLive: (a[t] ?? []).filter((r) => !(b[t] ?? []).includes(r)).slice(0, 3),
        onlyRebuild: (b[t] ?? []).filter((r) => !(a[t] ?? []).includes(r)).slice(0, 3),
      }));
      expect.fail(`read model vs a clean rebuild: tables differ ${JSON.stringify(sample, null, 1)}`);
    }
    const applied = await sql<{ n: string }>`select events_applied as n from ${sql.table(
      `${liveSchema}.projection_checkpoints`,
    )}`.execute(stack.db);
    expect(Number(applied.rows[0]?.n ?? 0), "events projected (once each) vs events in the log").toBe(
      all.length,
    );

    // No role reported a failure it should not have: a session failed, hosts fenced, an error logged.
    for (const p of stack.history) {
      expect(p.said("session failed"), p.tail()).toEqual([]);
      expect(p.said("hosts fenced"), p.tail()).toEqual([]);
      expect(
        p.lines.filter((l) => l.level >= 50),
        p.tail(),
      ).toEqual([]);
    }
    const killsByRole = { worker: 0, projector: 0, gateway: 0 };
    for (const k of stack.kills) killsByRole[k.role]++;
    return {
      test: "crash-safety",
      seed,
      bars: options.bars,
      kills: stack.kills.length,
      killsByRole,
      killPoints,
      events: events.length,
      eventsByWriter: byWriter(events),
      logEvents: all.length,
      orders: clientIds.length,
      commands: commands.sent.length,
      commandRequests: commands.requests,
      projectorRetries: stack.history.reduce((n, p) => n + p.said("projector: retrying a batch").length, 0),
      referenceMs,
      crashedRunMs,
      totalMs: Date.now() - started,
      sessionHash: hash,
      readModelHash: live,
    };
  } finally {
    commands.sending = false;
    await commanding.catch(() => undefined);
    await feed.close().catch(() => undefined);
    await sessions.close().catch(() => undefined);
    await following.catch(() => undefined);
    await log.close().catch(() => undefined);
    await nc.close().catch(() => undefined);
    await stack.dispose([referenceNamespace]);
  }
}

/**
 * While `state.sending`, asks the gateway to pause and resume `sessionId` in turn, each command with an id of its
 * own; a request that fails (the gateway was killed, or is starting again) is retried with the same id until a 202.
 */
async function sendCommands(
  stack: CrashStack,
  sessionId: string,
  prefix: string,
  state: { sending: boolean; sent: string[]; requests: number },
): Promise<void> {
  for (let n = 1; state.sending; n++) {
    const commandId = `${prefix}-${n}`;
    const command = n % 2 === 1 ? "pause" : "resume";
    for (;;) {
      state.requests++;
      const status = await fetch(`${stack.gatewayUrl}/api/v1/sessions/${sessionId}/${command}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ commandId, reason: "crash-safety" }),
        signal: AbortSignal.timeout(5000),
      }).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 202) break;
      if (status !== 0 && status < 500)
        throw new Error(`command ${commandId}: the gateway answered ${status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    state.sent.push(commandId);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function readAll(log: EventLog, filter: string): Promise<AnyEvent[]> {
  const out: AnyEvent[] = [];
  for await (const e of log.read(filter)) out.push(e);
  return out;
}

function byWriter(events: readonly AnyEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.writer] = (counts[e.writer] ?? 0) + 1;
  return counts;
}

/**
 * The events of one run with no counterpart in the other (matched by writer, type and event time; at most 5 each way,
 * with their data): what a failed count comparison needs to be investigated.
 */
function unmatched(crashed: readonly AnyEvent[], reference: readonly AnyEvent[]): string {
  const key = (e: AnyEvent) => `${e.writer} ${e.type} ${e.at}`;
  const left = new Map<string, AnyEvent[]>();
  for (const e of reference) left.set(key(e), [...(left.get(key(e)) ?? []), e]);
  const extra: AnyEvent[] = [];
  for (const e of crashed) {
    const same = left.get(key(e));
    if (same !== undefined && same.length > 0) same.shift();
    else extra.push(e);
  }
  const missing = [...left.values()].flat();
  if (extra.length === 0 && missing.length === 0) return "";
  const show = (es: AnyEvent[]) =>
    es
      .slice(0, 5)
      .map((e) => `\n  ${key(e)} seq ${e.seq} caused by ${e.causationId} ${JSON.stringify(e.data)}`)
      .join("");
  return `\nonly in the crashed run (${extra.length}):${show(extra)}\nonly in the reference (${missing.length}):${show(missing)}`;
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const v of values) {
    if (seen.has(v)) twice.push(v);
    seen.add(v);
  }
  return twice;
}
