/**
 * One OHLCV bar. Times are milliseconds since the epoch (UTC); the bar covers [openTime, closeTime) and is known
 * only at closeTime. Prices and volume are plain non-negative decimal strings (exact, no float).
 */
export interface Candle {
  readonly openTime: number;
  readonly closeTime: number;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
  /** Source bars merged into this one (1 for raw data). */
  readonly sourceBars: number;
}

/** One L2 book at an instant (ms since the epoch). Levels are [price, quantity]; bids descending, asks ascending. */
export interface OrderBook {
  readonly symbol: string;
  readonly venue: string;
  readonly at: number;
  readonly bids: readonly (readonly [string, string])[];
  readonly asks: readonly (readonly [string, string])[];
}

/** A news item (publishedAt in ms since the epoch). */
export interface NewsItem {
  readonly id: string;
  readonly source: string;
  readonly title: string;
  readonly publishedAt: number;
  readonly currencies: readonly string[];
  readonly url?: string;
  readonly body?: string;
  /** A provider's own sentiment in [-1, 1] (e.g. from votes), when it has one. */
  readonly providerSentiment?: number;
}

/** A Fear & Greed index reading (0..100) at an instant (ms since the epoch). */
export interface FearGreedReading {
  readonly at: number;
  readonly value: number;
  readonly classification: string;
  readonly source: string;
}

/** Best bid and ask at one venue (quotedAt in ms since the epoch). */
export interface Quote {
  readonly venue: string;
  readonly symbol: string;
  readonly bid: string;
  readonly ask: string;
  readonly bidSize?: string;
  readonly askSize?: string;
  readonly quotedAt: number;
  /** Taker fee as a decimal fraction string ("0.001" = 0.1 %). */
  readonly takerFee?: string;
}
