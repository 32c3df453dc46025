import { describe, expect, it } from "vitest";
import type { AnyEvent, EventData } from "../../events/index.ts";
import { clientOrderId, deterministicId } from "../../events/index.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import { parseStrategy } from "../strategy/strategy-config.ts";
import { deciderSpec, stored } from "../testing/decider-spec.ts";
import { createLiveExecutionSpec, type LiveExecutionState } from "./live-execution.ts";

const T0 = Date.parse("2024-01-01T00:00:00.000Z");
const minute = (n: number) => new Date(T0 + n * 60_000).toISOString();

function sessionSetup(execution: Record<string, unknown> = {}): SessionSetup {
  return {
    sessionId: "s1",
    mode: "live",
    symbol: "BTC/USDT",
    timeframe: "1m",
    strategy: parseStrategy({ execution }),
    initialCash: "10000",
    quoteCurrency: "USDT",
  };
}

const spec = (execution: Record<string, unknown> = {}) =>
  deciderSpec(createLiveExecutionSpec(sessionSetup(execution), "binance"));

function bar(n: number, [open, high, low, close]: [string, string, string, string]): AnyEvent {
  return stored(
    "CandleClosed",
    {
      symbol: "BTC/USDT",
      timeframe: "1m",
      openTime: minute(n - 1),
      closeTime: minute(n),
      open,
      high,
      low,
      close,
      volume: "1000",
      sourceBars: 1,
    },
    minute(n),
  );
}

function approved(
  decisionId: string,
  side: "buy" | "sell",
  quantity: string,
  n: number,
  extra: Partial<EventData<"RiskApproved">> = {},
): AnyEvent {
  return stored(
    "RiskApproved",
    {
      decisionId,
      symbol: "BTC/USDT",
      side,
      quantity,
      price: "100",
      notional: "0",
      reduceOnly: false,
      sizing: { method: "fixed", kellyFraction: 0, edge: 0, sampleSize: 0, capsApplied: [] },
      checks: [],
      ...extra,
    },
    minute(n),
    { writer: "risk" },
  );
}

const orderOf = (decisionId: string) => deterministicId(decisionId, "order");

/** An exchange answer as the venue gateway records it. */
function fill(
  decisionId: string,
  side: "buy" | "sell",
  quantity: string,
  price: string,
  n: number,
  extra: Partial<EventData<"OrderFilled">> = {},
): AnyEvent {
  return stored(
    "OrderFilled",
    {
      orderId: orderOf(decisionId),
      clientOrderId: clientOrderId(decisionId),
      fillId: `binance:${decisionId}:${quantity}:${price}`,
      symbol: "BTC/USDT",
      side,
      price,
      quantity,
      fee: "0",
      feeCurrency: "USDT",
      liquidity: "taker",
      cumulativeQuantity: quantity,
      remainingQuantity: "0",
      partial: false,
      fillModel: "venue",
      ...extra,
    },
    minute(n),
    { writer: "venue" },
  );
}

function accepted(decisionId: string, n: number): AnyEvent {
  return stored(
    "OrderAccepted",
    { orderId: orderOf(decisionId), clientOrderId: clientOrderId(decisionId), venueOrderId: "7" },
    minute(n),
    { writer: "venue" },
  );
}

describe("live execution (pure): intents out, exchange answers in", () => {
  it("RiskApproved → one OrderSubmitted with the client order id derived from the decision, nothing else", () => {
    spec()
      .given()
      .when(approved("d1", "buy", "0.5", 1))
      .then([
        {
          type: "OrderSubmitted",
          at: minute(1),
          data: {
            orderId: orderOf("d1"),
            clientOrderId: clientOrderId("d1"),
            decisionId: "d1",
            side: "buy",
            type: "market",
            quantity: "0.5",
            reduceOnly: false,
            venue: "binance",
          },
        },
      ]);
  });

  it("the same approval twice submits once", () => {
    spec()
      .given(approved("d1", "buy", "0.5", 1))
      .when(approved("d1", "buy", "0.5", 1))
      .then([]);
  });

  it("limit entries carry the offset price", () => {
    spec({ entryOrderType: "limit", limitOffsetBps: 10 })
      .given()
      .when(approved("d1", "buy", "1", 1))
      .then([{ type: "OrderSubmitted", data: { type: "limit", limitPrice: "99.9" } }]);
  });

  it("refuses what cannot be sent: a reduce-only order without a position, a wrong symbol, a zero quantity", () => {
    spec()
      .given()
      .when(approved("d1", "sell", "1", 1, { reduceOnly: true }))
      .then([
        { type: "OrderSubmitted", data: { reduceOnly: true, venue: "local" } },
        {
          type: "OrderRejected",
          data: { orderId: orderOf("d1"), reason: "reduce-only: no position to reduce" },
        },
      ]);
    spec()
      .given()
      .when(approved("d2", "buy", "1", 1, { symbol: "ETH/USDT" }))
      .then([
        { type: "OrderSubmitted" },
        { type: "OrderRejected", data: { reason: "ETH/USDT is not traded in this session" } },
      ]);
    spec()
      .given()
      .when(approved("d3", "buy", "0.0000001", 1))
      .then([
        { type: "OrderSubmitted" },
        { type: "OrderRejected", data: { reason: expect.stringContaining("rounds to 0") } },
      ]);
  });

  it("without shorting a sell is capped at the position held", () => {
    spec({ allowShort: false })
      .given(approved("d1", "buy", "0.3", 1), fill("d1", "buy", "0.3", "100", 2))
      .when(approved("d2", "sell", "1", 3))
      .then([{ type: "OrderSubmitted", data: { side: "sell", quantity: "0.3" } }]);
  });

  it("an exchange fill moves position and cash by the paper ledger: PositionChanged with the fill id", () => {
    spec()
      .given(approved("d1", "buy", "0.5", 1), accepted("d1", 1))
      .when(fill("d1", "buy", "0.5", "100", 2, { fee: "0.05" }))
      .then([
        {
          type: "PositionChanged",
          at: minute(2),
          data: {
            symbol: "BTC/USDT",
            quantity: "0.5",
            averagePrice: "100",
            cash: "9949.95",
            realizedDelta: "-0.05",
            fillId: "binance:d1:0.5:100",
          },
        },
      ]);
  });

  it("partial fills book one by one; a fill recorded twice is booked once", () => {
    const first = fill("d1", "buy", "0.2", "100", 2, {
      cumulativeQuantity: "0.2",
      remainingQuantity: "0.3",
      partial: true,
    });
    const t = spec()
      .given(approved("d1", "buy", "0.5", 1))
      .when(
        first,
        first,
        fill("d1", "buy", "0.3", "101", 3, {
          cumulativeQuantity: "0.5",
          remainingQuantity: "0",
          partial: false,
        }),
      )
      .then([
        { type: "PositionChanged", data: { quantity: "0.2", cash: "9980" } },
        { type: "PositionChanged", data: { quantity: "0.5", cash: "9949.7", averagePrice: "100.6" } },
      ]);
    expect((t.driver.context() as LiveExecutionState).orders).toEqual({});
  });

  it("a fee in the base currency is booked at the fill price", () => {
    spec()
      .given(approved("d1", "buy", "1", 1))
      .when(fill("d1", "buy", "1", "100", 2, { fee: "0.001", feeCurrency: "BTC" }))
      .then([{ type: "PositionChanged", data: { cash: "9899.9", realizedDelta: "-0.1" } }]);
  });

  it("answers not written by the venue gateway are ignored; fills of unknown orders too", () => {
    const forged = stored(
      "OrderFilled",
      (fill("d1", "buy", "0.5", "100", 2) as AnyEvent & { type: "OrderFilled" }).data,
      minute(2),
      { writer: "exec" },
    );
    spec()
      .given(approved("d1", "buy", "0.5", 1))
      .when(forged, fill("dX", "buy", "1", "100", 2))
      .then([]);
  });

  it("a rejected or cancelled order leaves the open orders", () => {
    const rejected = stored(
      "OrderRejected",
      { orderId: orderOf("d1"), clientOrderId: clientOrderId("d1"), reason: "insufficient balance" },
      minute(1),
      { writer: "venue" },
    );
    const t = spec()
      .given(approved("d1", "buy", "0.5", 1))
      .when(rejected)
      .then([]);
    expect((t.driver.context() as LiveExecutionState).orders).toEqual({});
  });

  it("exactly one PortfolioValued per bar of the session, marked at the close", () => {
    spec()
      .given(approved("d1", "buy", "1", 1), fill("d1", "buy", "1", "100", 2))
      .when(bar(2, ["100", "112", "99", "110"]), bar(3, ["110", "111", "100", "105"]))
      .then([
        { type: "PortfolioValued", data: { bar: minute(2), equity: "10010", unrealizedPnl: "10" } },
        { type: "PortfolioValued", data: { bar: minute(3), equity: "10005", peakEquity: "10010" } },
      ]);
  });

  it("a stop-loss reached by a bar sends one reduce-only market order for the whole position", () => {
    const entry = approved("d1", "buy", "1", 1, { stopLoss: "95", takeProfit: "120" });
    spec()
      .given(entry, fill("d1", "buy", "1", "100", 2))
      .when(bar(3, ["100", "101", "94", "96"]), bar(4, ["96", "97", "90", "91"]))
      .then([
        {
          type: "OrderSubmitted",
          data: {
            orderId: deterministicId(orderOf("d1"), "stop_loss"),
            clientOrderId: clientOrderId("d1", "sl"),
            side: "sell",
            type: "market",
            quantity: "1",
            reduceOnly: true,
          },
        },
        { type: "PortfolioValued", data: { bar: minute(3) } },
        { type: "PortfolioValued", data: { bar: minute(4) } },
      ]);
  });

  it("a take-profit on a short: bar low at the level", () => {
    spec()
      .given(approved("d1", "sell", "2", 1, { takeProfit: "90" }), fill("d1", "sell", "2", "100", 2))
      .when(bar(3, ["100", "101", "89", "95"]))
      .then([
        {
          type: "OrderSubmitted",
          data: { clientOrderId: clientOrderId("d1", "tp"), side: "buy", quantity: "2" },
        },
        { type: "PortfolioValued" },
      ]);
  });

  it("flatten closes every position with a reduce-only market order", () => {
    const flatten = stored(
      "CommandAccepted",
      { commandId: "c9", command: "flatten" } as EventData<"CommandAccepted">,
      minute(3),
      { writer: "session" },
    );
    spec()
      .given(approved("d1", "buy", "0.4", 1), fill("d1", "buy", "0.4", "100", 2))
      .when(flatten, flatten)
      .then([
        {
          type: "OrderSubmitted",
          data: {
            orderId: deterministicId("c9", "flatten", "BTC/USDT"),
            clientOrderId: clientOrderId("c9", "BTC/USDT"),
            side: "sell",
            quantity: "0.4",
            reduceOnly: true,
          },
        },
      ]);
  });

  it("market data ended: a final PortfolioValued at the last close, positions left open, no more orders", () => {
    const ended = stored(
      "MarketDataEnded",
      { bars: 2, lastBarClose: minute(2) } as EventData<"MarketDataEnded">,
      minute(2),
    );
    spec()
      .given(
        approved("d1", "buy", "1", 1),
        fill("d1", "buy", "1", "100", 2),
        bar(2, ["100", "101", "99", "104"]),
      )
      .when(ended, approved("d2", "buy", "1", 2))
      .then([
        {
          type: "PortfolioValued",
          data: { bar: minute(2), equity: "10004", positions: [{ quantity: "1" }] },
        },
        { type: "OrderSubmitted" },
        { type: "OrderRejected", data: { reason: "market data ended" } },
      ]);
  });
});
