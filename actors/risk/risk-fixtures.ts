import type { AnyEvent, EventData } from "../../events/index.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import { parseStrategy } from "../strategy/strategy-config.ts";
import { stored } from "../testing/decider-spec.ts";

/** Test fixtures of the risk specs: a session on BTC/USDT 1h and builders of the stored events they feed. */

export const riskSetup: SessionSetup = {
  sessionId: "spec",
  mode: "backtest",
  symbol: "BTC/USDT",
  timeframe: "1h",
  // The specs judge Kelly from the first closed trade; the learning phase has a spec of its own.
  strategy: parseStrategy({ risk: { kellyMinTrades: 0 } }),
  initialCash: "10000",
  quoteCurrency: "USDT",
};

/** The spec session with some strategy fields overridden (validated like any strategy). */
export function riskSetupWith(strategy: Record<string, unknown>): SessionSetup {
  const risk = { kellyMinTrades: 0, ...((strategy.risk as Record<string, unknown> | undefined) ?? {}) };
  return { ...riskSetup, strategy: parseStrategy({ ...strategy, risk }) };
}

/** The ISO close time of hour `h` on 2024-01-01 (h may run past 24 into the next days). */
export function hour(h: number, minutes = 0): string {
  return new Date(Date.UTC(2024, 0, 1, h, minutes)).toISOString();
}

export function candle(h: number, over: Partial<EventData<"CandleClosed">> = {}): AnyEvent {
  return stored(
    "CandleClosed",
    {
      symbol: "BTC/USDT",
      timeframe: "1h",
      openTime: hour(h - 1),
      closeTime: hour(h),
      open: "100",
      high: "101",
      low: "99",
      close: "100",
      volume: "10",
      sourceBars: 60,
      ...over,
    },
    over.closeTime ?? hour(h),
  );
}

export interface ValuedOptions {
  readonly drawdown?: number;
  readonly quantity?: string;
  readonly equity?: string;
  readonly cash?: string;
  readonly mark?: string;
  readonly peakEquity?: string;
}

/** PortfolioValued of the bar closing at hour h (exposure = |quantity| × mark). */
export function valued(h: number, o: ValuedOptions = {}): AnyEvent {
  const quantity = o.quantity ?? "0";
  const mark = o.mark ?? "100";
  const exposure = Math.abs(Number(quantity) * Number(mark)).toString();
  return stored(
    "PortfolioValued",
    {
      bar: hour(h),
      cash: o.cash ?? o.equity ?? "10000",
      equity: o.equity ?? "10000",
      peakEquity: o.peakEquity ?? o.equity ?? "10000",
      drawdown: o.drawdown ?? 0,
      exposure,
      positions: quantity === "0" ? [] : [{ symbol: "BTC/USDT", quantity, markPrice: mark }],
      realizedPnl: "0",
      unrealizedPnl: "0",
      fees: "0",
    },
    hour(h),
    { writer: "exec" },
  );
}

/** A decision of the orchestrator on the bar closing at `at`. */
export function decision(
  action: "BUY" | "SELL" | "HOLD",
  at: string,
  price = "100",
  symbol = "BTC/USDT",
): AnyEvent {
  return stored(
    "DecisionMade",
    {
      symbol,
      timeframe: "1h",
      bar: at,
      action,
      consensus: 1,
      scores: {
        BUY: action === "BUY" ? 1 : 0,
        SELL: action === "SELL" ? 1 : 0,
        HOLD: action === "HOLD" ? 1 : 0,
      },
      votes: [],
      missing: [],
      price,
      ruleVersion: "spec",
      reasoning: "spec",
    },
    at,
    { writer: "orchestrator" },
  );
}

export interface PositionOptions {
  readonly quantity?: string;
  readonly cash?: string;
  readonly fillId?: string;
  readonly symbol?: string;
  /** A closed trade of this pnl (long, entry 100, quantity 10 → entry notional 1000). */
  readonly closedPnl?: string;
}

export function positionChanged(at: string, o: PositionOptions = {}): AnyEvent {
  return stored(
    "PositionChanged",
    {
      symbol: o.symbol ?? "BTC/USDT",
      quantity: o.quantity ?? "0",
      averagePrice: "100",
      realizedPnl: "0",
      realizedDelta: o.closedPnl ?? "0",
      cash: o.cash ?? "10000",
      fillId: o.fillId ?? `fill-${at}`,
      ...(o.closedPnl === undefined
        ? {}
        : {
            closedTrade: {
              entryPrice: "100",
              exitPrice: "100",
              quantity: "10",
              side: "long" as const,
              pnl: o.closedPnl,
              openedAt: hour(0),
              closedAt: at,
            },
          }),
    },
    at,
    { writer: "exec" },
  );
}

/** A resting stop order of execution, then its fill (the engine learns that the exit was a stop). */
export function stopExit(
  orderId: string,
  at: string,
  type: "stop_loss" | "trailing_stop" = "stop_loss",
): AnyEvent[] {
  return [
    stored(
      "OrderSubmitted",
      {
        orderId,
        clientOrderId: orderId,
        symbol: "BTC/USDT",
        side: "sell",
        type,
        quantity: "10",
        stopPrice: "98",
        reduceOnly: true,
        venue: "paper",
      },
      at,
      { writer: "exec" },
    ),
    stored(
      "OrderFilled",
      {
        orderId,
        clientOrderId: orderId,
        fillId: `fill-${orderId}`,
        symbol: "BTC/USDT",
        side: "sell",
        price: "98",
        quantity: "10",
        fee: "0",
        feeCurrency: "USDT",
        liquidity: "taker",
        cumulativeQuantity: "10",
        remainingQuantity: "0",
        partial: false,
        fillModel: "ohlc-path",
      },
      at,
      { writer: "exec" },
    ),
    positionChanged(at, { fillId: `fill-${orderId}`, closedPnl: "-20" }),
  ];
}

export function commandAccepted(
  command: EventData<"CommandAccepted">["command"],
  from: EventData<"CommandAccepted">["from"],
  to: EventData<"CommandAccepted">["to"],
  at: string,
): AnyEvent {
  return stored("CommandAccepted", { commandId: `cmd-${command}`, command, from, to }, at, {
    writer: "session",
  });
}
