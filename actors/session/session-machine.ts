import { enqueueActions, setup as xstateSetup } from "xstate";
import type {
  AnyEvent,
  AnyEventDraft,
  ControlCommand,
  EventData,
  SessionStatus,
} from "../../events/index.ts";
import type { ActorSpec } from "../runtime/machine-driver.ts";
import type { SessionSetup } from "./session-setup.ts";

type Breaker = EventData<"CircuitBreakerTripped">["breaker"];

export interface SessionMachineInput {
  /** Breakers that halt the whole session until an operator resumes it (others only block entries in risk). */
  readonly haltingBreakers: readonly Breaker[];
}

export interface SessionContext {
  readonly input: SessionMachineInput;
  readonly status: SessionStatus;
  /** Why the session is stopping: repeated on SessionStopped. */
  readonly stopReason: string | null;
}

type Command = EventData<"CommandIssued">;

const isCommand =
  (...commands: ControlCommand[]) =>
  ({ event }: { event: AnyEvent }) =>
    event.type === "CommandIssued" && commands.includes(event.data.command);

function command(event: AnyEvent): Command {
  if (event.type !== "CommandIssued") throw new Error(`expected CommandIssued, got ${event.type}`);
  return event.data;
}

function accepted(event: AnyEvent, from: SessionStatus, to: SessionStatus): AnyEventDraft {
  const c = command(event);
  return {
    type: "CommandAccepted",
    at: event.at,
    data: { commandId: c.commandId, command: c.command, from, to },
  };
}

/** Why a command cannot be applied in a status, in the operator's words. */
function rejection(cmd: ControlCommand, status: SessionStatus): string {
  const hint: Partial<Record<ControlCommand, string>> = {
    start: "only a created session can start",
    pause: "only a running session can pause",
    resume: "only a paused or halted session can resume",
    stop: "the session is already stopping or stopped",
    flatten: "positions can be flattened only while the session trades or winds down",
  };
  return `cannot ${cmd}: session is ${status} (${hint[cmd]})`;
}

/**
 * The session lifecycle (DESIGN §6): created → running ⇄ paused → stopping → stopped, halted by a halting circuit
 * breaker until an operator resumes. Each CommandIssued is answered by CommandAccepted (then the lifecycle event) or
 * CommandRejected with the reason. MarketDataEnded winds the session down; the next PortfolioValued (the final
 * valuation after execution closed every position) stops it.
 */
export const sessionMachine = xstateSetup({
  types: {
    context: {} as SessionContext,
    events: {} as AnyEvent,
    input: {} as SessionMachineInput,
    emitted: {} as AnyEventDraft,
  },
  actions: {
    reject: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== "CommandIssued") return;
      const c = event.data;
      enqueue.emit({
        type: "CommandRejected",
        at: event.at,
        data: {
          commandId: c.commandId,
          command: c.command,
          status: context.status,
          reason: rejection(c.command, context.status),
        },
      });
    }),
    acceptFlatten: enqueueActions(({ context, event, enqueue }) => {
      enqueue.emit(accepted(event, context.status, context.status));
    }),
    start: enqueueActions(({ event, enqueue }) => {
      enqueue.emit(accepted(event, "created", "running"));
      enqueue.emit({ type: "SessionStarted", at: event.at, data: { commandId: command(event).commandId } });
    }),
    pause: enqueueActions(({ context, event, enqueue }) => {
      const c = command(event);
      enqueue.emit(accepted(event, context.status, "paused"));
      enqueue.emit({
        type: "SessionPaused",
        at: event.at,
        data: { commandId: c.commandId, reason: c.reason ?? `paused by ${c.issuedBy}` },
      });
    }),
    resume: enqueueActions(({ context, event, enqueue }) => {
      const c = command(event);
      enqueue.emit(accepted(event, context.status, "running"));
      enqueue.emit({
        type: "SessionResumed",
        at: event.at,
        data: {
          commandId: c.commandId,
          reason: c.reason ?? `resumed from ${context.status} by ${c.issuedBy}`,
        },
      });
    }),
    stopByCommand: enqueueActions(({ context, event, enqueue }) => {
      const c = command(event);
      const reason = c.reason ?? `stopped by ${c.issuedBy}`;
      enqueue.emit(accepted(event, context.status, "stopping"));
      enqueue.emit({ type: "SessionStopping", at: event.at, data: { commandId: c.commandId, reason } });
      enqueue.assign({ stopReason: reason });
    }),
    stopBeforeStart: enqueueActions(({ event, enqueue }) => {
      // Nothing traded yet, so there is nothing to wind down: straight to stopped.
      if (event.type === "CommandIssued") {
        enqueue.emit(accepted(event, "created", "stopped"));
        enqueue.emit({
          type: "SessionStopped",
          at: event.at,
          data: { reason: event.data.reason ?? `stopped by ${event.data.issuedBy} before it started` },
        });
      } else {
        enqueue.emit({
          type: "SessionStopped",
          at: event.at,
          data: { reason: "market data ended before the session started" },
        });
      }
    }),
    dataEnded: enqueueActions(({ event, enqueue }) => {
      const reason = "market data ended";
      enqueue.emit({ type: "SessionStopping", at: event.at, data: { reason } });
      enqueue.assign({ stopReason: reason });
    }),
    halt: enqueueActions(({ event, enqueue }) => {
      if (event.type !== "CircuitBreakerTripped") return;
      enqueue.emit({
        type: "SessionHalted",
        at: event.at,
        data: { reason: event.data.reason, breaker: event.data.breaker },
      });
    }),
    finish: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== "PortfolioValued") return;
      enqueue.emit({
        type: "SessionStopped",
        at: event.at,
        data: { reason: context.stopReason ?? "stopped", finalEquity: event.data.equity },
      });
    }),
  },
  guards: {
    halting: ({ context, event }) =>
      event.type === "CircuitBreakerTripped" && context.input.haltingBreakers.includes(event.data.breaker),
  },
}).createMachine({
  id: "session",
  context: ({ input }) => ({ input, status: "created", stopReason: null }),
  initial: "created",
  // Whatever a state does not handle below is a command it cannot apply.
  on: { CommandIssued: { actions: "reject" } },
  states: {
    created: {
      entry: enqueueActions(({ enqueue }) => enqueue.assign({ status: "created" })),
      on: {
        CommandIssued: [
          { guard: isCommand("start"), target: "running", actions: "start" },
          { guard: isCommand("stop"), target: "stopped", actions: "stopBeforeStart" },
          { actions: "reject" },
        ],
        MarketDataEnded: { target: "stopped", actions: "stopBeforeStart" },
      },
    },
    running: {
      entry: enqueueActions(({ enqueue }) => enqueue.assign({ status: "running" })),
      on: {
        CommandIssued: [
          { guard: isCommand("pause"), target: "paused", actions: "pause" },
          { guard: isCommand("stop"), target: "stopping", actions: "stopByCommand" },
          { guard: isCommand("flatten"), actions: "acceptFlatten" },
          { actions: "reject" },
        ],
        MarketDataEnded: { target: "stopping", actions: "dataEnded" },
        CircuitBreakerTripped: { guard: "halting", target: "halted", actions: "halt" },
      },
    },
    paused: {
      entry: enqueueActions(({ enqueue }) => enqueue.assign({ status: "paused" })),
      on: {
        CommandIssued: [
          { guard: isCommand("resume"), target: "running", actions: "resume" },
          { guard: isCommand("stop"), target: "stopping", actions: "stopByCommand" },
          { guard: isCommand("flatten"), actions: "acceptFlatten" },
          { actions: "reject" },
        ],
        MarketDataEnded: { target: "stopping", actions: "dataEnded" },
        CircuitBreakerTripped: { guard: "halting", target: "halted", actions: "halt" },
      },
    },
    halted: {
      entry: enqueueActions(({ enqueue }) => enqueue.assign({ status: "halted" })),
      on: {
        CommandIssued: [
          { guard: isCommand("resume"), target: "running", actions: "resume" },
          { guard: isCommand("stop"), target: "stopping", actions: "stopByCommand" },
          { guard: isCommand("flatten"), actions: "acceptFlatten" },
          { actions: "reject" },
        ],
        MarketDataEnded: { target: "stopping", actions: "dataEnded" },
      },
    },
    stopping: {
      entry: enqueueActions(({ enqueue }) => enqueue.assign({ status: "stopping" })),
      on: {
        CommandIssued: [{ guard: isCommand("flatten"), actions: "acceptFlatten" }, { actions: "reject" }],
        PortfolioValued: { target: "stopped", actions: "finish" },
      },
    },
    // Not a final state: a stopped session still answers commands (with a rejection).
    stopped: {
      entry: enqueueActions(({ enqueue }) => enqueue.assign({ status: "stopped" })),
    },
  },
});

/** The session machine's input from a session's setup. */
export function sessionMachineInput(_setup: SessionSetup): SessionMachineInput {
  return { haltingBreakers: ["drawdown_halt"] };
}

/** The session actor (writer `session`). */
export function createSessionSpec(setup: SessionSetup): ActorSpec<SessionMachineInput> {
  return {
    writer: "session",
    machine: sessionMachine,
    input: sessionMachineInput(setup),
    accepts: ["CommandIssued", "MarketDataEnded", "PortfolioValued", "CircuitBreakerTripped"],
    machineVersion: "session-1",
  };
}
