import type { EventDraft, Timeframe } from "../../events/index.ts";
import type { Candle, FearGreedReading, NewsItem, OrderBook, Quote } from "./market-records.ts";

// Many drafts share an instant (a bar close): remember the last conversion.
let lastMs = Number.NaN;
let lastIso = "";
function iso(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}

/** CandleClosed for a bar of `symbol`/`timeframe`; event time = the bar's close. */
export function candleToDraft(
  candle: Candle,
  market: { readonly symbol: string; readonly timeframe: Timeframe },
): EventDraft<"CandleClosed"> {
  const closeTime = iso(candle.closeTime);
  return {
    type: "CandleClosed",
    at: closeTime,
    data: {
      symbol: market.symbol,
      timeframe: market.timeframe,
      openTime: iso(candle.openTime),
      closeTime,
      open: candle.open,
      high: candle.high,
      low: candle.low,
      close: candle.close,
      volume: candle.volume,
      sourceBars: candle.sourceBars,
    },
  };
}

/** OrderBookSnapshot at the book's instant; `depth` is the longer side (at least 1). */
export function orderBookToDraft(book: OrderBook): EventDraft<"OrderBookSnapshot"> {
  return {
    type: "OrderBookSnapshot",
    at: iso(book.at),
    data: {
      symbol: book.symbol,
      venue: book.venue,
      bids: book.bids.map(([p, q]) => [p, q] as [string, string]),
      asks: book.asks.map(([p, q]) => [p, q] as [string, string]),
      depth: Math.max(1, book.bids.length, book.asks.length),
    },
  };
}

/** NewsPublished at the item's publication time. */
export function newsToDraft(item: NewsItem): EventDraft<"NewsPublished"> {
  const publishedAt = iso(item.publishedAt);
  return {
    type: "NewsPublished",
    at: publishedAt,
    data: {
      newsId: item.id,
      source: item.source,
      title: item.title,
      publishedAt,
      currencies: [...item.currencies],
      ...(item.body === undefined ? {} : { body: item.body }),
      ...(item.url === undefined ? {} : { url: item.url }),
      ...(item.providerSentiment === undefined ? {} : { providerSentiment: item.providerSentiment }),
    },
  };
}

/** FearGreedObserved at the reading's time. */
export function fearGreedToDraft(reading: FearGreedReading): EventDraft<"FearGreedObserved"> {
  return {
    type: "FearGreedObserved",
    at: iso(reading.at),
    data: { value: reading.value, classification: reading.classification, source: reading.source },
  };
}

/** VenueQuote at the quote's time. */
export function quoteToDraft(quote: Quote): EventDraft<"VenueQuote"> {
  return {
    type: "VenueQuote",
    at: iso(quote.quotedAt),
    data: {
      venue: quote.venue,
      symbol: quote.symbol,
      bid: quote.bid,
      ask: quote.ask,
      quotedAt: iso(quote.quotedAt),
      ...(quote.bidSize === undefined ? {} : { bidSize: quote.bidSize }),
      ...(quote.askSize === undefined ? {} : { askSize: quote.askSize }),
      ...(quote.takerFee === undefined ? {} : { takerFee: quote.takerFee }),
    },
  };
}

/** MarketDataEnded after `bars` strategy bars; event time = the last bar's close (or `at` when none). */
export function marketDataEndedDraft(
  bars: number,
  lastBarClose: number | undefined,
  at: number,
): EventDraft<"MarketDataEnded"> {
  return {
    type: "MarketDataEnded",
    at: iso(Math.max(at, lastBarClose ?? at)),
    data: lastBarClose === undefined ? { bars } : { bars, lastBarClose: iso(lastBarClose) },
  };
}

/** alternative.me's bands: 0–24 Extreme Fear, 25–46 Fear, 47–54 Neutral, 55–75 Greed, 76–100 Extreme Greed. */
export function fearGreedClassification(value: number): string {
  if (value < 25) return "Extreme Fear";
  if (value < 47) return "Fear";
  if (value < 55) return "Neutral";
  if (value < 76) return "Greed";
  return "Extreme Greed";
}
