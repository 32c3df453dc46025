import type { AnyEvent, AnyEventDraft, EventData } from "../../events/index.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import { defaultStrategy, parseStrategy } from "../strategy/strategy-config.ts";
import { stored } from "../testing/decider-spec.ts";

/** Test fixtures of the risk specs: a session on BTC/USDT 1h and builders of the stored events they feed. */

export const riskSetup: SessionSetup = {
  sessionId: "spec",
  mode: "backtest",
  symbol: "BTC/USDT",
  timeframe: "1h",
  strategy: defaultStrategy,
  initialCash: "10000",
  quoteCurrency: "USDT",
};

/** The spec session with some strategy fields overridden (validated like any strategy). */
export function riskSetupWith(strategy: Record<string, unknown>): SessionSetup {
  return { ...riskSetup, strategy: parseStrategy(strategy) };
}

/** The ISO close time of hour `h` on 2024-01-01 (h may run past 24 into the next days). */
export function hour(h: number, minutes = 0): string {
  return new Date(Date.UTC(2024, 0, 1, h, minutes)).toISOString();
}

/** A deep-partial expectation of an emitted draft (then() matches it with toMatchObject). */
export function draft(x: {
  type?: AnyEventDraft["type"];
  at?: string;
  data?: object;
}): Partial<AnyEventDraft> {
  return x as Partial<AnyEventDraft>;
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
