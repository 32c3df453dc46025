import { describe, expect, it } from "vitest";
import type { AnyEvent, AnyEventDraft, EventData } from "../../events/index.ts";
import { clientOrderId, deterministicId } from "../../events/index.ts";
import { createMachineDriver } from "../runtime/machine-driver.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import { parseStrategy } from "../strategy/strategy-config.ts";
import { deciderSpec, stored } from "../testing/decider-spec.ts";
import { createPaperExecutionSpec } from "./paper-execution.ts";

const T0 = Date.parse("2024-01-01T00:00:00.000Z");
const minute = (n: number) => new Date(T0 + n * 60_000).toISOString();

function sessionSetup(execution: Record<string, unknown> = {}): SessionSetup {
  return {
    sessionId: "s1",
    mode: "backtest",
    symbol: "BTC/USDT",
    timeframe: "1m",
    strategy: parseStrategy({
      execution: {
        slippageBps: 0,
        volumeImpactBps: 0,
        maxVolumeShare: 0,
        takerFeePct: 0.1,
        makerFeePct: 0.02,
        ...execution,
      },
    }),
    initialCash: "10000",
    quoteCurrency: "USDT",
  };
}

/** The bar that closes at minute n: [open, high, low, close, volume]. */
function bar(
  n: number,
  [open, high, low, close]: [string, string, string, string],
  volume = "1000",
): AnyEvent {
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
      volume,
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

/** The data of the outputs of one type, in order. */
const ofType = <T extends AnyEventDraft["type"]>(outputs: AnyEventDraft[], type: T): EventData<T>[] =>
  outputs.filter((o) => o.type === type).map((o) => o.data as EventData<T>);

describe("paper execution: orders", () => {
  it("submits and accepts an approved order with ids derived from the decision", () => {
    deciderSpec(createPaperExecutionSpec(sessionSetup()))
      .given(bar(1, ["100", "101", "99", "100"]))
      .when(approved("d1", "buy", "2", 1))
      .then([
        {
          type: "OrderSubmitted",
          at: minute(1),
          data: {
            orderId: deterministicId("d1", "order"),
            clientOrderId: clientOrderId("d1"),
            decisionId: "d1",
            symbol: "BTC/USDT",
            side: "buy",
            type: "market",
            quantity: "2",
            reduceOnly: false,
            venue: "paper",
          },
        },
        {
          type: "OrderAccepted",
          data: { orderId: deterministicId("d1", "order"), clientOrderId: clientOrderId("d1") },
        },
      ]);
  });

  it("rejects a quantity that rounds to zero at the venue's precision", () => {
    deciderSpec(createPaperExecutionSpec(sessionSetup({ quantityDecimals: 2 })))
      .given()
      .when(approved("d1", "buy", "0.004", 1))
      .then([
        { type: "OrderSubmitted" },
        { type: "OrderRejected", data: { reason: expect.stringMatching(/rounds to 0/) } },
      ]);
  });
});

describe("paper execution: next-bar-open", () => {
  it("fills a market order at the next bar's open plus slippage, taker fee, then values the bar", () => {
    const spec = createPaperExecutionSpec(sessionSetup({ slippageBps: 10 }));
    deciderSpec(spec)
      .given(bar(1, ["100", "101", "99", "100"]), approved("d1", "buy", "2", 1))
      .when(bar(2, ["101", "103", "100", "102"]))
      .then([
        {
          type: "OrderFilled",
          at: minute(2),
          data: {
            orderId: deterministicId("d1", "order"),
            side: "buy",
            price: "101.11", // 101 × 1.001 = 101.101, rounded up against the buyer
            quantity: "2",
            fee: "0.20222",
            feeCurrency: "USDT",
            liquidity: "taker",
            cumulativeQuantity: "2",
            remainingQuantity: "0",
            partial: false,
            fillModel: "next-bar-open",
          },
        },
        {
          type: "PositionChanged",
          data: {
            symbol: "BTC/USDT",
            quantity: "2",
            averagePrice: "101.11",
            realizedDelta: "-0.20222",
            realizedPnl: "-0.20222",
            cash: "9797.57778",
          },
        },
        {
          type: "PortfolioValued",
          data: {
            bar: minute(2),
            cash: "9797.57778",
            equity: "10001.57778",
            peakEquity: "10001.57778",
            drawdown: 0,
            exposure: "204",
            positions: [{ symbol: "BTC/USDT", quantity: "2", markPrice: "102" }],
            realizedPnl: "-0.20222",
            unrealizedPnl: "1.78",
            fees: "0.20222",
          },
        },
      ]);
  });

  it("never fills on the bar the order was decided on, whatever the arrival order", () => {
    // The approval for bar 1 arrives before bar 1's candle (another interleaving): still no fill on bar 1.
    deciderSpec(createPaperExecutionSpec(sessionSetup()))
      .given(approved("d1", "buy", "1", 1))
      .when(bar(1, ["100", "101", "99", "100"]))
      .then([{ type: "PortfolioValued", data: { equity: "10000", positions: [] } }]);
  });

  it("emits exactly one PortfolioValued per bar and ignores other symbols and timeframes", () => {
    const other = stored(
      "CandleClosed",
      {
        symbol: "ETH/USDT",
        timeframe: "1m",
        openTime: minute(1),
        closeTime: minute(2),
        open: "1",
        high: "1",
        low: "1",
        close: "1",
        volume: "1",
        sourceBars: 1,
      },
      minute(2),
    );
    deciderSpec(createPaperExecutionSpec(sessionSetup()))
      .given()
      .when(bar(1, ["100", "101", "99", "100"]), other, bar(2, ["100", "101", "99", "100"]))
      .then([
        { type: "PortfolioValued", data: { bar: minute(1) } },
        { type: "PortfolioValued", data: { bar: minute(2) } },
      ]);
  });
});

const commandAccepted = (commandId: string, n: number) =>
  stored("CommandAccepted", { commandId, command: "flatten", from: "running", to: "running" }, minute(n), {
    writer: "session",
  });

const bookSnapshot = (n: number, asks: [string, string][], bids: [string, string][] = []) =>
  stored("OrderBookSnapshot", { symbol: "BTC/USDT", venue: "paper", bids, asks, depth: 10 }, minute(n));

const marketDataEnded = (n: number) =>
  stored("MarketDataEnded", { bars: n, lastBarClose: minute(n) }, minute(n));

const FLAT: [string, string, string, string] = ["100", "101", "99", "100"];

describe("paper execution: limit orders", () => {
  const spec = () => createPaperExecutionSpec(sessionSetup({ entryOrderType: "limit", limitOffsetBps: 100 }));

  it("rests until the price crosses it, then fills at the limit as maker", () => {
    deciderSpec(spec())
      .given(bar(1, FLAT), approved("d1", "buy", "1", 1))
      .when(bar(2, ["100", "101", "99.5", "100"]), bar(3, ["100", "100.5", "98.5", "99"]))
      .then([
        { type: "PortfolioValued", data: { bar: minute(2), positions: [] } },
        {
          type: "OrderFilled",
          data: { price: "99", quantity: "1", liquidity: "maker", fee: "0.0198", fillModel: "next-bar-open" },
        },
        { type: "PositionChanged", data: { quantity: "1", averagePrice: "99", cash: "9900.9802" } },
        { type: "PortfolioValued", data: { bar: minute(3), equity: "9999.9802" } },
      ]);
  });

  it("is submitted as a limit order the offset better than the decision price", () => {
    deciderSpec(spec())
      .given()
      .when(approved("d1", "sell", "1", 1))
      .then([
        { type: "OrderSubmitted", data: { type: "limit", side: "sell", limitPrice: "101" } },
        { type: "OrderAccepted" },
      ]);
  });

  it("fills at the open when the bar gaps through it", () => {
    const { outputs } = deciderSpec(spec())
      .given(bar(1, FLAT), approved("d1", "buy", "1", 1))
      .when(bar(2, ["97", "98", "96", "97"]));
    expect(ofType(outputs, "OrderFilled")).toMatchObject([{ price: "97", liquidity: "maker" }]);
  });
});

describe("paper execution: protective orders (ohlc-path)", () => {
  const spec = (x: Record<string, unknown> = {}) =>
    createPaperExecutionSpec(sessionSetup({ fillModel: "ohlc-path", ...x }));
  const entry = approved("d1", "buy", "1", 1, { stopLoss: "95", takeProfit: "105" });
  const entryId = deterministicId("d1", "order");
  const slId = deterministicId(entryId, "stop_loss");
  const tpId = deterministicId(entryId, "take_profit");

  it("places stop-loss and take-profit (reduce-only, OCO under the entry) once the entry fills", () => {
    deciderSpec(spec())
      .given(bar(1, FLAT), entry)
      .when(bar(2, FLAT))
      .then([
        { type: "OrderFilled", data: { orderId: entryId, price: "100", fillModel: "ohlc-path" } },
        { type: "PositionChanged", data: { quantity: "1" } },
        {
          type: "OrderSubmitted",
          data: {
            orderId: slId,
            clientOrderId: clientOrderId("d1", "sl"),
            type: "stop_loss",
            side: "sell",
            stopPrice: "95",
            quantity: "1",
            reduceOnly: true,
            parentOrderId: entryId,
          },
        },
        { type: "OrderAccepted", data: { orderId: slId } },
        {
          type: "OrderSubmitted",
          data: {
            orderId: tpId,
            type: "take_profit",
            limitPrice: "105",
            reduceOnly: true,
            parentOrderId: entryId,
          },
        },
        { type: "OrderAccepted", data: { orderId: tpId } },
        { type: "PortfolioValued" },
      ]);
  });

  it("stop-loss hit along the path fills at the stop (taker) and cancels the take-profit", () => {
    deciderSpec(spec())
      .given(bar(1, FLAT), entry, bar(2, FLAT))
      .when(bar(3, ["100", "102", "94", "96"]))
      .then([
        {
          type: "OrderCancelled",
          data: { orderId: tpId, reason: "oco: stop_loss triggered", filledQuantity: "0" },
        },
        {
          type: "OrderFilled",
          data: { orderId: slId, side: "sell", price: "95", liquidity: "taker", fee: "0.095" },
        },
        {
          type: "PositionChanged",
          data: {
            quantity: "0",
            closedTrade: { side: "long", entryPrice: "100", exitPrice: "95", quantity: "1", pnl: "-5.195" },
          },
        },
        { type: "PortfolioValued", data: { positions: [], equity: "9994.805" } },
      ]);
  });

  it("takes the nearer extreme first: a tie goes high first, so the take-profit wins (maker)", () => {
    const { outputs } = deciderSpec(spec())
      .given(bar(1, FLAT), entry, bar(2, FLAT))
      .when(bar(3, ["100", "106", "94", "100"]));
    expect(ofType(outputs, "OrderFilled")).toMatchObject([
      { orderId: tpId, price: "105", liquidity: "maker" },
    ]);
    expect(ofType(outputs, "OrderCancelled")).toMatchObject([
      { orderId: slId, reason: "oco: take_profit filled" },
    ]);
  });

  it("takes the nearer extreme first: low nearer, so the stop-loss wins", () => {
    const { outputs } = deciderSpec(spec())
      .given(bar(1, FLAT), entry, bar(2, FLAT))
      .when(bar(3, ["100", "106", "95", "100"]));
    expect(ofType(outputs, "OrderFilled")).toMatchObject([{ orderId: slId, price: "95" }]);
  });

  it("a gap through the stop fills at the open, less slippage", () => {
    const { outputs } = deciderSpec(spec({ slippageBps: 10 }))
      .given(bar(1, FLAT), entry, bar(2, FLAT))
      .when(bar(3, ["90", "91", "88", "89"]));
    // 90 × 0.999 = 89.91 (rounded down against the seller).
    expect(ofType(outputs, "OrderFilled")).toMatchObject([{ orderId: slId, price: "89.91" }]);
  });

  it("a trailing stop follows the best price along the path and triggers pct below it", () => {
    const trail = approved("d1", "buy", "1", 1, { trailingPct: 5 });
    const trailId = deterministicId(entryId, "trailing_stop");
    const { outputs } = deciderSpec(spec())
      .given(bar(1, FLAT), trail, bar(2, FLAT))
      // Low first (1 away), then up to 120: the stop rises to 114; the close 115 stays above it.
      .when(bar(3, ["101", "120", "100", "115"]), bar(4, ["116", "117", "110", "111"]));
    expect(ofType(outputs, "OrderFilled")).toMatchObject([
      { orderId: trailId, price: "114", quantity: "1", liquidity: "taker" },
    ]);
    expect(ofType(outputs, "PortfolioValued").map((v) => v.bar)).toEqual([minute(3), minute(4)]);
  });

  it("protects a short with a buy stop above and a buy take-profit below", () => {
    const short = approved("d1", "sell", "1", 1, { stopLoss: "105", takeProfit: "90" });
    const { outputs } = deciderSpec(spec({ slippageBps: 10 }))
      .given(bar(1, FLAT), short, bar(2, FLAT))
      .when(bar(3, ["100", "106", "99", "104"]));
    // 105 × 1.001 = 105.105 → 105.11 against the buyer.
    expect(ofType(outputs, "OrderFilled")).toMatchObject([
      { orderId: slId, side: "buy", price: "105.11", liquidity: "taker" },
    ]);
    expect(ofType(outputs, "OrderCancelled")).toMatchObject([
      { orderId: tpId, reason: "oco: stop_loss triggered" },
    ]);
    expect(ofType(outputs, "PositionChanged")).toMatchObject([
      { quantity: "0", closedTrade: { side: "short", entryPrice: "99.9", exitPrice: "105.11" } },
    ]);
  });

  it("under next-bar-open a triggered stop fills at the next bar's open", () => {
    const { outputs } = deciderSpec(spec({ fillModel: "next-bar-open" }))
      .given(bar(1, FLAT), entry, bar(2, FLAT))
      .when(bar(3, ["100", "102", "94", "96"]), bar(4, ["93", "97", "92", "96"]));
    expect(ofType(outputs, "OrderCancelled")).toMatchObject([{ orderId: tpId }]);
    expect(ofType(outputs, "OrderFilled")).toMatchObject([
      { orderId: slId, price: "93", fillModel: "next-bar-open" },
    ]);
    expect(outputs.findIndex((o) => o.type === "OrderFilled")).toBeGreaterThan(
      outputs.findIndex((o) => o.type === "PortfolioValued"),
    );
  });
});

describe("paper execution: slippage and partial fills", () => {
  it("adds volume-participation impact to the fixed slippage", () => {
    const { outputs } = deciderSpec(
      createPaperExecutionSpec(sessionSetup({ slippageBps: 5, volumeImpactBps: 10, maxVolumeShare: 0 })),
    )
      .given(bar(1, FLAT), approved("d1", "buy", "2", 1))
      .when(bar(2, FLAT, "100"));
    // 2 of 100 = 2 % of the volume → 20 bps of impact + 5 bps: 100 × 1.0025.
    expect(ofType(outputs, "OrderFilled")).toMatchObject([{ price: "100.25" }]);
  });

  it("caps each fill at maxVolumeShare of the bar's volume; the rest fills on later bars", () => {
    const { outputs } = deciderSpec(createPaperExecutionSpec(sessionSetup({ maxVolumeShare: 0.1 })))
      .given(bar(1, FLAT), approved("d1", "buy", "2.5", 1, { stopLoss: "90" }))
      .when(bar(2, FLAT, "10"), bar(3, FLAT, "10"), bar(4, FLAT, "10"));
    expect(ofType(outputs, "OrderFilled")).toMatchObject([
      { quantity: "1", cumulativeQuantity: "1", remainingQuantity: "1.5", partial: true },
      { quantity: "1", cumulativeQuantity: "2", remainingQuantity: "0.5", partial: true },
      { quantity: "0.5", cumulativeQuantity: "2.5", remainingQuantity: "0", partial: false },
    ]);
    expect(ofType(outputs, "PositionChanged").map((p) => p.quantity)).toEqual(["1", "2", "2.5"]);
    // Protection comes once the entry is complete, for the whole quantity.
    expect(ofType(outputs, "OrderSubmitted")).toMatchObject([{ type: "stop_loss", quantity: "2.5" }]);
    expect(ofType(outputs, "PortfolioValued")).toHaveLength(3);
  });
});

describe("paper execution: l2-book", () => {
  const spec = () => createPaperExecutionSpec(sessionSetup({ fillModel: "l2-book" }));

  it("walks the latest book's levels for a market order", () => {
    const { outputs } = deciderSpec(spec())
      .given(bar(1, FLAT), approved("d1", "buy", "2", 1), bookSnapshot(2, [["99", "5"]]))
      .when(
        bookSnapshot(2, [
          ["100", "1"],
          ["101", "2"],
        ]),
        bar(2, FLAT),
      );
    expect(ofType(outputs, "OrderFilled")).toMatchObject([
      { price: "100.5", quantity: "2", liquidity: "taker", fillModel: "l2-book", partial: false },
    ]);
  });

  it("fills what the book holds and the rest on a later bar", () => {
    const { outputs } = deciderSpec(spec())
      .given(bar(1, FLAT), approved("d1", "sell", "3", 1))
      .when(
        bookSnapshot(
          2,
          [],
          [
            ["100", "1"],
            ["99", "1"],
          ],
        ),
        bar(2, FLAT),
        bar(3, ["98", "99", "97", "98"]),
      );
    expect(ofType(outputs, "OrderFilled")).toMatchObject([
      { price: "99.5", quantity: "2", partial: true, fillModel: "l2-book" },
      // The book is eaten: the rest falls back to the bar's open.
      { price: "98", quantity: "1", partial: false, fillModel: "next-bar-open" },
    ]);
  });

  it("falls back to next-bar-open when no book exists", () => {
    const { outputs } = deciderSpec(spec())
      .given(bar(1, FLAT), approved("d1", "buy", "1", 1))
      .when(bar(2, ["101", "102", "100", "101"]));
    expect(ofType(outputs, "OrderFilled")).toMatchObject([{ price: "101", fillModel: "next-bar-open" }]);
  });
});

describe("paper execution: positions", () => {
  it("averages in, closes part, then flips short", () => {
    const { outputs } = deciderSpec(createPaperExecutionSpec(sessionSetup({ takerFeePct: 0 })))
      .given(bar(1, FLAT), approved("d1", "buy", "1", 1))
      .when(
        bar(2, FLAT),
        approved("d2", "buy", "1", 2),
        bar(3, ["110", "111", "109", "110"]),
        approved("d3", "sell", "0.5", 3),
        bar(4, ["120", "121", "119", "120"]),
        approved("d4", "sell", "3", 4),
        bar(5, ["100", "101", "99", "100"]),
      );
    const changes = ofType(outputs, "PositionChanged");
    expect(changes).toMatchObject([
      { quantity: "1", averagePrice: "100" },
      { quantity: "2", averagePrice: "105" },
      {
        quantity: "1.5",
        averagePrice: "105",
        realizedDelta: "7.5",
        closedTrade: { side: "long", quantity: "0.5" },
      },
      {
        quantity: "-1.5",
        averagePrice: "100",
        realizedDelta: "-7.5",
        realizedPnl: "0",
        closedTrade: { side: "long", quantity: "1.5", entryPrice: "105", exitPrice: "100", pnl: "-7.5" },
      },
    ]);
    expect(changes[0]?.closedTrade).toBeUndefined();
    expect(ofType(outputs, "PortfolioValued").at(-1)).toMatchObject({
      positions: [{ quantity: "-1.5", markPrice: "100" }],
      exposure: "150",
      equity: "10000",
    });
  });

  it("without shorting, a sell with nothing held is cancelled", () => {
    const { outputs } = deciderSpec(createPaperExecutionSpec(sessionSetup({ allowShort: false })))
      .given(bar(1, FLAT), approved("d1", "sell", "1", 1))
      .when(bar(2, FLAT));
    expect(ofType(outputs, "OrderCancelled")).toMatchObject([{ reason: "short selling disabled" }]);
    expect(ofType(outputs, "OrderFilled")).toHaveLength(0);
  });

  it("a reduce-only order never grows the position", () => {
    const { outputs } = deciderSpec(createPaperExecutionSpec(sessionSetup()))
      .given(
        bar(1, FLAT),
        approved("d1", "buy", "1", 1),
        bar(2, FLAT),
        approved("d2", "sell", "5", 2, { reduceOnly: true }),
      )
      .when(bar(3, FLAT));
    expect(ofType(outputs, "OrderFilled")).toMatchObject([
      { quantity: "1", remainingQuantity: "4", partial: true },
    ]);
    expect(ofType(outputs, "OrderCancelled")).toMatchObject([
      { reason: "reduce-only: position closed", filledQuantity: "1" },
    ]);
    expect(ofType(outputs, "PositionChanged")).toMatchObject([{ quantity: "0" }]);
  });
});

describe("paper execution: flatten and end of data", () => {
  const withPosition = [
    bar(1, FLAT),
    approved("d1", "buy", "2", 1, { stopLoss: "90" }),
    bar(2, FLAT),
    approved("d2", "buy", "1", 2),
  ];

  it("flatten cancels pending entries and closes every position with a market order on the next bar", () => {
    const flattenId = deterministicId("c1", "flatten", "BTC/USDT");
    deciderSpec(createPaperExecutionSpec(sessionSetup()))
      .given(...withPosition)
      .when(commandAccepted("c1", 2), bar(3, ["102", "103", "101", "102"]))
      .then([
        { type: "OrderCancelled", data: { orderId: deterministicId("d2", "order"), reason: "flatten" } },
        {
          type: "OrderSubmitted",
          data: {
            orderId: flattenId,
            clientOrderId: clientOrderId("c1", "BTC/USDT"),
            side: "sell",
            quantity: "2",
            reduceOnly: true,
          },
        },
        { type: "OrderAccepted", data: { orderId: flattenId } },
        { type: "OrderFilled", at: minute(3), data: { orderId: flattenId, price: "102", quantity: "2" } },
        { type: "PositionChanged", data: { quantity: "0", closedTrade: { side: "long", quantity: "2" } } },
        { type: "OrderCancelled", data: { reason: "position closed" } }, // the stop-loss has nothing left to protect
        { type: "PortfolioValued", data: { positions: [] } },
      ]);
  });

  it("other accepted commands do nothing here", () => {
    const pause = stored(
      "CommandAccepted",
      { commandId: "c2", command: "pause", from: "running", to: "paused" },
      minute(2),
    );
    deciderSpec(createPaperExecutionSpec(sessionSetup()))
      .given(...withPosition)
      .when(pause)
      .then([]);
  });

  it("at the end of data closes every position at the last close and values the portfolio a last time", () => {
    const endId = deterministicId("s1", "end-of-data", "BTC/USDT");
    deciderSpec(createPaperExecutionSpec(sessionSetup({ slippageBps: 10 })))
      .given(
        bar(1, FLAT),
        approved("d1", "sell", "2", 1, { stopLoss: "110" }),
        bar(2, FLAT),
        bar(3, ["100", "101", "99", "98"]),
      )
      .when(marketDataEnded(3), bar(4, FLAT), approved("d9", "buy", "1", 4))
      .then([
        { type: "OrderCancelled", data: { reason: "market data ended" } },
        {
          type: "OrderSubmitted",
          data: { orderId: endId, side: "buy", type: "market", quantity: "2", reduceOnly: true },
        },
        { type: "OrderAccepted", data: { orderId: endId } },
        // 98 × 1.001 = 98.098 → 98.1 against the buyer.
        {
          type: "OrderFilled",
          at: minute(3),
          data: { orderId: endId, price: "98.1", fillModel: "end-of-data" },
        },
        {
          type: "PositionChanged",
          data: { quantity: "0", closedTrade: { side: "short", exitPrice: "98.1" } },
        },
        { type: "PortfolioValued", at: minute(3), data: { bar: minute(3), positions: [], exposure: "0" } },
        // After the end nothing trades: a late approval is rejected, bars are ignored.
        { type: "OrderSubmitted", data: { decisionId: "d9" } },
        { type: "OrderRejected", data: { reason: "market data ended" } },
      ]);
  });

  it("ends with a final PortfolioValued even without any bar", () => {
    deciderSpec(createPaperExecutionSpec(sessionSetup()))
      .given()
      .when(stored("MarketDataEnded", { bars: 0 }, minute(0)))
      .then([{ type: "PortfolioValued", data: { bar: minute(0), equity: "10000" } }]);
  });
});

describe("paper execution: snapshots", () => {
  it("a restored actor (JSON snapshot) continues exactly as one that never stopped", () => {
    const spec = createPaperExecutionSpec(sessionSetup({ fillModel: "ohlc-path", maxVolumeShare: 0.1 }));
    const before = [
      bar(1, FLAT),
      approved("d1", "buy", "3", 1, { stopLoss: "95", takeProfit: "110", trailingPct: 3 }),
      bar(2, FLAT, "10"),
    ];
    const after = [
      bar(3, ["100", "104", "99", "103"], "10"),
      bar(4, ["103", "112", "102", "111"], "50"),
      marketDataEnded(4),
    ];
    const straight = createMachineDriver(spec);
    for (const e of before) straight.feed(e);
    const restored = createMachineDriver(spec, JSON.parse(JSON.stringify(straight.persist())));
    const a = after.flatMap((e) => straight.feed(e));
    const b = after.flatMap((e) => restored.feed(e));
    expect(b).toEqual(a);
    expect(ofType(a, "OrderFilled").length).toBeGreaterThan(2);
  });
});
