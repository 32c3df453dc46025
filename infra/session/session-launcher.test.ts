import { describe, expect, it } from "vitest";
import { createEmbeddedEventLog, sessionFilter, UnsupportedError } from "../../events/index.ts";
import { createLogger } from "../logging/create-logger.ts";
import { createSessionLauncher } from "./session-launcher.ts";

const logger = createLogger("silent");
const base = {
  symbols: ["BTC/USDT"],
  timeframe: "1m" as const,
  initialCash: "10000",
  quoteCurrency: "USDT",
  source: { kind: "synthetic" as const, ref: "seed:5;bars:40" },
  requestedBy: "test",
};

describe("the session launcher behind the gateway", () => {
  it("runs a backtest at once in process and records the whole session, under the log's own root", async () => {
    const log = createEmbeddedEventLog({ root: "other" });
    const launcher = createSessionLauncher({ log, logger, runPaperSessions: false, liveTrading: false });
    const { sessionId } = await launcher.launch({ ...base, mode: "backtest", sessionId: "bt1" });
    expect(sessionId).toBe("bt1");
    const events = log.readAll(sessionFilter("other", sessionId));
    expect(events.filter((e) => e.type === "CandleClosed")).toHaveLength(40);
    expect(events.at(-1)?.type).toBe("SessionStopped");
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
    await expect(
      launcher.launch({ ...base, mode: "paper", source: { kind: "file", ref: "/nonexistent.csv" } }),
    ).rejects.toThrow();
    expect(log.size).toBe(0);
  });
});
