import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Decimal } from "decimal.js";

/** One order as the fake exchange holds it (Binance's fields, decimal strings). */
export interface FakeOrder {
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: "BUY" | "SELL";
  readonly type: string;
  readonly origQty: string;
  readonly price: string;
  executedQty: string;
  cummulativeQuoteQty: string;
  status: "NEW" | "PARTIALLY_FILLED" | "FILLED" | "CANCELED" | "EXPIRED";
  readonly time: number;
  updateTime: number;
}

interface FakeTrade {
  readonly id: number;
  readonly orderId: number;
  readonly symbol: string;
  readonly price: string;
  readonly qty: string;
  readonly quoteQty: string;
  readonly commission: string;
  readonly commissionAsset: string;
  readonly time: number;
  readonly isBuyer: boolean;
  readonly isMaker: boolean;
}

/** How the next POST /api/v3/order fails: refused before anything happens, or the order made and the answer lost. */
export type PostFailure = "unavailable" | "lost-response" | "slow-response";

export interface FakeBinanceOptions {
  readonly apiKey: string;
  readonly secret: string;
  /** Where market orders fill (default "100"). */
  readonly marketPrice?: () => string;
  /** Market orders fill completely when placed (default true); otherwise they wait for `trade()`. */
  readonly fillMarketOrders?: boolean;
  /** Commission rate on the quote amount, paid in USDT (default 0.001). */
  readonly commissionRate?: string;
  /** The exchange's clock (ms), for order and trade times. */
  readonly clock?: () => number;
  /** Refuses an order the way Binance does (`{code, msg}` with HTTP 400), or lets it through. */
  readonly refuse?: (order: {
    side: string;
    type: string;
    quantity: string;
  }) => { code: number; msg: string } | undefined;
  /** How long a "slow-response" answer waits (default 1500 ms). */
  readonly slowMs?: number;
  /** Raw Binance kline rows served by GET /api/v3/klines (for a live market feed). */
  readonly klines?: readonly (readonly (number | string)[])[];
}

export interface FakeBinanceExchange {
  /** http://127.0.0.1:<port> */
  readonly baseUrl: string;
  /** Every request as METHOD path?query. */
  readonly requests: string[];
  /** POST /api/v3/order calls received (whatever came of them). */
  readonly orderPosts: () => number;
  readonly orders: () => readonly FakeOrder[];
  /** Trades `qty` of an open order (found by client id) at `price`: the partial fills of a resting order. */
  trade(clientOrderId: string, qty: string, price: string, isMaker?: boolean): void;
  /** Cancels (or expires) what is left of an open order. */
  cancel(clientOrderId: string, status?: "CANCELED" | "EXPIRED"): void;
  /** The next `times` order POSTs fail this way. */
  failNextPost(failure: PostFailure, times?: number): void;
  close(): Promise<void>;
}

const exchangeInfo = {
  timezone: "UTC",
  serverTime: 0,
  rateLimits: [],
  exchangeFilters: [],
  symbols: [
    {
      symbol: "BTCUSDT",
      status: "TRADING",
      baseAsset: "BTC",
      baseAssetPrecision: 8,
      quoteAsset: "USDT",
      quotePrecision: 8,
      quoteAssetPrecision: 8,
      orderTypes: ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
      icebergAllowed: true,
      ocoAllowed: true,
      isSpotTradingAllowed: true,
      isMarginTradingAllowed: false,
      filters: [
        { filterType: "PRICE_FILTER", minPrice: "0.01", maxPrice: "1000000.00", tickSize: "0.01" },
        { filterType: "LOT_SIZE", minQty: "0.00001", maxQty: "9000.00", stepSize: "0.00001" },
      ],
      permissions: [],
      permissionSets: [["SPOT"]],
    },
  ],
};

const error = (code: number, msg: string) => ({ code, msg });

/**
 * A local HTTP server speaking Binance spot REST for the calls the live venue gateway makes (exchangeInfo, time,
 * POST/GET order, openOrders, myTrades, plus klines, depth and bookTicker for a feed). Signed calls are checked: the
 * API key header and the HMAC-SHA256 signature of the query (or form body). Orders are remembered by client order
 * id: a second POST with a known id is refused as a duplicate, as Binance does for open orders.
 */
export async function startFakeBinanceExchange(options: FakeBinanceOptions): Promise<FakeBinanceExchange> {
  const clock = options.clock ?? Date.now;
  const rate = new Decimal(options.commissionRate ?? "0.001");
  const orders: FakeOrder[] = [];
  const trades: FakeTrade[] = [];
  const requests: string[] = [];
  const failures: PostFailure[] = [];
  const sockets = new Set<Socket>();
  let posts = 0;

  const orderJson = (o: FakeOrder) => ({
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: o.price,
    origQty: o.origQty,
    executedQty: o.executedQty,
    cummulativeQuoteQty: o.cummulativeQuoteQty,
    status: o.status,
    timeInForce: "GTC",
    type: o.type,
    side: o.side,
    stopPrice: "0.00000000",
    icebergQty: "0.00000000",
    time: o.time,
    updateTime: o.updateTime,
    isWorking: true,
    workingTime: o.time,
    origQuoteOrderQty: "0.00000000",
    selfTradePreventionMode: "NONE",
  });

  const execute = (o: FakeOrder, qty: string, price: string, isMaker: boolean) => {
    const left = new Decimal(o.origQty).sub(o.executedQty);
    const q = Decimal.min(left, new Decimal(qty));
    if (!q.gt(0)) throw new Error(`order ${o.clientOrderId} has nothing left to trade`);
    const quote = q.mul(price);
    const now = clock();
    trades.push({
      id: trades.length + 1,
      orderId: o.orderId,
      symbol: o.symbol,
      price,
      qty: q.toFixed(),
      quoteQty: quote.toFixed(),
      commission: quote.mul(rate).toFixed(),
      commissionAsset: "USDT",
      time: now,
      isBuyer: o.side === "BUY",
      isMaker,
    });
    o.executedQty = new Decimal(o.executedQty).add(q).toFixed();
    o.cummulativeQuoteQty = new Decimal(o.cummulativeQuoteQty).add(quote).toFixed();
    o.status = new Decimal(o.executedQty).eq(o.origQty) ? "FILLED" : "PARTIALLY_FILLED";
    o.updateTime = now;
  };

  const byClientId = (id: string) => orders.find((o) => o.clientOrderId === id);

  const findOrder = (q: URLSearchParams) => {
    const client = q.get("origClientOrderId");
    const id = q.get("orderId");
    return client !== null ? byClientId(client) : orders.find((o) => String(o.orderId) === id);
  };

  /** Checks the API key and the HMAC of the signed payload; null when both are right. */
  const authProblem = (req: IncomingMessage, payload: string) => {
    if (req.headers["x-mbx-apikey"] !== options.apiKey) return error(-2014, "API-key format invalid.");
    const at = payload.lastIndexOf("&signature=");
    if (at < 0)
      return error(-1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
    const expected = createHmac("sha256", options.secret).update(payload.slice(0, at)).digest("hex");
    const given = payload.slice(at + "&signature=".length);
    const ok = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
    return ok ? null : error(-1022, "Signature for this request is not valid.");
  };

  const placeOrder = (p: URLSearchParams, res: ServerResponse) => {
    const failure = failures.shift();
    if (failure === "unavailable") return { status: 503, body: "Service Unavailable" };
    const client = p.get("newClientOrderId") ?? `auto${orders.length + 1}`;
    if (byClientId(client) !== undefined) return { status: 400, body: error(-2010, "Duplicate order sent.") };
    const side = p.get("side") ?? "";
    const type = p.get("type") ?? "";
    const quantity = p.get("quantity") ?? "0";
    const refusal = options.refuse?.({ side, type, quantity });
    if (refusal !== undefined) return { status: 400, body: refusal };
    const now = clock();
    const o: FakeOrder = {
      orderId: 1000 + orders.length + 1,
      clientOrderId: client,
      symbol: p.get("symbol") ?? "",
      side: side === "SELL" ? "SELL" : "BUY",
      type,
      origQty: new Decimal(quantity).toFixed(),
      price: p.get("price") ?? "0.00000000",
      executedQty: "0",
      cummulativeQuoteQty: "0",
      status: "NEW",
      time: now,
      updateTime: now,
    };
    orders.push(o);
    if (type === "MARKET" && options.fillMarketOrders !== false) {
      execute(o, o.origQty, options.marketPrice?.() ?? "100", false);
    }
    const answer = { ...orderJson(o), transactTime: now };
    if (failure === "lost-response") {
      res.socket?.destroy(); // the order stands; its acknowledgement never arrives
      return undefined;
    }
    if (failure === "slow-response") {
      setTimeout(() => {
        res.statusCode = 200;
        res.end(JSON.stringify(answer));
      }, options.slowMs ?? 1500).unref();
      return undefined;
    }
    return { status: 200, body: answer };
  };

  const route = (
    req: IncomingMessage,
    url: URL,
    body: string,
    res: ServerResponse,
  ): { status: number; body: unknown } | undefined => {
    const method = req.method ?? "GET";
    const path = url.pathname.replace(/^\/api\/v3\//, "");
    const signed = ["order", "openOrders", "myTrades"].includes(path);
    const payload = method === "GET" ? url.search.slice(1) : body;
    if (signed) {
      const problem = authProblem(req, payload);
      if (problem !== null) return { status: 400, body: problem };
    }
    const q = new URLSearchParams(payload);
    switch (`${method} ${path}`) {
      case "GET exchangeInfo":
        return { status: 200, body: { ...exchangeInfo, serverTime: clock() } };
      case "GET time":
        return { status: 200, body: { serverTime: clock() } };
      case "GET ping":
        return { status: 200, body: {} };
      case "POST order":
        posts += 1;
        return placeOrder(q, res);
      case "GET order": {
        const o = findOrder(q);
        return o === undefined
          ? { status: 400, body: error(-2013, "Order does not exist.") }
          : { status: 200, body: orderJson(o) };
      }
      case "GET openOrders":
        return {
          status: 200,
          body: orders.filter((o) => o.status === "NEW" || o.status === "PARTIALLY_FILLED").map(orderJson),
        };
      case "GET myTrades": {
        const id = q.get("orderId");
        const list = trades.filter((t) => id === null || String(t.orderId) === id);
        return { status: 200, body: list.map((t) => ({ ...t, orderListId: -1, isBestMatch: true })) };
      }
      case "GET klines": {
        const start = Number(q.get("startTime") ?? Number.NEGATIVE_INFINITY);
        const limit = Number(q.get("limit") ?? 500);
        const rows = (options.klines ?? []).filter((r) => Number(r[0]) >= start);
        return { status: 200, body: rows.slice(-limit) };
      }
      case "GET depth": {
        const p = new Decimal(options.marketPrice?.() ?? "100");
        return {
          status: 200,
          body: {
            lastUpdateId: 1,
            bids: [[p.sub("0.01").toFixed(2), "1.00000000"]],
            asks: [[p.add("0.01").toFixed(2), "1.00000000"]],
          },
        };
      }
      case "GET ticker/bookTicker": {
        const p = new Decimal(options.marketPrice?.() ?? "100");
        const row = {
          symbol: "BTCUSDT",
          bidPrice: p.sub("0.01").toFixed(2),
          bidQty: "1.00000000",
          askPrice: p.add("0.01").toFixed(2),
          askQty: "1.00000000",
        };
        return { status: 200, body: q.has("symbols") ? [row] : row };
      }
      default:
        return { status: 404, body: error(-1, `the fake exchange has no ${method} ${url.pathname}`) };
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      res.setHeader("content-type", "application/json");
      const answer = route(req, url, Buffer.concat(chunks).toString("utf8"), res);
      if (answer === undefined) return;
      res.statusCode = answer.status;
      res.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const open = (clientOrderId: string) => {
    const o = byClientId(clientOrderId);
    if (o === undefined) throw new Error(`the fake exchange has no order ${clientOrderId}`);
    return o;
  };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    orderPosts: () => posts,
    orders: () => orders,
    trade: (clientOrderId, qty, price, isMaker = true) => execute(open(clientOrderId), qty, price, isMaker),
    cancel(clientOrderId, status = "CANCELED") {
      const o = open(clientOrderId);
      o.status = status;
      o.updateTime = clock();
    },
    failNextPost(failure, times = 1) {
      for (let i = 0; i < times; i++) failures.push(failure);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
