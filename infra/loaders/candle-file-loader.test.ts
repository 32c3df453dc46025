import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { marketFeed } from "../../actors/index.ts";
import { loadCandleFile, parseCandleText } from "./candle-file-loader.ts";

const shared = (name: string) => fileURLToPath(new URL(`../../../shared/data/${name}`, import.meta.url));
const T = Date.UTC(2021, 1, 19);
const M = 60_000;

describe("loadCandleFile on the shared real week", () => {
  it("loads 10,080 one-minute bars with no gaps, with the published checksum", async () => {
    const { candles, report } = await loadCandleFile(shared("btcusdt-1m-2021-02-19.csv"));
    expect(report).toEqual({
      format: "csv",
      layout: "header",
      rows: 10_080,
      candles: 10_080,
      first: "2021-02-19T00:00:00.000Z",
      last: "2021-02-25T23:59:00.000Z",
      timeUnit: "ms",
      intervalMs: 60_000,
      timeframe: "1m",
      gaps: [],
      missingBars: 0,
      duplicates: [],
      reordered: false,
      inconsistent: [],
      sha256: "db5907b65389ec6fccb6709294a5ba31380a5b5c1daaf162b132c906f5dd8a0c",
    });
    expect(candles[0]).toEqual({
      openTime: 1613692800000,
      closeTime: 1613692860000,
      open: "51552.61",
      high: "51657.05",
      low: "51545",
      close: "51613.38",
      volume: "134.989218",
      sourceBars: 1,
    });
    expect(candles.at(-1)?.closeTime).toBe(Date.UTC(2021, 1, 26));
  });

  it("feeds a week of hourly bars", async () => {
    const { candles } = await loadCandleFile(shared("btcusdt-1m-2021-02-19.csv"));
    const drafts = [...marketFeed({ symbol: "BTC/USDT", timeframe: "1h", candles })];
    const bars = drafts.filter((d) => d.type === "CandleClosed");
    expect(bars).toHaveLength(168);
    expect(bars.every((b) => b.data.sourceBars === 60)).toBe(true);
    expect(drafts.at(-1)).toMatchObject({ type: "MarketDataEnded", data: { bars: 168 } });
  });
});

describe("parseCandleText formats and units", () => {
  const expectFirst = (text: string, unit: string) => {
    const { candles, report } = parseCandleText(text);
    expect(report.timeUnit).toBe(unit);
    expect(candles[0]).toMatchObject({
      openTime: T,
      closeTime: T + M,
      open: "100",
      high: "110.5",
      volume: "0.0005",
    });
    expect(candles).toHaveLength(2);
    return report;
  };

  it("reads seconds, milliseconds, microseconds, nanoseconds and ISO times", () => {
    const rows = (t0: string | number, t1: string | number) =>
      `time,open,high,low,close,volume\n${t0},100,110.5,90,105,5.0E-4\n${t1},105,106,104,104,1\n`;
    expectFirst(rows(T / 1000, T / 1000 + 60), "s");
    expectFirst(rows(T, T + M), "ms");
    expectFirst(rows(T * 1000, (T + M) * 1000), "us");
    expectFirst(rows(`${T}000000`, `${T + M}000000`), "ns");
    expectFirst(rows("2021-02-19T00:00:00Z", "2021-02-19T00:01:00Z"), "iso");
    expectFirst(rows("2021-02-19 00:00:00", "2021-02-19 00:01:00"), "iso");
    expectFirst(rows("2021-02-19T01:00:00+01:00", "2021-02-19T01:01:00+01:00"), "iso");
  });

  it("reads headerless Binance kline CSV (12 columns, µs as written since 2025)", () => {
    const line = (t: number, o: string) =>
      `${t * 1000},${o},110.50000000,90.00000000,105.00000000,0.00050000,${(t + M) * 1000 - 1},1.5,10,0.1,0.2,0`;
    const report = expectFirst(`${line(T, "100.00000000")}\n${line(T + M, "105")}\n`, "us");
    expect(report.layout).toBe("positional");
  });

  it("reads JSON: ccxt OHLCV arrays, Binance klines with strings, objects, wrapped objects", () => {
    expectFirst(
      JSON.stringify([
        [T, 100, 110.5, 90, 105, 0.0005],
        [T + M, 105, 106, 104, 104, 1],
      ]),
      "ms",
    );
    const kline = (t: number, o: string) => [
      t,
      o,
      "110.5",
      "90",
      "105",
      "0.0005",
      t + M - 1,
      "1",
      10,
      "0",
      "0",
      "0",
    ];
    expectFirst(JSON.stringify([kline(T, "100.000"), kline(T + M, "105")]), "ms");
    const objs = [
      { timestamp: "2021-02-19T00:00:00.000Z", open: 100, high: 110.5, low: 90, close: 105, volume: "5e-4" },
      { timestamp: "2021-02-19T00:01:00.000Z", open: 105, high: 106, low: 104, close: 104, volume: 1 },
    ];
    expect(expectFirst(JSON.stringify(objs), "iso").layout).toBe("objects");
    const short = objs.map((o) => ({
      t: Date.parse(o.timestamp) / 1000,
      o: o.open,
      h: o.high,
      l: o.low,
      c: o.close,
      v: o.volume,
    }));
    expectFirst(JSON.stringify({ candles: short }), "s");
    const benny = objs.map((o) => ({
      base: "BTC",
      counter: "USDT",
      openTimeInISO: o.timestamp,
      openTimeInMillis: Date.parse(o.timestamp),
      sizeInMillis: M,
      open: String(o.open),
      high: String(o.high),
      low: String(o.low),
      close: String(o.close),
      volume: String(o.volume),
    }));
    expectFirst(JSON.stringify(benny), "ms");
  });

  it("reads semicolon CSV and exports with a title line and Volume BTC / Volume USDT columns", () => {
    expectFirst(
      `date;open;high;low;close;volume\n2021-02-19 00:00;100;110.5;90;105;0.0005\n2021-02-19 00:01;105;106;104;104;1\n`,
      "iso",
    );
    const cdd = [
      "https://www.example-data-download.com",
      "unix,date,symbol,open,high,low,close,Volume BTC,Volume USDT,tradecount",
      `${T},2021-02-19 00:00:00,BTC/USDT,100,110.5,90,105,0.0005,0.05,3`,
      `${T + M},2021-02-19 00:01:00,BTC/USDT,105,106,104,104,1,104,1`,
    ].join("\n");
    expectFirst(cdd, "ms");
  });

  it("detects daily bars", () => {
    const { report } = parseCandleText(
      `date,open,high,low,close,volume\n2021-02-19,1,1,1,1,1\n2021-02-20,1,1,1,1,1\n`,
    );
    expect(report).toMatchObject({ intervalMs: 86_400_000, timeframe: "1d" });
  });
});

describe("parseCandleText reports what is wrong with the data", () => {
  const csv = (times: number[], close = (_: number) => "100") =>
    `open_time,open,high,low,close,volume\n${times.map((t, i) => `${t},100,101,99,${close(i)},1`).join("\n")}\n`;

  it("reports gaps with the bars missing", () => {
    const times = [0, 1, 2, 5, 6, 7, 8, 20].map((i) => T + i * M);
    const { candles, report } = parseCandleText(csv(times));
    expect(candles).toHaveLength(8);
    expect(report.intervalMs).toBe(M);
    expect(report.gaps).toEqual([
      { after: "2021-02-19T00:02:00.000Z", before: "2021-02-19T00:05:00.000Z", missingBars: 2 },
      { after: "2021-02-19T00:08:00.000Z", before: "2021-02-19T00:20:00.000Z", missingBars: 11 },
    ]);
    expect(report.missingBars).toBe(13);
  });

  it("reports duplicates: identical copies dropped, conflicts keep the first row", () => {
    const times = [0, 1, 1, 2, 2, 3].map((i) => T + i * M);
    const { candles, report } = parseCandleText(csv(times, (i) => (i === 4 ? "99.5" : "100")));
    expect(candles.map((c) => (c.openTime - T) / M)).toEqual([0, 1, 2, 3]);
    expect(candles[2]?.close).toBe("100");
    expect(report.duplicates).toEqual([
      { time: "2021-02-19T00:01:00.000Z", status: "kept" },
      { time: "2021-02-19T00:02:00.000Z", status: "conflict" },
    ]);
    expect(report).toMatchObject({ rows: 6, candles: 4, gaps: [] });
  });

  it("sorts descending or shuffled files and says so", () => {
    const times = [3, 2, 1, 0].map((i) => T + i * M);
    const { candles, report } = parseCandleText(csv(times));
    expect(candles.map((c) => c.openTime)).toEqual([...times].reverse());
    expect(report.reordered).toBe(true);
  });

  it("flags bars whose high/low do not contain open and close", () => {
    const { report } = parseCandleText(`t,o,h,l,c,v\n${T},100,99,98,100,1\n${T + M},100,101,99,100,1\n`);
    expect(report.inconsistent).toEqual(["2021-02-19T00:00:00.000Z"]);
  });

  it("refuses bad numbers, negative values, missing columns and unknown times, naming the row", () => {
    expect(() => parseCandleText(`t,o,h,l,c,v\n${T},100,101,99,abc,1\n`)).toThrow(
      /row 2: close not a number/,
    );
    expect(() => parseCandleText(`t,o,h,l,c,v\n${T},100,101,99,100,-1\n`)).toThrow(/row 2: volume negative/);
    expect(() => parseCandleText(`when,o,h,l,c,v\n${T},1,1,1,1,1\n`)).toThrow(/columns not found: time/);
    expect(() => parseCandleText(`t,o,h,l,c,v\n${T},1,1,1,1,1\nyesterday,1,1,1,1,1\n`)).toThrow(
      /row 3: time/,
    );
    expect(() => parseCandleText(`t,o,h,l,c,v\n${T},1,1,1,1,1\n`)).toThrow(/single bar/);
    expect(parseCandleText(`t,o,h,l,c,v\n${T},1,1,1,1,1\n`, { timeframe: "1h" }).candles[0]?.closeTime).toBe(
      T + 3_600_000,
    );
    expect(() => parseCandleText("[1,2")).toThrow(/not valid JSON/);
    expect(() => parseCandleText("t,o,h,l,c,v\n")).toThrow(/no data rows/);
  });

  it("checksums the text", () => {
    const text = csv([T, T + M]);
    expect(parseCandleText(text).report.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(parseCandleText(text).report.sha256).not.toBe(parseCandleText(`${text}\n`).report.sha256);
  });
});
