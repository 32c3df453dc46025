import { createHash } from "node:crypto";
import {
  type AnyEvent,
  type AnyEventDraft,
  type AppendOptions,
  type AppendResult,
  type ControlCommand,
  CryptoFunkError,
  canonicalJson,
  createEvent,
  createEvents,
  type EventData,
  type EventType,
  type NewEvent,
  sessionFilter,
  subjectFor,
  type Writer,
} from "../../events/index.ts";
import { createSessionActors } from "../session/session-actors.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import { createSessionSummariser, type SessionSummary } from "../session/session-summary.ts";
import { type ActorSpec, createMachineDriver, type MachineDriver } from "./machine-driver.ts";

/** What the scheduler needs of a log: synchronous appends and reads (EmbeddedEventLog is one). */
export interface InProcessLog {
  readonly root: string;
  appendSync(subject: string, events: readonly NewEvent[], options?: AppendOptions): AppendResult;
  readAll(filter: string, fromSeq?: number): AnyEvent[];
}

export type SessionSource = EventData<"SessionCreated">["source"];

export interface InProcessSessionOptions {
  readonly setup: SessionSetup;
  readonly log: InProcessLog;
  /** Wall clock for `recordedAt` (informational, never hashed). */
  readonly recordedAt: () => string;
  /** The session's actors in dispatch order (default `createSessionActors(setup)`: every real actor). */
  readonly specs?: readonly ActorSpec[];
  /** Where the market data comes from (recorded on SessionCreated); default synthetic/in-process. */
  readonly source?: SessionSource;
  readonly label?: string;
  /** The session this one re-runs (a what-if replay); recorded on SessionCreated. */
  readonly parentSessionId?: string;
  /** Measure wall time per actor and for appends (a little overhead; for benchmarks). */
  readonly timings?: boolean;
}

/** Where a run's time went: per actor (`agent.trend` …) the events it was fed, and `append` (ids, validation, log). */
export type SchedulerTimings = Readonly<Record<string, { readonly calls: number; readonly ms: number }>>;

export interface CommandOptions {
  readonly reason?: string;
  /** Who asked (default `runner`). */
  readonly issuedBy?: string;
  /** Default: `cmd-<n>`, numbered per session. */
  readonly commandId?: string;
  /** Event time of the command (default: the session's clock); a replay passes the recorded one. */
  readonly at?: string;
}

export interface InProcessSession {
  readonly sessionId: string;
  /** Appends SessionCreated (on `session`) and the runner's start command (on `control`), then runs until quiet. */
  start(at: string): void;
  /** Appends one feed draft (on `feed`) and runs every actor until no event is pending. */
  push(draft: AnyEventDraft): void;
  /** Issues an operator command (on `control`) at the current event time and runs until quiet. */
  command(command: ControlCommand, options?: CommandOptions): void;
  /** Every event of this session held by the log, in log order. */
  events(): AnyEvent[];
  summary(): SessionSummary;
  /** Strategy bars pushed so far and events appended so far. */
  progress(): { readonly bars: number; readonly events: number };
  /** Time per actor and for appends, when created with `timings: true` (else empty). */
  timings(): SchedulerTimings;
  /** Stops every actor. */
  close(): void;
}

interface Writing {
  readonly writer: Writer;
  readonly subject: string;
  /** Last sequence this writer appended (OCC: the next append expects it). */
  lastSeq: number;
}

/**
 * The in-process scheduler (DESIGN §4 backtest/replay): one live machine per actor, dispatch FIFO. A feed event is
 * appended, handed to every actor that accepts its type (in the fixed actor order), each actor's outputs are appended
 * at once (cause = the input, ordinal = index among that actor's outputs for it) and queued, and so on until no event
 * is pending; only then does the next feed event go in. Every append is validated by the log and fenced by OCC on
 * the writer's last sequence, exactly as a host over JetStream does.
 */
export function createInProcessSession(options: InProcessSessionOptions): InProcessSession {
  const { setup, log } = options;
  const { sessionId } = setup;
  const root = log.root;
  const drivers = (options.specs ?? createSessionActors(setup)).map((spec) => createMachineDriver(spec));
  const writings = new Map<Writer, Writing>();
  const writingOf = (writer: Writer): Writing => {
    let w = writings.get(writer);
    if (w === undefined) {
      w = { writer, subject: subjectFor(root, sessionId, writer), lastSeq: 0 };
      writings.set(writer, w);
    }
    return w;
  };
  const routes = new Map<string, readonly MachineDriver[]>();
  const routeOf = (type: EventType): readonly MachineDriver[] => {
    let r = routes.get(type);
    if (r === undefined) {
      r = drivers.filter((d) => d.accepts(type));
      routes.set(type, r);
    }
    return r;
  };
  const summariser = createSessionSummariser();
  const queue: AnyEvent[] = [];
  let feedOrdinal = 0;
  let controlOrdinal = 0;
  let commands = 0;
  let clock: string | null = null;
  let bars = 0;
  let appended = 0;
  let started = false;
  const timed = options.timings === true;
  const spent = new Map<string, { calls: number; ms: number }>();
  const charge = (what: string, since: number): void => {
    const t = spent.get(what) ?? { calls: 0, ms: 0 };
    t.calls++;
    t.ms += performance.now() - since;
    spent.set(what, t);
  };

  /** Appends drafts as one writer's batch; returns the stored events. */
  const append = (
    writer: Writer,
    drafts: readonly AnyEventDraft[],
    cause: AnyEvent | null,
    ordinal0: number,
  ) => {
    const w = writingOf(writer);
    const ctx = { root, sessionId, writer, recordedAt: options.recordedAt() };
    const news =
      cause === null
        ? drafts.map((d, i) => createEvent(ctx, d, null, ordinal0 + i) as NewEvent)
        : createEvents(ctx, drafts, cause);
    // control is the one multi-writer subject: no fencing there.
    const result =
      writer === "control"
        ? log.appendSync(w.subject, news)
        : log.appendSync(w.subject, news, { expectedLastSeq: w.lastSeq });
    w.lastSeq = result.lastSeq;
    const first = result.seqs[0] as number;
    // Read back what the log stored (data as validated), so actors see exactly what a host would decode.
    const stored = log.readAll(w.subject, first);
    for (const e of stored) {
      summariser.add(e);
      appended++;
    }
    return stored;
  };

  const run = (): void => {
    for (let head = 0; head < queue.length; head++) {
      const event = queue[head] as AnyEvent;
      for (const driver of routeOf(event.type)) {
        let drafts: AnyEventDraft[];
        const since = timed ? performance.now() : 0;
        try {
          drafts = driver.feed(event);
          if (timed) charge(driver.writer, since);
        } catch (err) {
          throw new CryptoFunkError(
            "INTERNAL",
            `${driver.writer} failed on ${event.type} ${event.id}: ${(err as Error).message}`,
            {
              cause: err,
              details: { writer: driver.writer, event: event.id, type: event.type },
            },
          );
        }
        if (drafts.length === 0) continue;
        const appending = timed ? performance.now() : 0;
        for (const e of append(driver.writer, drafts, event, 0)) queue.push(e);
        if (timed) charge("append", appending);
      }
    }
    queue.length = 0;
  };

  const root_ = (writer: "feed" | "control", draft: AnyEventDraft): void => {
    const ordinal = writer === "feed" ? feedOrdinal++ : controlOrdinal++;
    const appending = timed ? performance.now() : 0;
    for (const e of append(writer, [draft], null, ordinal)) queue.push(e);
    if (timed) charge("append", appending);
    run();
  };

  const issue = (command: ControlCommand, o: CommandOptions = {}): void => {
    if (clock === null) throw new CryptoFunkError("INTERNAL", "the session has not been started");
    commands++;
    root_("control", {
      type: "CommandIssued",
      at: o.at ?? clock,
      data: {
        commandId: o.commandId ?? `cmd-${commands}`,
        command,
        issuedBy: o.issuedBy ?? "runner",
        ...(o.reason === undefined ? {} : { reason: o.reason }),
      },
    });
  };

  return {
    sessionId,
    start(at) {
      if (started) throw new CryptoFunkError("INTERNAL", `session ${sessionId} was already started`);
      started = true;
      clock = at;
      const strategy = setup.strategy as unknown as Record<string, unknown>;
      const created: AnyEventDraft = {
        type: "SessionCreated",
        at,
        data: {
          mode: setup.mode,
          symbols: [setup.symbol],
          timeframe: setup.timeframe,
          initialCash: setup.initialCash,
          quoteCurrency: setup.quoteCurrency,
          strategy,
          strategyVersion: strategyVersion(strategy),
          source: options.source ?? { kind: "synthetic", ref: "in-process" },
          ...(options.label === undefined ? {} : { label: options.label }),
          ...(options.parentSessionId === undefined ? {} : { parentSessionId: options.parentSessionId }),
        },
      };
      for (const e of append("session", [created], null, 0)) queue.push(e);
      run();
      issue("start", { commandId: "start", issuedBy: "runner", reason: "session start" });
    },
    push(draft) {
      if (!started) throw new CryptoFunkError("INTERNAL", "push before start: call start(at) first");
      if (clock === null || draft.at > clock) clock = draft.at;
      if (draft.type === "CandleClosed" && draft.data.timeframe === setup.timeframe) bars++;
      root_("feed", draft);
    },
    command: issue,
    events: () => log.readAll(sessionFilter(root, sessionId)),
    summary: () => summariser.summary(),
    progress: () => ({ bars, events: appended }),
    timings: () => Object.fromEntries([...spent].map(([k, v]) => [k, { ...v }])),
    close() {
      for (const d of drivers) d.stop();
    },
  };
}

/** A short content hash of the strategy: two sessions with the same parameters share it. */
function strategyVersion(strategy: Record<string, unknown>): string {
  return `sha256:${createHash("sha256").update(canonicalJson(strategy)).digest("hex").slice(0, 16)}`;
}
