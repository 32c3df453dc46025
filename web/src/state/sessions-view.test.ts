import { describe, expect, it } from "vitest";
import type { Session } from "../api/api-types.ts";
import { filterSessions, type SessionRow, sortSessions, toggleSort } from "./sessions-view.ts";

const session = (id: string, over: Partial<Session> = {}): Session => ({
  sessionId: id,
  mode: "backtest",
  symbols: ["BTC/USDT"],
  timeframe: "1m",
  initialCash: "10000",
  quoteCurrency: "USDT",
  strategy: {},
  strategyVersion: "1",
  parentSessionId: null,
  label: null,
  status: "stopped",
  statusReason: null,
  createdAt: "2024-01-01T00:00:00.000Z",
  startedAt: null,
  stoppedAt: null,
  finalEquity: null,
  seq: 1,
  ...over,
});
const row = (s: Session, pnl: string | null = null, drawdown: number | null = null): SessionRow => ({
  session: s,
  pnl,
  drawdown,
});

const rows = [
  row(session("a", { mode: "paper", status: "running", label: "Morning run" }), "12.5", 0.02),
  row(session("b", { symbols: ["ETH/USDT"], createdAt: "2024-02-01T00:00:00.000Z" }), "-3", 0.1),
  row(session("c", { createdAt: "2024-03-01T00:00:00.000Z" })),
];
const ids = (r: SessionRow[]) => r.map((x) => x.session.sessionId);

describe("sessions table view", () => {
  it("filters by mode, status and text in id, label or symbol", () => {
    expect(ids(filterSessions(rows, { text: "", mode: "paper", status: "" }))).toEqual(["a"]);
    expect(ids(filterSessions(rows, { text: "", mode: "", status: "stopped" }))).toEqual(["b", "c"]);
    expect(ids(filterSessions(rows, { text: "eth", mode: "", status: "" }))).toEqual(["b"]);
    expect(ids(filterSessions(rows, { text: "MORNING", mode: "", status: "" }))).toEqual(["a"]);
    expect(ids(filterSessions(rows, { text: "zzz", mode: "", status: "" }))).toEqual([]);
  });

  it("sorts by a column either way, unknown P&L last both ways", () => {
    expect(ids(sortSessions(rows, { key: "pnl", dir: "desc" }))).toEqual(["a", "b", "c"]);
    expect(ids(sortSessions(rows, { key: "pnl", dir: "asc" }))).toEqual(["b", "a", "c"]);
    expect(ids(sortSessions(rows, { key: "createdAt", dir: "desc" }))).toEqual(["c", "b", "a"]);
    expect(ids(sortSessions(rows, { key: "drawdown", dir: "asc" }))).toEqual(["a", "b", "c"]);
  });

  it("toggles a column's direction and starts a new column descending", () => {
    expect(toggleSort({ key: "pnl", dir: "desc" }, "pnl")).toEqual({ key: "pnl", dir: "asc" });
    expect(toggleSort({ key: "pnl", dir: "asc" }, "drawdown")).toEqual({ key: "drawdown", dir: "desc" });
  });
});
