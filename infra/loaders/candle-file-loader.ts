import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { type Candle, compareDecimalStrings, toDecimalString } from "../../actors/index.ts";
import { type Timeframe, timeframeMs, timeframes, ValidationError } from "../../events/index.ts";
import { csvRows } from "./csv-rows.ts";

/** How the file wrote its times: seconds, milliseconds, microseconds, nanoseconds since the epoch, or ISO text. */
export type TimeUnit = "s" | "ms" | "us" | "ns" | "iso";

export interface CandleGap {
  /** Open time of the last bar before the gap. */
  readonly after: string;
  /** Open time of the first bar after it. */
  readonly before: string;
  readonly missingBars: number;
}

export interface CandleDuplicate {
  readonly time: string;
  /** kept: an identical copy was dropped; conflict: the rows differ and the first one in the file was kept. */
  readonly status: "kept" | "conflict";
}

/** What a candle file held: never hides gaps, duplicates, reordering or inconsistent bars. */
export interface LoadReport {
  readonly format: "csv" | "json";
  /** header (named columns), positional (exchange arrays: Binance klines, ccxt OHLCV), objects (JSON records). */
  readonly layout: "header" | "positional" | "objects";
  /** Data rows read. */
  readonly rows: number;
  /** Candles returned (rows less dropped duplicates). */
  readonly candles: number;
  readonly first?: string;
  readonly last?: string;
  readonly timeUnit: TimeUnit;
  readonly intervalMs?: number;
  /** The interval as a known timeframe, when it is one. */
  readonly timeframe?: Timeframe;
  readonly gaps: readonly CandleGap[];
  readonly missingBars: number;
  readonly duplicates: readonly CandleDuplicate[];
  /** True when the rows were not in ascending time order (they are returned sorted). */
  readonly reordered: boolean;
  /** Open times of bars whose high/low do not contain open and close (kept as they are). */
  readonly inconsistent: readonly string[];
  readonly sha256: string;
}

export interface LoadedCandles {
  readonly candles: Candle[];
  readonly report: LoadReport;
}

export interface CandleParseOptions {
  /** Force the format instead of detecting it from the content. */
  readonly format?: "csv" | "json";
  /** The bar interval, for files too short to detect it (a single bar). */
  readonly timeframe?: Timeframe;
}

interface RawRow {
  readonly time: unknown;
  readonly values: readonly unknown[];
  readonly line: number;
}

const timeKeys = [
  "opentime",
  "opentimeinmillis",
  "timestamp",
  "unix",
  "time",
  "datetime",
  "date",
  "ts",
  "t",
  "mts",
];
const fieldKeys = [
  ["open", "o"],
  ["high", "h"],
  ["low", "l"],
  ["close", "c"],
  ["volume", "vol", "v", "basevolume"],
] as const;

const normKey = (k: string): string => k.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Reads a candle file (CSV or JSON, see parseCandleText) and reports what it held. */
export async function loadCandleFile(path: string, options: CandleParseOptions = {}): Promise<LoadedCandles> {
  const bytes = await readFile(path).catch((cause: NodeJS.ErrnoException) => {
    // A path that names no readable file is bad input (a 400 at the gateway), not a fault of ours.
    throw new ValidationError(`cannot read the candle file ${path} (${cause.code ?? cause.message})`, [
      { path: "file", message: cause.code ?? "unreadable" },
    ]);
  });
  return parseCandles(bytes.toString("utf8"), sha256(bytes), options);
}

/**
 * Parses candle text: CSV with a header (open_time/timestamp/date/time…, open, high, low, close, volume), CSV without
 * one (Binance kline exports: 12 positional columns), JSON arrays of arrays (ccxt OHLCV [[ts,o,h,l,c,v]], Binance
 * klines) or of objects (time/timestamp/date keys), optionally wrapped in {data|candles|result: [...]}. The time unit
 * is detected (s, ms, µs, ns, ISO); prices and volumes become exact decimal strings; candles come back sorted.
 */
export function parseCandleText(text: string, options: CandleParseOptions = {}): LoadedCandles {
  return parseCandles(text, sha256(Buffer.from(text, "utf8")), options);
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function parseCandles(text: string, checksum: string, options: CandleParseOptions): LoadedCandles {
  const trimmed = text.trimStart();
  const format = options.format ?? (trimmed.startsWith("[") || trimmed.startsWith("{") ? "json" : "csv");
  const { rows, layout } = format === "json" ? jsonRows(text) : csvCandleRows(text);
  if (rows.length === 0) {
    throw new ValidationError("the candle file has no data rows", [{ path: "rows", message: "empty" }]);
  }
  const timeUnit = detectUnit(rows[0] as RawRow);
  const parsed = rows.map((r) => toBar(r, timeUnit));
  return assemble(parsed, { format, layout, timeUnit, checksum, options });
}

function csvCandleRows(text: string): { rows: RawRow[]; layout: LoadReport["layout"] } {
  // Some exports put a title line before the header (one field): skip lines until a wide one.
  const all = csvRows(text);
  const start = all.findIndex((r) => r.length >= 5);
  if (start < 0) return { rows: [], layout: "header" };
  const head = all[start] as string[];
  const hasHeader = parseTime(head[0] ?? "") === undefined;
  if (!hasHeader) {
    return {
      layout: "positional",
      rows: all.slice(start).map((r, i) => ({ time: r[0], values: r.slice(1, 6), line: start + i + 1 })),
    };
  }
  const pick = columnPicker(head.map(normKey));
  return {
    layout: "header",
    rows: all.slice(start + 1).map((r, i) => ({
      time: r[pick.time],
      values: pick.fields.map((c) => r[c]),
      line: start + i + 2,
    })),
  };
}

function columnPicker(keys: readonly string[]): { time: number; fields: number[] } {
  const find = (names: readonly string[]): number => {
    for (const n of names) {
      const i = keys.indexOf(n);
      if (i >= 0) return i;
    }
    return -1;
  };
  const time = find(timeKeys);
  const fields = fieldKeys.map((names, k) => {
    const i = find(names);
    // "Volume BTC", "volume_base": the first column whose name starts with volume.
    return i >= 0 || k < 4 ? i : keys.findIndex((key) => key.startsWith("volume"));
  });
  const missing = [time, ...fields].map((i, k) =>
    i < 0 ? (["time", "open", "high", "low", "close", "volume"][k] ?? "") : "",
  );
  if (missing.some((m) => m !== "")) {
    throw new ValidationError(`candle columns not found: ${missing.filter((m) => m !== "").join(", ")}`, [
      { path: "header", message: `columns seen: ${keys.join(", ")}` },
    ]);
  }
  return { time, fields };
}

function jsonRows(text: string): { rows: RawRow[]; layout: LoadReport["layout"] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new ValidationError("the candle file is not valid JSON", [{ path: "$", message: String(cause) }], {
      cause,
    });
  }
  const list = Array.isArray(doc) ? doc : unwrap(doc);
  const first = list[0];
  if (first === undefined) return { rows: [], layout: "objects" };
  if (Array.isArray(first)) {
    return {
      layout: "positional",
      rows: list.map((r, i) => {
        const a = Array.isArray(r) ? r : [];
        return { time: a[0], values: a.slice(1, 6), line: i + 1 };
      }),
    };
  }
  const keys = Object.keys(first as object);
  const pick = columnPicker(keys.map(normKey));
  const names = [pick.time, ...pick.fields].map((i) => keys[i] as string);
  return {
    layout: "objects",
    rows: list.map((r, i) => {
      const o = (r ?? {}) as Record<string, unknown>;
      return { time: o[names[0] as string], values: names.slice(1).map((n) => o[n]), line: i + 1 };
    }),
  };
}

function unwrap(doc: unknown): unknown[] {
  if (doc !== null && typeof doc === "object") {
    const o = doc as Record<string, unknown>;
    for (const k of ["data", "candles", "result", "klines", "ohlcv", "bars"])
      if (Array.isArray(o[k])) return o[k];
    const arrays = Object.values(o).filter(Array.isArray);
    if (arrays.length === 1) return arrays[0] as unknown[];
  }
  throw new ValidationError("no candle array in the JSON document", [
    { path: "$", message: "expected an array, or an object with one array (data, candles, result…)" },
  ]);
}

/** Parses a timestamp as a number (any unit) or an ISO text; undefined when it is neither. */
function parseTime(v: unknown): number | string | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v !== "string" || v === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  return /^\d{4}-\d{2}-\d{2}/.test(v) && Number.isFinite(isoMs(v)) ? v : undefined;
}

/** ISO text to ms; a time without a zone is UTC (exchange exports write UTC). */
function isoMs(v: string): number {
  const s = v.trim().replace(" ", "T");
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(s) || /^\d{4}-\d{2}-\d{2}$/.test(s);
  return Date.parse(zoned ? s : `${s}Z`);
}

function detectUnit(row: RawRow): TimeUnit {
  const t = parseTime(row.time);
  if (t === undefined) throw badRow(row, "time", `not a timestamp: ${JSON.stringify(row.time)}`);
  if (typeof t === "string") return "iso";
  const a = Math.abs(t);
  // Magnitudes of the years 1973–2286 in each unit do not overlap.
  if (a < 1e11) return "s";
  if (a < 1e14) return "ms";
  if (a < 1e17) return "us";
  return "ns";
}

const unitScale: Readonly<Record<Exclude<TimeUnit, "iso">, number>> = { s: 1000, ms: 1, us: 1e-3, ns: 1e-6 };
const earliest = Date.UTC(1990, 0, 1);
const latest = Date.UTC(2100, 0, 1);

interface Bar {
  readonly time: number;
  readonly o: string;
  readonly h: string;
  readonly l: string;
  readonly c: string;
  readonly v: string;
  readonly line: number;
}

function toBar(row: RawRow, unit: TimeUnit): Bar {
  const t = parseTime(row.time);
  let time: number;
  if (unit === "iso") {
    if (typeof t !== "string") throw badRow(row, "time", "expected an ISO time like the first row");
    time = isoMs(t);
  } else {
    if (typeof t !== "number") throw badRow(row, "time", "expected a number like the first row");
    time = Math.round(t * unitScale[unit]);
  }
  if (!(time >= earliest && time < latest)) {
    throw badRow(row, "time", `time ${JSON.stringify(row.time)} is outside 1990–2100 when read as ${unit}`);
  }
  const [o, h, l, c, v] = ["open", "high", "low", "close", "volume"].map((name, k) => {
    const raw = row.values[k];
    if (typeof raw !== "string" && typeof raw !== "number") throw badRow(row, name, "missing");
    let d: string;
    try {
      d = toDecimalString(raw);
    } catch {
      throw badRow(row, name, `not a number: ${JSON.stringify(raw)}`);
    }
    if (d.startsWith("-")) throw badRow(row, name, `negative: ${d}`);
    return d;
  }) as [string, string, string, string, string];
  return { time, o, h, l, c, v, line: row.line };
}

function badRow(row: RawRow, field: string, message: string): ValidationError {
  return new ValidationError(`candle row ${row.line}: ${field} ${message}`, [
    { path: `rows[${row.line}].${field}`, message },
  ]);
}

const iso = (ms: number): string => new Date(ms).toISOString();

function assemble(
  bars: Bar[],
  meta: {
    format: LoadReport["format"];
    layout: LoadReport["layout"];
    timeUnit: TimeUnit;
    checksum: string;
    options: CandleParseOptions;
  },
): LoadedCandles {
  let reordered = false;
  for (let i = 1; i < bars.length; i += 1) {
    if ((bars[i] as Bar).time < (bars[i - 1] as Bar).time) {
      reordered = true;
      break;
    }
  }
  // Stable: among equal times the file's first row stays first.
  const sorted = reordered ? [...bars].sort((a, b) => a.time - b.time) : bars;
  const unique: Bar[] = [];
  const duplicates: CandleDuplicate[] = [];
  for (const b of sorted) {
    const prev = unique[unique.length - 1];
    if (prev !== undefined && prev.time === b.time) {
      const same = prev.o === b.o && prev.h === b.h && prev.l === b.l && prev.c === b.c && prev.v === b.v;
      duplicates.push({ time: iso(b.time), status: same ? "kept" : "conflict" });
    } else {
      unique.push(b);
    }
  }
  const intervalMs =
    meta.options.timeframe === undefined ? modeStep(unique) : timeframeMs[meta.options.timeframe];
  if (intervalMs === undefined) {
    throw new ValidationError("cannot detect the bar interval of a single bar: pass a timeframe", [
      { path: "timeframe", message: "required for one-bar files" },
    ]);
  }
  const gaps: CandleGap[] = [];
  let missingBars = 0;
  const inconsistent: string[] = [];
  const candles: Candle[] = unique.map((b, i) => {
    const next = unique[i + 1];
    if (next !== undefined && next.time - b.time > intervalMs) {
      const missing = Math.round((next.time - b.time) / intervalMs) - 1;
      gaps.push({ after: iso(b.time), before: iso(next.time), missingBars: missing });
      missingBars += missing;
    }
    const top = compareDecimalStrings(b.o, b.c) >= 0 ? b.o : b.c;
    const bottom = top === b.o ? b.c : b.o;
    if (compareDecimalStrings(b.h, top) < 0 || compareDecimalStrings(b.l, bottom) > 0)
      inconsistent.push(iso(b.time));
    return {
      openTime: b.time,
      closeTime: b.time + intervalMs,
      open: b.o,
      high: b.h,
      low: b.l,
      close: b.c,
      volume: b.v,
      sourceBars: 1,
    };
  });
  const timeframe = timeframes.find((tf) => timeframeMs[tf] === intervalMs);
  const first = candles[0];
  const last = candles[candles.length - 1];
  return {
    candles,
    report: {
      format: meta.format,
      layout: meta.layout,
      rows: bars.length,
      candles: candles.length,
      ...(first === undefined ? {} : { first: iso(first.openTime) }),
      ...(last === undefined ? {} : { last: iso(last.openTime) }),
      timeUnit: meta.timeUnit,
      intervalMs,
      ...(timeframe === undefined ? {} : { timeframe }),
      gaps,
      missingBars,
      duplicates,
      reordered,
      inconsistent,
      sha256: meta.checksum,
    },
  };
}

/** The most frequent step between consecutive bars (the interval; gaps are the exceptions). */
function modeStep(bars: readonly Bar[]): number | undefined {
  const counts = new Map<number, number>();
  for (let i = 1; i < bars.length; i += 1) {
    const d = (bars[i] as Bar).time - (bars[i - 1] as Bar).time;
    counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let best: number | undefined;
  let n = 0;
  for (const [d, c] of counts) {
    if (c > n || (c === n && best !== undefined && d < best)) {
      best = d;
      n = c;
    }
  }
  return best;
}
