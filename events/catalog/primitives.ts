import { z } from "zod";

/** A decimal number as a string (money, prices, quantities): exact, never a float on the wire. */
export const decimalString = z
  .string()
  .regex(/^-?(0|[1-9]\d*)(\.\d+)?$/, 'expected a decimal string such as "123.45"')
  .describe("decimal number as a string");

/** A non-negative decimal string. */
export const unsignedDecimalString = z
  .string()
  .regex(/^(0|[1-9]\d*)(\.\d+)?$/, "expected a non-negative decimal string")
  .describe("non-negative decimal number as a string");

/** An instant as ISO-8601 UTC with milliseconds, the form `Date#toISOString` writes. */
export const isoInstant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
    "expected an ISO-8601 UTC instant with milliseconds",
  )
  .describe("ISO-8601 UTC instant with milliseconds");

/** A market symbol such as BTC/USDT. */
export const symbol = z
  .string()
  .regex(/^[A-Z0-9]{1,20}\/[A-Z0-9]{1,20}(:[A-Z0-9]{1,20})?$/, "expected a symbol such as BTC/USDT")
  .describe("market symbol BASE/QUOTE");

export const timeframes = ["1m", "5m", "15m", "1h", "4h", "1d"] as const;
export const timeframe = z.enum(timeframes);
export type Timeframe = z.infer<typeof timeframe>;

export const timeframeMs: Readonly<Record<Timeframe, number>> = {
  "1m": 60_000,
  "5m": 300_000,
  "15m": 900_000,
  "1h": 3_600_000,
  "4h": 14_400_000,
  "1d": 86_400_000,
};

export const agentNames = [
  "technical",
  "orderbook",
  "sentiment",
  "trend",
  "reversion",
  "arbitrage",
  "risk",
] as const;
export const agentName = z.enum(agentNames);
export type AgentName = z.infer<typeof agentName>;

export const tradeAction = z.enum(["BUY", "SELL", "HOLD"]);
export type TradeAction = z.infer<typeof tradeAction>;

export const side = z.enum(["buy", "sell"]);
export type Side = z.infer<typeof side>;

export const sessionMode = z.enum(["backtest", "paper", "live", "replay"]);
export type SessionMode = z.infer<typeof sessionMode>;

/** Feature values an agent reports beside its signal (indicator readings and the like). */
export const features = z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]));

/** One price level of a book: [price, quantity] as decimal strings. */
export const bookLevel = z.tuple([unsignedDecimalString, unsignedDecimalString]);

/** Identifiers that become NATS subject tokens: no dots, spaces or wildcards. */
export const token = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "expected 1-64 characters of A-Z a-z 0-9 _ -")
  .describe("subject-safe identifier");
