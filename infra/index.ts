// The public surface of infra/: adapters, loaders, feeds and the composition of the system. Other modules import
// from here, never from deep files. (Helpers append their exports in sections.)

// feeds (live market inputs)
export type { CcxtMarketSourceOptions, CcxtVenue } from "./feeds/ccxt-market-source.ts";
export { ccxtMarketFeed, createCcxtMarketSource, rebaseExchangeUrls } from "./feeds/ccxt-market-source.ts";
export type { CryptoPanicOptions } from "./feeds/cryptopanic-news-source.ts";
export { createCryptoPanicSource, fetchCryptoPanicNews } from "./feeds/cryptopanic-news-source.ts";
export type { FearGreedOptions } from "./feeds/fear-greed-source.ts";
export { createFearGreedSource, fetchFearGreed } from "./feeds/fear-greed-source.ts";
export type { FeedPolicyOptions } from "./feeds/feed-policy.ts";
export { createFeedPolicy, HttpStatusError } from "./feeds/feed-policy.ts";
export type { LiveMarketFeedOptions } from "./feeds/live-market-feed.ts";
export { liveMarketFeed } from "./feeds/live-market-feed.ts";
export type { MarketSource } from "./feeds/market-source.ts";
// loaders (market data files)
export type {
  CandleDuplicate,
  CandleGap,
  CandleParseOptions,
  LoadedCandles,
  LoadReport,
  TimeUnit,
} from "./loaders/candle-file-loader.ts";
export { loadCandleFile, parseCandleText } from "./loaders/candle-file-loader.ts";
export type {
  LoadedOrderBooks,
  OrderBookLoadReport,
  OrderBookParseOptions,
} from "./loaders/order-book-file-loader.ts";
export { loadOrderBookFile, parseOrderBookText, unifiedSymbol } from "./loaders/order-book-file-loader.ts";
