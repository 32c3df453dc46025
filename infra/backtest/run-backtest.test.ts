import { describe, expect, it } from "vitest";
import { hasErrorCode } from "../../events/index.ts";
import { syntheticBacktestSpec } from "./backtest-fixtures.ts";
import { runBacktest } from "./run-backtest.ts";

const spec = syntheticBacktestSpec();
const candles = spec.candles;

describe("runBacktest", () => {
  const a = runBacktest(spec);

  it("trades, closes every position at the end, and carries the data checksum and a trades fingerprint", () => {
    expect(a.bars).toBe(400);
    expect(a.metrics.canonical.trades).toBeGreaterThan(0);
    expect(a.openPositionsAtEnd).toBe(0);
    const ended = a.events.findIndex((e) => e.type === "MarketDataEnded");
    expect(ended).toBeGreaterThan(0);
    const last = a.events.findLast((e) => e.type === "PortfolioValued");
    expect(last?.type === "PortfolioValued" && last.data.positions).toEqual([]);
    expect(a.data).toEqual({ ref: "synthetic seed 4", sha256: "sha256-of-the-file", candles: 6000 });
    expect(a.tradesFingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.trades.length).toBe(a.metrics.canonical.trades);
    expect(a.metrics.canonical.endEquity).toBe(a.summary.finalEquity);
    const created = a.events.find((e) => e.type === "SessionCreated");
    expect(created?.type === "SessionCreated" && created.data.source).toEqual({
      kind: "file",
      ref: "synthetic seed 4",
      checksum: "sha256-of-the-file",
    });
  });

  it("is deterministic: same data and strategy, same session id, fingerprint and hash", () => {
    const b = runBacktest(spec);
    expect(b.sessionId).toBe(a.sessionId);
    expect(b.tradesFingerprint).toBe(a.tradesFingerprint);
    expect(b.hash).toBe(a.hash);
    expect(JSON.stringify(b.metrics)).toBe(JSON.stringify(a.metrics));
  });

  it("--fill-model overrides the strategy's and changes the fills", () => {
    const c = runBacktest({ ...spec, fillModel: "ohlc-path" });
    expect(c.fillModel).toBe("ohlc-path");
    expect(c.sessionId).not.toBe(a.sessionId);
    expect(() => runBacktest({ ...spec, fillModel: "magic" as never })).toThrow(/fill-model/);
  });

  it("short data is a clear validation error, not a crash", () => {
    try {
      runBacktest({ ...spec, candles: candles.slice(0, 20) });
      expect.unreachable();
    } catch (e) {
      expect(hasErrorCode(e) && e.code).toBe("VALIDATION");
      expect((e as Error).message).toMatch(/fewer than two 15m bars/);
    }
  });
});
