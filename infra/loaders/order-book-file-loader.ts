import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { compareDecimalStrings, type OrderBook, toDecimalString } from "../../actors/index.ts";
import { ValidationError } from "../../events/index.ts";
import { csvRows } from "./csv-rows.ts";

export interface OrderBookLoadReport {
  /** tardis: book_snapshot_25 rows (one snapshot a row); binance-depth: one row per level, side b/a. */
  readonly format: "tardis-book-snapshot" | "binance-depth";
  readonly rows: number;
  readonly snapshots: number;
  readonly first?: string;
  readonly last?: string;
  readonly sha256: string;
}

export interface LoadedOrderBooks {
  readonly books: OrderBook[];
  readonly report: OrderBookLoadReport;
}

export interface OrderBookParseOptions {
  /** Venue name; tardis files name their exchange, Binance depth files default to "binance". */
  readonly venue?: string;
  /** Unified symbol (BTC/USDT); by default derived from the exchange symbol (BTCUSDT). */
  readonly symbol?: string;
}

/** Reads an order-book snapshot file (tardis book_snapshot_25 CSV or Binance depth snapshot CSV). */
export async function loadOrderBookFile(
  path: string,
  options: OrderBookParseOptions = {},
): Promise<LoadedOrderBooks> {
  const bytes = await readFile(path);
  return parseBooks(bytes.toString("utf8"), createHash("sha256").update(bytes).digest("hex"), options);
}

/** Parses order-book snapshot CSV text; books come back in time order, bids descending, asks ascending. */
export function parseOrderBookText(text: string, options: OrderBookParseOptions = {}): LoadedOrderBooks {
  return parseBooks(text, createHash("sha256").update(text, "utf8").digest("hex"), options);
}

function parseBooks(text: string, sha256: string, options: OrderBookParseOptions): LoadedOrderBooks {
  const [head, ...rows] = csvRows(text);
  if (head === undefined) throw invalid("the order-book file is empty", "header");
  const keys = head.map((k) => k.toLowerCase());
  const isTardis = keys.includes("asks[0].price") || keys.includes("bids[0].price");
  const books = isTardis ? tardisBooks(keys, rows, options) : binanceDepthBooks(keys, rows, options);
  books.sort((a, b) => a.at - b.at);
  const first = books[0];
  const last = books[books.length - 1];
  return {
    books,
    report: {
      format: isTardis ? "tardis-book-snapshot" : "binance-depth",
      rows: rows.length,
      snapshots: books.length,
      ...(first === undefined ? {} : { first: new Date(first.at).toISOString() }),
      ...(last === undefined ? {} : { last: new Date(last.at).toISOString() }),
      sha256,
    },
  };
}

type Level = readonly [string, string];

function tardisBooks(keys: string[], rows: string[][], options: OrderBookParseOptions): OrderBook[] {
  const col = (name: string): number => {
    const i = keys.indexOf(name);
    if (i < 0) throw invalid(`tardis column ${name} not found`, name);
    return i;
  };
  const [exchange, sym, ts] = [col("exchange"), col("symbol"), col("timestamp")];
  const sides = (side: "asks" | "bids"): [number, number][] => {
    const out: [number, number][] = [];
    for (let i = 0; keys.includes(`${side}[${i}].price`); i += 1) {
      out.push([col(`${side}[${i}].price`), col(`${side}[${i}].amount`)]);
    }
    return out;
  };
  const askCols = sides("asks");
  const bidCols = sides("bids");
  return rows.map((r, n) => {
    // Levels a shallow book lacks are empty fields.
    const levels = (cols: [number, number][]): Level[] =>
      cols
        .filter(([p, q]) => (r[p] ?? "") !== "" && (r[q] ?? "") !== "")
        .map(([p, q]) => [decimal(r[p], n, "price"), decimal(r[q], n, "amount")] as const);
    return {
      symbol: options.symbol ?? unifiedSymbol(r[sym] ?? ""),
      venue: options.venue ?? r[exchange] ?? "unknown",
      // tardis stamps in microseconds: the exchange's timestamp, truncated to the millisecond.
      at: Math.floor(Number(r[ts]) / 1000),
      bids: sortLevels(levels(bidCols), -1),
      asks: sortLevels(levels(askCols), 1),
    };
  });
}

function binanceDepthBooks(keys: string[], rows: string[][], options: OrderBookParseOptions): OrderBook[] {
  const col = (name: string): number => {
    const i = keys.indexOf(name);
    if (i < 0)
      throw invalid(`depth column ${name} not found (expected symbol,timestamp,…,side,…,price,qty)`, name);
    return i;
  };
  const [sym, ts, side, price, qty] = [
    col("symbol"),
    col("timestamp"),
    col("side"),
    col("price"),
    col("qty"),
  ];
  const lastId = keys.indexOf("last_update_id");
  const groups = new Map<string, { at: number; symbol: string; bids: Level[]; asks: Level[] }>();
  rows.forEach((r, n) => {
    const key = `${r[ts]}|${lastId < 0 ? "" : r[lastId]}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { at: Number(r[ts]), symbol: r[sym] ?? "", bids: [], asks: [] };
      groups.set(key, g);
    }
    const level = [decimal(r[price], n, "price"), decimal(r[qty], n, "qty")] as const;
    const s = (r[side] ?? "").toLowerCase();
    if (s === "b" || s === "bid" || s === "buy") g.bids.push(level);
    else if (s === "a" || s === "ask" || s === "sell") g.asks.push(level);
    else throw invalid(`depth row ${n + 2}: side ${JSON.stringify(r[side])} is neither b nor a`, "side");
  });
  return [...groups.values()].map((g) => ({
    symbol: options.symbol ?? unifiedSymbol(g.symbol),
    venue: options.venue ?? "binance",
    at: g.at,
    bids: sortLevels(g.bids, -1),
    asks: sortLevels(g.asks, 1),
  }));
}

function sortLevels(levels: Level[], dir: 1 | -1): Level[] {
  return levels.sort((a, b) => dir * compareDecimalStrings(a[0], b[0]));
}

function decimal(v: string | undefined, row: number, field: string): string {
  try {
    const d = toDecimalString(v ?? "");
    if (!d.startsWith("-")) return d;
  } catch {
    // reported below with the row
  }
  throw invalid(
    `order-book row ${row + 2}: ${field} ${JSON.stringify(v)} is not a non-negative number`,
    field,
  );
}

const quotes = ["USDT", "USDC", "FDUSD", "BUSD", "TUSD", "USD", "EUR", "GBP", "TRY", "BTC", "ETH", "BNB"];

/** Exchange symbol to unified BASE/QUOTE: BTCUSDT → BTC/USDT, BTC-USD → BTC/USD (already unified stays). */
export function unifiedSymbol(exchangeSymbol: string): string {
  const s = exchangeSymbol.toUpperCase().replace(/[-_]/g, "/");
  if (s.includes("/")) return s;
  for (const q of quotes) if (s.endsWith(q) && s.length > q.length) return `${s.slice(0, -q.length)}/${q}`;
  throw invalid(`cannot tell base and quote in ${JSON.stringify(exchangeSymbol)}: pass a symbol`, "symbol");
}

function invalid(message: string, path: string): ValidationError {
  return new ValidationError(message, [{ path, message }]);
}
