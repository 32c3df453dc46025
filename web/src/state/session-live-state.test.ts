import { describe, expect, it } from "vitest";
import type { EventEnvelope } from "../api/api-types.ts";
import { applySessionEvent, feedLimit, type SessionLiveState } from "./session-live-state.ts";

const initial: SessionLiveState = {
  symbol: "BTC/USDT",
  timeframe: "1m",
  candles: [],
  equity: [],
  decisions: [],
  agents: [],
  fills: [],
  status: "running",
  tradingState: "ACTIVE",
  lastSeq: 10,
};
const ev = (seq: number, type: string, data: Record<string, unknown>): EventEnvelope => ({
  id: `e${seq}`,
  type,
  sessionId: "s1",
  seq,
  at: "2024-01-01T00:01:00.000Z",
  data,
});
const candle = (seq: number, minute: number, symbol = "BTC/USDT") =>
  ev(seq, "CandleClosed", {
    symbol,
    timeframe: "1m",
    openTime: `2024-01-01T00:${String(minute).padStart(2, "0")}:00.000Z`,
    closeTime: `2024-01-01T00:${String(minute + 1).padStart(2, "0")}:00.000Z`,
    open: "1",
    high: "2",
    low: "0.5",
    close: "1.5",
    volume: "10",
  });

describe("session live state", () => {
  it("adds candles of the charted symbol in time order and ignores replays and other symbols", () => {
    let s = applySessionEvent(initial, candle(11, 2)).state;
    s = applySessionEvent(s, candle(12, 1)).state;
    const other = applySessionEvent(s, candle(13, 3, "ETH/USDT"));
    expect(other.changed.has("candles")).toBe(false);
    s = other.state;
    expect(s.candles.map((c) => c.openTime.slice(14, 16))).toEqual(["01", "02"]);
    const replay = applySessionEvent(s, candle(12, 5));
    expect(replay.state).toBe(s);
    expect(replay.changed.size).toBe(0);
  });

  it("puts a decision on top of the feed with its votes, capped at the feed limit", () => {
    let s = initial;
    for (let i = 0; i < feedLimit + 5; i++) {
      s = applySessionEvent(
        s,
        ev(11 + i, "DecisionMade", {
          symbol: "BTC/USDT",
          timeframe: "1m",
          bar: "2024-01-01T00:01:00.000Z",
          action: i % 2 ? "BUY" : "HOLD",
          consensus: 0.7,
          scores: { BUY: 1, SELL: 0, HOLD: 0 },
          votes: [{ agent: "trend", action: "BUY", confidence: 0.8, weight: 1, signalId: "x" }],
          missing: [],
          price: "100",
          reasoning: "trend up",
        }),
      ).state;
    }
    expect(s.decisions).toHaveLength(feedLimit);
    expect(s.decisions[0]?.decisionId).toBe(`e${10 + feedLimit + 5}`);
    expect(s.decisions[0]?.votes?.[0]?.confidence).toBe(0.8);
  });

  it("tracks equity, agent status, trading state and session status, and names what to re-read", () => {
    let r = applySessionEvent(
      initial,
      ev(11, "PortfolioValued", { bar: "2024-01-01T00:01:00.000Z", equity: "10010", drawdown: 0.01 }),
    );
    expect(r.state.equity).toEqual([
      { bar: "2024-01-01T00:01:00.000Z", equity: "10010", drawdown: 0.01, seq: 11 },
    ]);
    r = applySessionEvent(
      r.state,
      ev(12, "SignalEmitted", { agent: "trend", action: "SELL", confidence: 0.4 }),
    );
    expect(r.state.agents[0]).toMatchObject({ agent: "trend", action: "SELL", signals: 1 });
    r = applySessionEvent(
      r.state,
      ev(13, "TradingStateChanged", { from: "ACTIVE", to: "HALTED", reason: "dd" }),
    );
    expect(r.state.tradingState).toBe("HALTED");
    r = applySessionEvent(r.state, ev(14, "SessionPaused", {}));
    expect(r.state.status).toBe("paused");
    const fill = {
      fillId: "f1",
      orderId: "o1",
      symbol: "BTC/USDT",
      side: "buy",
      price: "100",
      quantity: "1",
    };
    r = applySessionEvent(r.state, ev(15, "OrderFilled", { ...fill, fee: "0.1", feeCurrency: "USDT" }));
    expect([...r.changed].sort()).toEqual(["fills", "metrics", "orders", "positions"]);
    expect(r.state.fills).toEqual([
      expect.objectContaining({ ...fill, at: "2024-01-01T00:01:00.000Z", seq: 15 }),
    ]);
    r = applySessionEvent(r.state, ev(16, "OrderFilled", { ...fill, fillId: "f2", symbol: "ETH/USDT" }));
    expect(r.changed.has("fills")).toBe(false);
    expect(r.state.fills).toHaveLength(1);
    expect(r.state.lastSeq).toBe(16);
  });
});
