import type { AnyEvent } from "../../events/index.ts";
import { dec, decimalText, ZERO } from "../execution/exact-decimal.ts";

/** A closed (or flipped) position as the metrics see it. Money is decimal strings in the quote currency. */
export interface MetricTrade {
  readonly side: "long" | "short";
  readonly entryPrice: string;
  readonly exitPrice: string;
  readonly quantity: string;
  /** Net of every fee charged to it. */
  readonly pnl: string;
  readonly openedAt: string;
  readonly closedAt: string;
}

/** The portfolio marked at a bar's close (PortfolioValued). */
export interface MetricValuation {
  readonly at: string;
  readonly equity: string;
  /** Whether any position was open at this mark. */
  readonly inMarket: boolean;
}

export interface MetricFill {
  readonly at: string;
  readonly price: string;
  readonly quantity: string;
  readonly fee: string;
}

/** Everything the three metric blocks are computed from. */
export interface MetricsInput {
  readonly initialCash: string;
  /** When the run began and ended (event time). */
  readonly start: string;
  readonly end: string;
  readonly trades: readonly MetricTrade[];
  readonly valuations: readonly MetricValuation[];
  readonly fills: readonly MetricFill[];
}

/** The metrics input of a recorded or in-process session: trades from PositionChanged, marks from PortfolioValued. */
export function metricsInputFromEvents(events: Iterable<AnyEvent>): MetricsInput {
  let initialCash = "0";
  let start: string | null = null;
  let end: string | null = null;
  const trades: MetricTrade[] = [];
  const valuations: MetricValuation[] = [];
  const fills: MetricFill[] = [];
  for (const e of events) {
    switch (e.type) {
      case "SessionCreated":
        initialCash = e.data.initialCash;
        start = e.at;
        break;
      case "PositionChanged": {
        const t = e.data.closedTrade;
        if (t !== undefined) trades.push({ ...t });
        break;
      }
      case "PortfolioValued":
        valuations.push({
          at: e.data.bar,
          equity: e.data.equity,
          inMarket: e.data.positions.some((p) => !dec(p.quantity).isZero()),
        });
        if (end === null || e.data.bar > end) end = e.data.bar;
        break;
      case "OrderFilled":
        fills.push({ at: e.at, price: e.data.price, quantity: e.data.quantity, fee: e.data.fee });
        break;
      default:
        break;
    }
  }
  const s = start ?? valuations[0]?.at ?? "1970-01-01T00:00:00.000Z";
  return { initialCash, start: s, end: end ?? s, trades, valuations, fills };
}

/** Σ of decimal strings, exact. */
export function sumDecimals(values: Iterable<string>): string {
  let s = ZERO;
  for (const v of values) s = s.plus(dec(v));
  return decimalText(s);
}
