import { describe, expect, it } from "vitest";
import { defaultStrategy, runInProcessSession } from "../../actors/index.ts";
import {
  createEmbeddedEventLog,
  type EventEnvelope,
  hasErrorCode,
  sessionFilter,
  UnsupportedError,
} from "../../events/index.ts";
import { createLogger } from "../logging/create-logger.ts";
import { expectAsInProcess } from "../testing/expect-as-in-process.ts";
import { longestStallDuring } from "../testing/longest-stall.ts";
import { createSessionLauncher } from "./session-launcher.ts";
import { planSession } from "./session-planner.ts";
import { createSessionThreads } from "./session-threads.ts";

const logger = createLogger("silent");
const base = {
  symbols: ["BTC/USDT"],
  timeframe: "1m" as const,
  initialCash: "10000",
  quoteCurrency: "USDT",
  source: { kind: "synthetic" as const, ref: "seed:5;bars:40" },
  requestedBy: "test",
};
/** A SessionCreated's data as the launcher writes it for `base` with the default strategy. */
const createdData = {
  mode: "backtest",
  symbols: base.symbols,
  timeframe: base.timeframe,
  initialCash: base.initialCash,
  quoteCurrency: base.quoteCurrency,
  strategy: defaultStrategy,
  strategyVersion: "default",
};

describe("the session launcher behind the gateway", () => {
  it("runs a backtest and records the whole session under the log's own root, equal to an in-process run", async () => {
    const log = createEmbeddedEventLog({ root: "other" });
    const launcher = createSessionLauncher({ log, logger, runPaperSessions: false, liveTrading: false });
    const { sessionId } = await launcher.launch({ ...base, mode: "backtest", sessionId: "bt1" });
    expect(sessionId).toBe("bt1");
    const events = log.readAll(sessionFilter("other", sessionId));
    expect(events.filter((e) => e.type === "CandleClosed")).toHaveLength(40);
    expect(events.at(-1)?.type).toBe("SessionStopped");
    await expectAsInProcess(events);
  });

  it("runs a backtest off the event loop: timers keep firing while 800 bars are decided", async () => {
    const source = { kind: "synthetic" as const, ref: "seed:9;bars:800" };
    // The baseline, in this thread: how long the same run holds an event loop when it runs on it.
    const plan = await planSession({
      sessionId: "baseline",
      data: { ...createdData, source },
    } as unknown as EventEnvelope<"SessionCreated">);
    const t0 = performance.now();
    runInProcessSession(plan.setup, plan.feed);
    const inProcess = performance.now() - t0;

    const log = createEmbeddedEventLog();
    const launcher = createSessionLauncher({ log, logger, runPaperSessions: false, liveTrading: false });
    const { longestMs } = await longestStallDuring(() =>
      launcher.launch({ ...base, mode: "backtest", sessionId: "bt-long", source }),
    );
    await launcher.close();
    const events = log.readAll(sessionFilter("cf", "bt-long"));
    expect(events.filter((e) => e.type === "DecisionMade")).toHaveLength(800);
    // On the loop, the stall would be the whole run; from a thread, copying and recording the result in slices.
    const said = `longest stall ${longestMs.toFixed(0)} ms; the run in process ${inProcess.toFixed(0)} ms`;
    expect(longestMs, said).toBeLessThan(inProcess / 3);
  });

  it("queues backtests beyond its threads and refuses more than its queue holds with RATE_LIMITED", async () => {
    const log = createEmbeddedEventLog();
    const threads = createSessionThreads({ size: 1, queue: 1 });
    const launcher = createSessionLauncher({
      log,
      logger,
      runPaperSessions: false,
      liveTrading: false,
      threads,
    });
    const launches = ["q1", "q2", "q3"].map((sessionId) =>
      launcher.launch({ ...base, mode: "backtest", sessionId }).then(
        () => "recorded",
        (e: unknown) => (hasErrorCode(e, "RATE_LIMITED") ? "refused" : String(e)),
      ),
    );
    expect(await Promise.all(launches)).toEqual(["recorded", "recorded", "refused"]);
    await threads.close();
    expect(log.readAll(sessionFilter("cf", "q3"))).toEqual([]);
  });

  it("opens a paper session and, on a single node, runs it in process to the end", async () => {
    const log = createEmbeddedEventLog();
    const launcher = createSessionLauncher({ log, logger, runPaperSessions: true, liveTrading: false });
    const { sessionId } = await launcher.launch({ ...base, mode: "paper", sessionId: "p1" });
    await launcher.idle();
    const types = log.readAll(sessionFilter("cf", sessionId)).map((e) => e.type);
    expect(types[0]).toBe("SessionCreated");
    expect(types.filter((t) => t === "DecisionMade")).toHaveLength(40);
    expect(types).toContain("SessionStopped");
  });

  it("only opens a paper session when workers run them", async () => {
    const log = createEmbeddedEventLog();
    const launcher = createSessionLauncher({ log, logger, runPaperSessions: false, liveTrading: false });
    const { sessionId } = await launcher.launch({ ...base, mode: "paper", sessionId: "p2" });
    await launcher.idle();
    expect(log.readAll(sessionFilter("cf", sessionId)).map((e) => e.type)).toEqual([
      "SessionCreated",
      "CommandIssued",
    ]);
  });

  it("refuses live sessions and unreadable sources before anything is written", async () => {
    const log = createEmbeddedEventLog();
    const launcher = createSessionLauncher({ log, logger, runPaperSessions: true, liveTrading: false });
    await expect(launcher.launch({ ...base, mode: "live" })).rejects.toBeInstanceOf(UnsupportedError);
    for (const mode of ["paper", "backtest"] as const) {
      const missing = await launcher
        .launch({ ...base, mode, source: { kind: "file", ref: "/nonexistent.csv" } })
        .catch((e: unknown) => e);
      expect(hasErrorCode(missing, "VALIDATION"), String(missing)).toBe(true);
      expect(String((missing as Error).message)).toMatch(
        /cannot read the candle file \/nonexistent.csv \(ENOENT\)/,
      );
    }
    // A backtest is planned in its thread: the source's error comes back with its code (a 4xx at the gateway).
    const bad = await launcher
      .launch({ ...base, mode: "backtest", source: { kind: "synthetic", ref: "seed:x" } })
      .catch((e: unknown) => e);
    expect(hasErrorCode(bad, "VALIDATION"), String(bad)).toBe(true);
    expect(String((bad as Error).message)).toMatch(/must read seed:<n>;bars:<n>/);
    expect(log.size).toBe(0);
    await launcher.close();
  });
});
