import { Decimal } from "decimal.js";
import { describe, expect, it } from "vitest";
import type { Candle } from "./market-records.ts";
import { createCandleResampler, resampleCandles } from "./resample-candles.ts";

const H = Date.UTC(2024, 0, 1, 10);
const M = 60_000;

function bar(openTime: number, o: string, h: string, l: string, c: string, v: string): Candle {
  return { openTime, closeTime: openTime + M, open: o, high: h, low: l, close: c, volume: v, sourceBars: 1 };
}

/** 60 one-minute bars of one hour with known extremes: high at minute 17, low at minute 42. */
function hour(start = H): Candle[] {
  return Array.from({ length: 60 }, (_, i) => {
    const base = 100 + i;
    const high = i === 17 ? "999.5" : String(base + 1);
    const low = i === 42 ? "1.25" : String(base - 1);
    return bar(start + i * M, String(base), high, low, `${base}.5`, "0.1");
  });
}

describe("createCandleResampler", () => {
  it("aggregates 60 one-minute bars into one 1h bar", () => {
    const out = [...resampleCandles(hour(), "1h")];
    expect(out).toEqual([
      {
        openTime: H,
        closeTime: H + 60 * M,
        open: "100",
        high: "999.5",
        low: "1.25",
        close: "159.5",
        volume: "6",
        sourceBars: 60,
      },
    ]);
  });

  it("emits nothing before the close: the bar appears with the source bar that closes at the boundary", () => {
    const r = createCandleResampler("1h");
    const bars = hour();
    for (const b of bars.slice(0, 59)) expect(r.push(b)).toEqual([]);
    expect(r.pending()?.sourceBars).toBe(59);
    const last = r.push(bars[59] as Candle);
    expect(last).toHaveLength(1);
    expect(last[0]?.closeTime).toBe(H + 3_600_000);
    expect(r.pending()).toBeUndefined();
  });

  it("does not emit an incomplete trailing bar unless flushed at a known end", () => {
    const partial = hour().slice(0, 30);
    expect([...resampleCandles(partial, "1h")]).toEqual([]);
    const flushed = [...resampleCandles(partial, "1h", { flushAtEnd: true })];
    expect(flushed).toHaveLength(1);
    expect(flushed[0]).toMatchObject({ sourceBars: 30, closeTime: H + 3_600_000, close: "129.5" });
  });

  it("closes a bar when a later bar shows it ended (gap at the end of the period)", () => {
    const bars = [...hour().slice(0, 50), ...hour(H + 3_600_000).slice(0, 60)];
    const out = [...resampleCandles(bars, "1h")];
    expect(out.map((c) => c.sourceBars)).toEqual([50, 60]);
    expect(out[0]?.closeTime).toBe(H + 3_600_000);
  });

  it("sums volume exactly", () => {
    const bars = Array.from({ length: 5 }, (_, i) =>
      bar(H + i * M, "1", "1", "1", "1", ["0.1", "0.2", "0.3", "0.00000001", "1234.5"][i] as string),
    );
    const [b] = [...resampleCandles(bars, "5m")];
    expect(b?.volume).toBe("1235.10000001");
  });

  it("aligns to UTC boundaries for every timeframe", () => {
    const day = Date.UTC(2024, 0, 1);
    // 2 days of 1m bars starting at 00:00 UTC.
    const src = Array.from({ length: 2880 }, (_, i) => bar(day + i * M, "10", "11", "9", "10", "1"));
    const counts = Object.fromEntries(
      (["5m", "15m", "1h", "4h", "1d"] as const).map((tf) => {
        const out = [...resampleCandles(src, tf)];
        const period = out[0] === undefined ? 0 : out[0].closeTime - out[0].openTime;
        for (const c of out) expect(c.openTime % period).toBe(0);
        return [tf, out.length];
      }),
    );
    expect(counts).toEqual({ "5m": 576, "15m": 192, "1h": 48, "4h": 12, "1d": 2 });
  });

  it("starts a partial first bar when the data begins mid-period", () => {
    const src = hour().slice(45); // 10:45..10:59
    const [b] = [...resampleCandles(src, "1h")];
    expect(b).toMatchObject({ openTime: H, sourceBars: 15, open: "145" });
  });

  it("chains: 1m → 5m → 1h equals 1m → 1h", () => {
    const src = hour();
    const direct = [...resampleCandles(src, "1h")];
    const chained = [...resampleCandles(resampleCandles(src, "5m"), "1h")];
    expect(chained).toEqual(direct);
  });

  it("refuses out-of-order input and a source coarser than the target", () => {
    const r = createCandleResampler("5m");
    r.push(bar(H + M, "1", "1", "1", "1", "1"));
    expect(() => r.push(bar(H, "1", "1", "1", "1", "1"))).toThrow(/out of order/);
    const coarse = { ...bar(H, "1", "1", "1", "1", "1"), closeTime: H + 3_600_000 };
    expect(() => createCandleResampler("5m").push(coarse)).toThrow(/cannot be resampled/);
  });

  it("matches a direct OHLCV computation on random data", () => {
    let s = 7;
    const rnd = () => {
      s = (s * 16807) % 2147483647;
      return s / 2147483647;
    };
    const src = Array.from({ length: 240 }, (_, i) => {
      const o = (1000 + rnd() * 100).toFixed(2);
      const c = (1000 + rnd() * 100).toFixed(2);
      const h = (Math.max(Number(o), Number(c)) + rnd()).toFixed(2);
      const l = (Math.min(Number(o), Number(c)) - rnd()).toFixed(2);
      return bar(H + i * M, o, h, l, c, (rnd() * 5).toFixed(8));
    });
    const out = [...resampleCandles(src, "15m")];
    expect(out).toHaveLength(16);
    out.forEach((b, k) => {
      const part = src.slice(k * 15, k * 15 + 15);
      expect(b.open).toBe(part[0]?.open);
      expect(b.close).toBe(part[14]?.close);
      expect(Number(b.high)).toBe(Math.max(...part.map((p) => Number(p.high))));
      expect(Number(b.low)).toBe(Math.min(...part.map((p) => Number(p.low))));
      expect(b.volume).toBe(part.reduce((a, p) => a.plus(p.volume), new Decimal(0)).toFixed());
    });
  });
});
