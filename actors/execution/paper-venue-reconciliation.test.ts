import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AnyEvent, AnyEventDraft } from "../../events/index.ts";
import { createMachineDriver } from "../runtime/machine-driver.ts";
import { parseStrategy } from "../strategy/strategy-config.ts";
import { stored } from "../testing/decider-spec.ts";
import { dec, ZERO } from "./exact-decimal.ts";
import { createPaperExecutionSpec } from "./paper-execution.ts";

const T0 = Date.UTC(2024, 0, 1);
const minute = (n: number) => new Date(T0 + n * 60_000).toISOString();
const same = (a: string, b: { toFixed(): string } | string, what: string) =>
  expect(dec(a).eq(dec(typeof b === "string" ? b : b.toFixed())), `${what}: ${a} ≠ ${String(b)}`).toBe(true);

interface RandomBar {
  open: number;
  up: number;
  down: number;
  close: number;
  volume: number;
  approval: null | {
    side: "buy" | "sell";
    qty: number;
    sl: boolean;
    tp: boolean;
    trail: boolean;
    reduce: boolean;
  };
  book: boolean;
}

const barArb: fc.Arbitrary<RandomBar> = fc.record({
  open: fc.integer({ min: 9_000, max: 11_000 }),
  up: fc.integer({ min: 0, max: 400 }),
  down: fc.integer({ min: 0, max: 400 }),
  close: fc.integer({ min: 0, max: 1000 }),
  volume: fc.integer({ min: 0, max: 50 }),
  approval: fc.option(
    fc.record({
      side: fc.constantFrom("buy" as const, "sell" as const),
      qty: fc.integer({ min: 1, max: 3_000 }),
      sl: fc.boolean(),
      tp: fc.boolean(),
      trail: fc.boolean(),
      reduce: fc.boolean(),
    }),
    { freq: 2 },
  ),
  book: fc.boolean(),
});

/** The input events of a random session: bars around 100 (cents), approvals, books, flattens, the end. */
function sessionEvents(bars: RandomBar[], flattenAt: number): AnyEvent[] {
  const events: AnyEvent[] = [];
  bars.forEach((b, i) => {
    const n = i + 1;
    const open = b.open / 100;
    const high = (b.open + b.up) / 100;
    const low = (b.open - b.down) / 100;
    const close = low + ((high - low) * b.close) / 1000;
    const price = (x: number) => x.toFixed(2);
    if (b.book) {
      const asks: [string, string][] = [
        [price(open + 0.05), "0.4"],
        [price(open + 0.2), "1.5"],
      ];
      const bids: [string, string][] = [
        [price(open - 0.05), "0.3"],
        [price(open - 0.3), "2"],
      ];
      events.push(
        stored(
          "OrderBookSnapshot",
          { symbol: "BTC/USDT", venue: "paper", bids, asks, depth: 2 },
          minute(n - 1),
        ),
      );
    }
    events.push(
      stored(
        "CandleClosed",
        {
          symbol: "BTC/USDT",
          timeframe: "1m",
          openTime: minute(n - 1),
          closeTime: minute(n),
          open: price(open),
          high: price(high),
          low: price(low),
          close: price(close),
          volume: String(b.volume),
          sourceBars: 1,
        },
        minute(n),
      ),
    );
    const a = b.approval;
    if (a !== null) {
      const dir = a.side === "buy" ? 1 : -1;
      events.push(
        stored(
          "RiskApproved",
          {
            decisionId: `d${n}`,
            symbol: "BTC/USDT",
            side: a.side,
            quantity: (a.qty / 1000).toFixed(3),
            price: price(close),
            notional: "0",
            reduceOnly: a.reduce,
            sizing: { method: "random", kellyFraction: 0, edge: 0, sampleSize: 0, capsApplied: [] },
            ...(a.sl ? { stopLoss: price(close * (1 - dir * 0.02)) } : {}),
            ...(a.tp ? { takeProfit: price(close * (1 + dir * 0.02)) } : {}),
            ...(a.trail ? { trailingPct: 1.5 } : {}),
            checks: [],
          },
          minute(n),
        ),
      );
    }
    if (n === flattenAt) {
      events.push(
        stored(
          "CommandAccepted",
          { commandId: `c${n}`, command: "flatten", from: "running", to: "running" },
          minute(n),
        ),
      );
    }
  });
  events.push(
    stored("MarketDataEnded", { bars: bars.length, lastBarClose: minute(bars.length) }, minute(bars.length)),
  );
  return events;
}

describe("paper venue reconciliation", () => {
  it("over random sessions, the sum of fills is the change in cash and every valuation adds up exactly", () => {
    fc.assert(
      fc.property(
        fc.array(barArb, { minLength: 1, maxLength: 30 }),
        fc.constantFrom("next-bar-open" as const, "ohlc-path" as const, "l2-book" as const),
        fc.constantFrom(0, 0.05, 0.5),
        fc.constantFrom("market" as const, "limit" as const),
        fc.integer({ min: 0, max: 30 }),
        (bars, fillModel, maxVolumeShare, entryOrderType, flattenAt) => {
          const spec = createPaperExecutionSpec({
            sessionId: "prop",
            mode: "backtest",
            symbol: "BTC/USDT",
            timeframe: "1m",
            strategy: parseStrategy({
              execution: {
                fillModel,
                maxVolumeShare,
                entryOrderType,
                limitOffsetBps: 20,
                quantityDecimals: 3,
              },
            }),
            initialCash: "1000",
            quoteCurrency: "USDT",
          });
          const driver = createMachineDriver(spec);
          const out: AnyEventDraft[] = sessionEvents(bars, flattenAt).flatMap((e) => driver.feed(e));

          const initial = dec(1000);
          let cash = initial;
          let qty = ZERO;
          let fees = ZERO;
          let closedPnl = ZERO;
          const filledByOrder = new Map<string, ReturnType<typeof dec>>();
          const submitted = new Map<string, string>();
          const terminal = new Set<string>();
          for (const o of out) {
            if (o.type === "OrderSubmitted") submitted.set(o.data.orderId, o.data.quantity);
            if (o.type === "OrderCancelled" || o.type === "OrderRejected") terminal.add(o.data.orderId);
            if (o.type === "OrderFilled") {
              const signed = o.data.side === "buy" ? dec(o.data.quantity) : dec(o.data.quantity).neg();
              cash = cash.sub(signed.mul(o.data.price)).sub(o.data.fee);
              qty = qty.add(signed);
              fees = fees.add(o.data.fee);
              const f = (filledByOrder.get(o.data.orderId) ?? ZERO).add(o.data.quantity);
              filledByOrder.set(o.data.orderId, f);
              same(o.data.cumulativeQuantity, f, "cumulative");
              const total = dec(submitted.get(o.data.orderId) ?? "0");
              same(o.data.remainingQuantity, total.sub(f), "remaining");
              expect(f.lte(total)).toBe(true);
              if (f.eq(total)) terminal.add(o.data.orderId);
            }
            if (o.type === "PositionChanged") {
              same(o.data.cash, cash, "position cash");
              same(o.data.quantity, qty, "position quantity");
              if (o.data.closedTrade !== undefined) closedPnl = closedPnl.add(o.data.closedTrade.pnl);
            }
            if (o.type === "PortfolioValued") {
              const v = o.data;
              same(v.cash, cash, "valued cash");
              same(v.fees, fees, "fees");
              const market = v.positions.reduce((s, p) => s.add(dec(p.quantity).mul(p.markPrice)), ZERO);
              same(v.equity, cash.add(market), "equity = cash + Σ qty·mark");
              same(
                v.equity,
                initial.add(v.realizedPnl).add(v.unrealizedPnl),
                "equity = initial + realized + unrealized",
              );
            }
          }
          // At the end everything is closed: the closed trades' net P&L is the change in cash, and no order is left open.
          expect(qty.isZero()).toBe(true);
          same(closedPnl.toFixed(), cash.sub(initial), "Σ trade P&L");
          expect([...submitted.keys()].filter((id) => !terminal.has(id))).toEqual([]);
          expect(out.filter((o) => o.type === "PortfolioValued")).toHaveLength(bars.length + 1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
