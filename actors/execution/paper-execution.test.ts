import { describe, expect, it } from "vitest";
import type { AnyEvent, AnyEventDraft, EventData } from "../../events/index.ts";
import { clientOrderId, deterministicId } from "../../events/index.ts";
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

const ofType = <T extends AnyEventDraft["type"]>(outputs: AnyEventDraft[], type: T) =>
  outputs.filter((o): o is Extract<AnyEventDraft, { type: T }> => o.type === type).map((o) => o.data);

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
