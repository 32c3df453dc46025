import { z } from "zod";
import {
  bookLevel,
  decimalString,
  isoInstant,
  symbol,
  timeframe,
  unsignedDecimalString,
} from "./primitives.ts";

/** v1 had only the bar's open time; kept so old logs still read (upcast to v2). */
export const candleClosedV1 = z.object({
  symbol,
  timeframe,
  openTime: isoInstant,
  open: unsignedDecimalString,
  high: unsignedDecimalString,
  low: unsignedDecimalString,
  close: unsignedDecimalString,
  volume: unsignedDecimalString,
});

/** A bar has closed. Its event time is `closeTime`: nobody may see the bar before then. */
export const candleClosed = candleClosedV1.extend({
  closeTime: isoInstant,
  /** Number of source bars merged into this one (1 for raw data). */
  sourceBars: z.number().int().positive(),
});

export const orderBookSnapshot = z.object({
  symbol,
  venue: z.string().min(1),
  /** Best first: bids descending, asks ascending. */
  bids: z.array(bookLevel),
  asks: z.array(bookLevel),
  depth: z.number().int().positive(),
});

export const newsPublished = z.object({
  newsId: z.string().min(1),
  source: z.string().min(1),
  title: z.string().min(1),
  body: z.string().optional(),
  url: z.string().optional(),
  publishedAt: isoInstant,
  currencies: z.array(z.string()),
  /** Votes or a provider's own sentiment, when the feed has one (informational; agents score the text). */
  providerSentiment: z.number().min(-1).max(1).optional(),
});

export const fearGreedObserved = z.object({
  value: z.number().int().min(0).max(100),
  classification: z.string().min(1),
  source: z.string().min(1),
});

export const venueQuote = z.object({
  venue: z.string().min(1),
  symbol,
  bid: unsignedDecimalString,
  ask: unsignedDecimalString,
  bidSize: unsignedDecimalString.optional(),
  askSize: unsignedDecimalString.optional(),
  quotedAt: isoInstant,
  /** Taker fee rate at this venue, as a decimal fraction (0.001 = 0.1 %). */
  takerFee: decimalString.optional(),
});
