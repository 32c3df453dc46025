import { Decimal } from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultStrategy } from "../strategy/strategy-config.ts";
import {
  addClosedTrade,
  emptyTradeStats,
  estimateKelly,
  type KellyEstimate,
  type NotionalCap,
  sizeEntry,
} from "./kelly-sizing.ts";

const params = defaultStrategy.risk;

function estimateWithEdge(edge: number): KellyEstimate {
  return { sampleSize: 10, winRate: 0.5, payoff: 1, kelly: edge, edge };
}

const money = fc.integer({ min: 0, max: 10_000_000 }).map((cents) => new Decimal(cents).div(100));
const price = fc.integer({ min: 1, max: 10_000_000 }).map((cents) => new Decimal(cents).div(100));
const caps = fc.array(
  money.map((room): NotionalCap => ({ rule: "cap", room })),
  { maxLength: 5 },
);
const edge = fc.double({ min: -1, max: 1, noNaN: true });

describe("Kelly estimate from the session's own closed trades", () => {
  it("is null with no closed trade (no invented win rate)", () => {
    expect(estimateKelly(emptyTradeStats, params)).toBeNull();
  });

  it("computes p, b and f* = p − (1 − p)/b, shrunk by n/(n + prior)", () => {
    // 3 wins of +4 %, 2 losses of −2 %: p = 0.6, b = 2, f* = 0.6 − 0.4/2 = 0.4; n = 5, prior 20 → edge 0.08.
    let stats = emptyTradeStats;
    for (const pnl of ["40", "40", "40", "-20", "-20"]) stats = addClosedTrade(stats, pnl, "1000");
    const k = estimateKelly(stats, params);
    expect(k?.winRate).toBeCloseTo(0.6, 12);
    expect(k?.payoff).toBeCloseTo(2, 12);
    expect(k?.kelly).toBeCloseTo(0.4, 12);
    expect(k?.edge).toBeCloseTo(0.08, 12);
  });

  it("has no edge after losses only, and f* = p after wins only", () => {
    expect(estimateKelly(addClosedTrade(emptyTradeStats, "-5", "100"), params)?.edge).toBeLessThan(0);
    expect(estimateKelly(addClosedTrade(emptyTradeStats, "5", "100"), params)?.kelly).toBe(1);
  });

  it("property: shrinkage keeps the sign of f*, never enlarges it, and fades as the sample grows", () => {
    const trade = fc.tuple(fc.integer({ min: -500, max: 500 }), fc.integer({ min: 1, max: 1000 }));
    fc.assert(
      fc.property(
        fc.array(trade, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 100 }),
        (ts, prior) => {
          let stats = emptyTradeStats;
          for (const [pnl, notional] of ts) stats = addClosedTrade(stats, String(pnl), String(notional));
          const k = estimateKelly(stats, { kellyPriorTrades: prior });
          if (k === null) return;
          expect(Math.sign(k.edge)).toBe(Math.sign(k.kelly));
          expect(Math.abs(k.edge)).toBeLessThanOrEqual(Math.abs(k.kelly));
          const more = estimateKelly(
            {
              ...stats,
              trades: stats.trades * 2,
              wins: stats.wins * 2,
              winReturnSum: stats.winReturnSum * 2,
              lossReturnSum: stats.lossReturnSum * 2,
            },
            { kellyPriorTrades: prior },
          );
          expect(Math.abs(more?.edge ?? 0)).toBeGreaterThanOrEqual(Math.abs(k.edge) - 1e-12);
        },
      ),
    );
  });
});

describe("fractional Kelly sizing", () => {
  it("property: size is 0 whenever the edge ≤ 0", () => {
    fc.assert(
      fc.property(fc.double({ min: -1, max: 0, noNaN: true }), money, price, caps, (e, equity, p, cs) => {
        const s = sizeEntry({
          estimate: estimateWithEdge(e),
          equity,
          price: p,
          caps: cs,
          quantityDecimals: 6,
          params,
        });
        expect(s.quantity.isZero()).toBe(true);
        expect(s.notional.isZero()).toBe(true);
      }),
    );
  });

  it("property: never exceeds any cap (nor the Kelly target), and the quantity has the venue's precision", () => {
    fc.assert(
      fc.property(
        fc.option(edge, { nil: null }),
        money,
        price,
        caps,
        fc.integer({ min: 0, max: 8 }),
        (e, equity, p, cs, decimals) => {
          const estimate = e === null ? null : estimateWithEdge(e);
          const s = sizeEntry({ estimate, equity, price: p, caps: cs, quantityDecimals: decimals, params });
          for (const cap of cs) expect(s.notional.lte(cap.room)).toBe(true);
          expect(s.notional.lte(s.target)).toBe(true);
          expect(s.quantity.gte(0)).toBe(true);
          expect(s.quantity.decimalPlaces()).toBeLessThanOrEqual(decimals);
        },
      ),
    );
  });

  it("property: non-decreasing in the edge (same equity, price and caps)", () => {
    fc.assert(
      fc.property(edge, edge, money, price, caps, (a, b, equity, p, cs) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const size = (x: number) =>
          sizeEntry({
            estimate: estimateWithEdge(x),
            equity,
            price: p,
            caps: cs,
            quantityDecimals: 6,
            params,
          });
        expect(size(lo).quantity.lte(size(hi).quantity)).toBe(true);
      }),
    );
  });

  it("grows with the edge below the caps", () => {
    const at = (e: number) =>
      sizeEntry({
        estimate: estimateWithEdge(e),
        equity: new Decimal(10_000),
        price: new Decimal(100),
        caps: [],
        quantityDecimals: 6,
        params,
      }).quantity.toNumber();
    expect(at(0.01)).toBeLessThan(at(0.02));
    expect(at(0.02)).toBeLessThan(at(0.2));
    // ¼ Kelly of a 0.2 edge on 10 000 → 500 notional → 5 units at 100.
    expect(at(0.2)).toBe(5);
  });

  it("before any closed trade uses initialSizeFraction of the position cap, and reports the binding caps", () => {
    const s = sizeEntry({
      estimate: null,
      equity: new Decimal(10_000),
      price: new Decimal(300),
      caps: [
        { rule: "cash", room: new Decimal(100) },
        { rule: "total_exposure", room: new Decimal(5000) },
      ],
      quantityDecimals: 3,
      params,
    });
    // 10 % of (25 % × 10 000) = 250 target; cash leaves 100 → 0.333 units (rounded down).
    expect(s.method).toBe("initial");
    expect(s.target.toString()).toBe("250");
    expect(s.capsApplied).toEqual(["cash"]);
    expect(s.quantity.toString()).toBe("0.333");
    expect(s.notional.toString()).toBe("99.9");
  });
});
