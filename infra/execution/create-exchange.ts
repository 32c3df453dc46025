import ccxt, { type Exchange } from "ccxt";
import { ConfigError } from "../../events/index.ts";
import { rebaseExchangeUrls } from "../feeds/ccxt-market-source.ts";

export interface ExchangeOptions {
  /** A ccxt exchange id (binance, kraken…). */
  readonly id: string;
  readonly apiKey?: string;
  readonly secret?: string;
  readonly password?: string;
  /** The exchange's testnet (default false here; the app config defaults it on). */
  readonly sandbox?: boolean;
  /** Every REST URL pointed at this base (a local fake in tests, a proxy). */
  readonly baseUrl?: string;
  /** Per request (ms). */
  readonly timeoutMs?: number;
}

/**
 * A ccxt exchange for trading spot: credentials set, spot markets only (no margin or derivatives listings fetched),
 * optionally the testnet and a rebased base URL. An unknown id is a ConfigError naming it.
 */
export function createExchange(options: ExchangeOptions): Exchange {
  const Ctor = (ccxt as unknown as Record<string, new (config: object) => Exchange>)[options.id];
  if (typeof Ctor !== "function" || !(ccxt.exchanges as string[]).includes(options.id)) {
    throw new ConfigError(`unknown exchange "${options.id}" (a ccxt exchange id, e.g. binance)`, [
      { path: "exchange.id", message: "not a ccxt exchange" },
    ]);
  }
  const exchange = new Ctor({
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    ...(options.secret === undefined ? {} : { secret: options.secret }),
    ...(options.password === undefined ? {} : { password: options.password }),
    timeout: options.timeoutMs ?? 10_000,
    enableRateLimit: true,
    options: {
      defaultType: "spot",
      fetchMarkets: { types: ["spot"] },
      fetchMargins: false,
      fetchCurrencies: false,
    },
  });
  if (options.sandbox === true) exchange.setSandboxMode(true);
  if (options.baseUrl !== undefined) rebaseExchangeUrls(exchange, options.baseUrl);
  return exchange;
}
