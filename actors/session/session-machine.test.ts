import { describe, expect, it } from "vitest";
import type { AnyEvent, AnyEventDraft, ControlCommand, EventData } from "../../events/index.ts";
import { defaultStrategy } from "../strategy/strategy-config.ts";
import { deciderSpec, stored } from "../testing/decider-spec.ts";
import { createSessionSpec } from "./session-machine.ts";
import type { SessionSetup } from "./session-setup.ts";

/** then() with a deep partial match of every output, in order (the drafts' data typed loosely). */
const like = (expected: readonly object[]) => (outputs: AnyEventDraft[]) =>
  expect(outputs).toMatchObject(expected);

const setup: SessionSetup = {
  sessionId: "s1",
  mode: "paper",
  symbol: "BTC/USDT",
  timeframe: "1m",
  strategy: defaultStrategy,
  initialCash: "10000",
  quoteCurrency: "USDT",
};
const spec = createSessionSpec(setup);
const at = "2024-01-01T00:05:00.000Z";

function cmd(command: ControlCommand, commandId: string = command, reason?: string): AnyEvent {
  return stored("CommandIssued", { commandId, command, issuedBy: "cli", ...(reason ? { reason } : {}) }, at, {
    writer: "control",
  });
}

function tripped(breaker: EventData<"CircuitBreakerTripped">["breaker"]): AnyEvent {
  return stored("CircuitBreakerTripped", { breaker, reason: `${breaker} tripped` }, at, { writer: "risk" });
}

const ended = () => stored("MarketDataEnded", { bars: 10 }, at);

function valued(equity: string): AnyEvent {
  return stored(
    "PortfolioValued",
    {
      bar: at,
      cash: equity,
      equity,
      peakEquity: equity,
      drawdown: 0,
      exposure: "0",
      positions: [],
      realizedPnl: "0",
      unrealizedPnl: "0",
      fees: "0",
    },
    at,
    { writer: "exec" },
  );
}

const statusOf = (r: { driver: { context(): unknown } }) => (r.driver.context() as { status: string }).status;

describe("session machine", () => {
  it("starts: created → running, accepted then SessionStarted", () => {
    const r = deciderSpec(spec)
      .given()
      .when(cmd("start", "c1"))
      .then(
        like([
          {
            type: "CommandAccepted",
            at,
            data: { commandId: "c1", command: "start", from: "created", to: "running" },
          },
          { type: "SessionStarted", at, data: { commandId: "c1" } },
        ]),
      );
    expect(statusOf(r)).toBe("running");
  });

  it("pauses and resumes", () => {
    deciderSpec(spec)
      .given(cmd("start"))
      .when(cmd("pause", "p", "lunch"), cmd("resume", "r"))
      .then(
        like([
          { type: "CommandAccepted", data: { command: "pause", from: "running", to: "paused" } },
          { type: "SessionPaused", data: { commandId: "p", reason: "lunch" } },
          { type: "CommandAccepted", data: { command: "resume", from: "paused", to: "running" } },
          { type: "SessionResumed", data: { commandId: "r", reason: "resumed from paused by cli" } },
        ]),
      );
  });

  it("rejects every command it cannot apply, with the reason", () => {
    deciderSpec(spec)
      .given()
      .when(cmd("pause", "a"), cmd("resume", "b"), cmd("flatten", "c"))
      .then(
        like([
          { type: "CommandRejected", data: { commandId: "a", command: "pause", status: "created" } },
          { type: "CommandRejected", data: { commandId: "b", command: "resume", status: "created" } },
          { type: "CommandRejected", data: { commandId: "c", command: "flatten", status: "created" } },
        ]),
      );
    const r = deciderSpec(spec).given(cmd("start")).when(cmd("start", "again"), cmd("resume", "x"));
    r.then(
      like([
        {
          type: "CommandRejected",
          data: {
            command: "start",
            status: "running",
            reason: "cannot start: session is running (only a created session can start)",
          },
        },
        { type: "CommandRejected", data: { command: "resume", status: "running" } },
      ]),
    );
    const paused = deciderSpec(spec).given(cmd("start"), cmd("pause")).when(cmd("pause", "twice"));
    paused.then(like([{ type: "CommandRejected", data: { status: "paused" } }]));
  });

  it("a stopped session answers every command with a rejection", () => {
    const commands: ControlCommand[] = ["start", "pause", "resume", "stop", "flatten"];
    const r = deciderSpec(spec)
      .given(cmd("start"), ended(), valued("10100"))
      .when(...commands.map((c) => cmd(c)));
    r.then(
      like(
        commands.map((c) => ({
          type: "CommandRejected" as const,
          data: {
            command: c,
            status: "stopped" as const,
            reason: expect.stringMatching(`^cannot ${c}: session is stopped`),
          },
        })),
      ),
    );
    expect(statusOf(r)).toBe("stopped");
  });

  it("market data ended: stopping, then stopped at the final valuation with its equity", () => {
    const r = deciderSpec(spec)
      .given(cmd("start"))
      .when(ended(), cmd("pause", "late"), valued("10250.5"), valued("1"));
    r.then(
      like([
        { type: "SessionStopping", data: { reason: "market data ended" } },
        { type: "CommandRejected", data: { command: "pause", status: "stopping" } },
        { type: "SessionStopped", data: { reason: "market data ended", finalEquity: "10250.5" } },
      ]),
    );
    expect(statusOf(r)).toBe("stopped");
  });

  it("an operator stop winds down the same way, from running, paused or halted", () => {
    for (const given of [
      [cmd("start")],
      [cmd("start"), cmd("pause")],
      [cmd("start"), tripped("drawdown_halt")],
    ]) {
      deciderSpec(spec)
        .given(...given)
        .when(cmd("stop", "s", "done"), valued("9000"))
        .then(
          like([
            { type: "CommandAccepted", data: { command: "stop", to: "stopping" } },
            { type: "SessionStopping", data: { commandId: "s", reason: "done" } },
            { type: "SessionStopped", data: { reason: "done", finalEquity: "9000" } },
          ]),
        );
    }
  });

  it("stopping before the start goes straight to stopped", () => {
    deciderSpec(spec)
      .given()
      .when(cmd("stop", "s"))
      .then(
        like([
          { type: "CommandAccepted", data: { from: "created", to: "stopped" } },
          { type: "SessionStopped", data: { reason: "stopped by cli before it started" } },
        ]),
      );
    deciderSpec(spec)
      .given()
      .when(ended())
      .then(
        like([{ type: "SessionStopped", data: { reason: "market data ended before the session started" } }]),
      );
  });

  it("a halting breaker halts the session until an operator resumes; other breakers do not", () => {
    const r = deciderSpec(spec)
      .given(cmd("start"))
      .when(
        tripped("cooldown"),
        tripped("drawdown_halt"),
        tripped("drawdown_halt"),
        cmd("pause", "p"),
        cmd("resume", "r"),
      );
    r.then(
      like([
        { type: "SessionHalted", data: { breaker: "drawdown_halt", reason: "drawdown_halt tripped" } },
        { type: "CommandRejected", data: { command: "pause", status: "halted" } },
        { type: "CommandAccepted", data: { command: "resume", from: "halted", to: "running" } },
        { type: "SessionResumed", data: { commandId: "r", reason: "resumed from halted by cli" } },
      ]),
    );
    expect(statusOf(r)).toBe("running");
    deciderSpec(spec)
      .given(cmd("start"), cmd("pause"))
      .when(tripped("drawdown_halt"))
      .then(like([{ type: "SessionHalted" }]));
  });

  it("flatten is accepted while trading or winding down, without changing the status", () => {
    deciderSpec(spec)
      .given(cmd("start"))
      .when(cmd("flatten", "f1"), cmd("pause"), cmd("flatten", "f2"))
      .then(
        like([
          {
            type: "CommandAccepted",
            data: { commandId: "f1", command: "flatten", from: "running", to: "running" },
          },
          { type: "CommandAccepted", data: { command: "pause" } },
          { type: "SessionPaused" },
          {
            type: "CommandAccepted",
            data: { commandId: "f2", command: "flatten", from: "paused", to: "paused" },
          },
        ]),
      );
    deciderSpec(spec)
      .given(cmd("start"), ended())
      .when(cmd("flatten", "f3"))
      .then(like([{ type: "CommandAccepted", data: { from: "stopping", to: "stopping" } }]));
  });

  it("portfolio valuations change nothing while the session is not stopping", () => {
    deciderSpec(spec).given(cmd("start")).when(valued("1"), valued("2")).then(like([]));
  });
});
