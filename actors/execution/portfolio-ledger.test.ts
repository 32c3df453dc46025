import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dec, type ExactDecimal, ZERO } from "./exact-decimal.ts";
import { applyFill, createPortfolioLedger, type LedgerFill, valuePortfolio } from "./portfolio-ledger.ts";

const S = "BTC/USDT";
const at = (i: number) => new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString();

/** Exact equality of decimal strings (no tolerance). */
const same = (a: string | ExactDecimal, b: string | ExactDecimal) =>
  expect(dec(a).eq(dec(b)), `${a} ≠ ${b}`).toBe(true);

type RandomFill = { side: "buy" | "sell"; qtyMicros: number; priceCents: number; feePct: number };

const fillArb: fc.Arbitrary<RandomFill> = fc.record({
  side: fc.constantFrom("buy" as const, "sell" as const),
  // Quantities in 1e-6 units up to 5, prices in cents from 0.01 to 100 000, fee rates from a venue-like set.
  qtyMicros: fc.integer({ min: 1, max: 5_000_000 }),
  priceCents: fc.integer({ min: 1, max: 10_000_000 }),
  feePct: fc.constantFrom(0, 0.02, 0.075, 0.1, 0.2),
});

function toFill(f: RandomFill, i: number): LedgerFill {
  const quantity = dec(f.qtyMicros).div(1_000_000);
  const price = dec(f.priceCents).div(100);
  return {
    symbol: S,
    side: f.side,
    quantity: quantity.toFixed(),
    price: price.toFixed(),
    fee: quantity.mul(price).mul(f.feePct).div(100).toFixed(),
    at: at(i),
  };
}

describe("portfolio ledger", () => {
  it("averages into a long, closes part of it and flips short (worked example)", () => {
    let l = createPortfolioLedger("1000");
    const step = (f: Omit<LedgerFill, "symbol" | "at">, i: number) => {
      const r = applyFill(l, { ...f, symbol: S, at: at(i) });
      l = r.ledger;
      return r.change;
    };
    expect(step({ side: "buy", quantity: "1", price: "100", fee: "0.1" }, 0)).toMatchObject({
      quantity: "1",
      averagePrice: "100",
      realizedDelta: "-0.1",
      cash: "899.9",
    });
    expect(step({ side: "buy", quantity: "1", price: "110", fee: "0.11" }, 1)).toMatchObject({
      quantity: "2",
      averagePrice: "105",
      cash: "789.79",
    });
    // Partial close of 0.5 at 120: gross (120 − 105) × 0.5 = 7.5, minus its fee 0.06.
    const partial = step({ side: "sell", quantity: "0.5", price: "120", fee: "0.06" }, 2);
    expect(partial).toMatchObject({
      quantity: "1.5",
      averagePrice: "105",
      realizedDelta: "7.44",
      cash: "849.73",
    });
    // Entry fees 0.21 for 2 units: 0.0525 charged to the 0.5 closed.
    expect(partial.closedTrade).toMatchObject({
      side: "long",
      quantity: "0.5",
      entryPrice: "105",
      pnl: "7.3875",
    });
    // Flip: sell 2.5 at 100 closes 1.5 (gross −7.5) and opens 1 short at 100.
    const flip = step({ side: "sell", quantity: "2.5", price: "100", fee: "0.25" }, 3);
    expect(flip).toMatchObject({
      quantity: "-1",
      averagePrice: "100",
      realizedDelta: "-7.75",
      cash: "1099.48",
    });
    expect(flip.closedTrade).toMatchObject({
      side: "long",
      quantity: "1.5",
      entryPrice: "105",
      exitPrice: "100",
      openedAt: at(0),
      closedAt: at(3),
    });
    expect(l.positions[S]).toMatchObject({ quantity: "-1", cost: "-100", entryFees: "0.1", openedAt: at(3) });
    // Cover the short at 90: +10 gross.
    const cover = step({ side: "buy", quantity: "1", price: "90", fee: "0.09" }, 4);
    expect(cover).toMatchObject({ quantity: "0", averagePrice: "0", realizedDelta: "9.91" });
    expect(cover.closedTrade).toMatchObject({ side: "short", pnl: "9.81" });
    same(l.cash, "1009.39");
    expect(l.positions[S]).toBeUndefined();
  });

  it("values at the marks: equity, exposure, drawdown from the peak", () => {
    let l = applyFill(createPortfolioLedger("1000"), {
      symbol: S,
      side: "sell",
      quantity: "2",
      price: "100",
      fee: "0",
      at: at(0),
    }).ledger;
    const up = valuePortfolio(l, { [S]: "90" });
    l = up.ledger;
    expect(up.valuation).toMatchObject({ equity: "1020", peakEquity: "1020", drawdown: 0, exposure: "180" });
    const down = valuePortfolio(l, { [S]: "110.2" }).valuation;
    expect(down).toMatchObject({
      equity: "979.6",
      peakEquity: "1020",
      unrealizedPnl: "-20.4",
      exposure: "220.4",
    });
    expect(down.drawdown).toBeCloseTo(40.4 / 1020, 12);
  });

  it("reconciles to the last unit over random fill sequences (long, short, flips, partial closes, averaging)", () => {
    fc.assert(
      fc.property(
        fc.array(fillArb, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        (fills, markCents, cashCents) => {
          const initial = dec(cashCents).div(100);
          let ledger = createPortfolioLedger(initial.toFixed());
          let expectedCash = initial;
          let expectedQty = ZERO;
          let sumDeltas = ZERO;
          let sumClosed = ZERO;
          const mark = dec(markCents).div(100);
          const book = (f: LedgerFill) => {
            const r = applyFill(ledger, f);
            ledger = r.ledger;
            const signed = f.side === "buy" ? dec(f.quantity) : dec(f.quantity).neg();
            // The sum of fills is the change in balance: −signed qty × price − fee, per fill.
            expectedCash = expectedCash.sub(signed.mul(f.price)).sub(f.fee);
            expectedQty = expectedQty.add(signed);
            sumDeltas = sumDeltas.add(r.change.realizedDelta);
            if (r.change.closedTrade !== undefined) sumClosed = sumClosed.add(r.change.closedTrade.pnl);
            same(r.change.cash, expectedCash);
            same(r.change.quantity, expectedQty);
            same(r.change.realizedPnl, sumDeltas);
          };
          fills.forEach((f, i) => {
            book(toFill(f, i));
            const { valuation } = valuePortfolio(ledger, { [S]: mark.toFixed() });
            const market = expectedQty.mul(mark);
            same(ledger.cash, expectedCash);
            // equity = cash + Σ qty·mark
            same(valuation.equity, expectedCash.add(market));
            // … = initial + realized (gross) + unrealized − fees, and realizedPnl is reported net of fees.
            same(
              valuation.equity,
              initial.add(ledger.realizedGross).add(valuation.unrealizedPnl).sub(ledger.fees),
            );
            same(valuation.equity, initial.add(valuation.realizedPnl).add(valuation.unrealizedPnl));
            same(valuation.exposure, market.abs());
            // The cost-basis invariant behind both: cash + Σ cost = initial + realized − fees.
            const cost = ledger.positions[S]?.cost ?? "0";
            same(dec(ledger.cash).add(cost), initial.add(ledger.realizedGross).sub(ledger.fees));
          });
          // Close whatever is left: then every closed trade's net P&L adds up to the change in cash.
          if (!expectedQty.isZero()) {
            book({
              symbol: S,
              side: expectedQty.gt(0) ? "sell" : "buy",
              quantity: expectedQty.abs().toFixed(),
              price: mark.toFixed(),
              fee: expectedQty.abs().mul(mark).mul(0.1).div(100).toFixed(),
              at: at(fills.length),
            });
          }
          expect(ledger.positions[S]).toBeUndefined();
          same(sumClosed, dec(ledger.cash).sub(initial));
          same(dec(ledger.realizedGross).sub(ledger.fees), dec(ledger.cash).sub(initial));
        },
      ),
      { numRuns: 500 },
    );
  });
});
