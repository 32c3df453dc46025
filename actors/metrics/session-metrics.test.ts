import { describe, expect, it } from "vitest";
import { dailyEquity } from "./canonical-metrics.ts";
import type { MetricsInput, MetricTrade } from "./metrics-input.ts";
import { dailyBins, returnsByCloseTime } from "./nautilus-metrics.ts";
import { computeMetrics, tradesFingerprint } from "./session-metrics.ts";

// Golden figures: computed independently for this fixed trade list by the plain-Python script in docs/replay.md
// ("Golden figures"; statistics, math, datetime only) and pinned to 1e-9.
const trade = (
  side: "long" | "short",
  entryPrice: number,
  exitPrice: number,
  quantity: number,
  pnl: number,
  openedAt: string,
  closedAt: string,
): MetricTrade => ({
  side,
  entryPrice: String(entryPrice),
  exitPrice: String(exitPrice),
  quantity: String(quantity),
  pnl: String(pnl),
  openedAt: `${openedAt}.000Z`,
  closedAt: `${closedAt}.000Z`,
});

const trades: MetricTrade[] = [
  trade("long", 100, 110, 10, 95, "2024-01-02T00:00:00", "2024-01-03T06:00:00"),
  trade("short", 120, 126, 5, -32, "2024-01-05T00:00:00", "2024-01-05T12:00:00"),
  trade("long", 130, 125, 8, -42.5, "2024-01-10T00:00:00", "2024-01-12T00:00:00"),
  trade("long", 125, 140, 8, 118, "2024-02-01T00:00:00", "2024-02-03T18:00:00"),
  trade("short", 140, 133, 6, 40, "2024-02-10T00:00:00", "2024-02-11T00:00:00"),
  trade("long", 133, 133, 1, -0.5, "2024-02-09T00:00:00", "2024-02-11T00:00:00"),
];
const v = (at: string, equity: number, inMarket: boolean) => ({
  at: `${at}.000Z`,
  equity: String(equity),
  inMarket,
});
const golden: MetricsInput = {
  initialCash: "10000",
  start: "2024-01-01T00:00:00.000Z",
  end: "2024-03-01T12:00:00.000Z",
  trades,
  valuations: [
    v("2024-01-01T12:00:00", 10000, false),
    v("2024-01-02T12:00:00", 10050, true),
    v("2024-01-03T12:00:00", 10095, false),
    v("2024-01-05T12:00:00", 10063, false),
    v("2024-01-11T00:00:00", 10010, true),
    v("2024-01-12T00:00:00", 10020.5, false),
    v("2024-02-02T00:00:00", 10100, true),
    v("2024-02-04T00:00:00", 10138.5, false),
    v("2024-02-11T00:00:00", 10178, false),
    v("2024-03-01T12:00:00", 10178, false),
  ],
  fills: [
    { at: "2024-01-02T00:00:00.000Z", price: "100", quantity: "10", fee: "1" },
    { at: "2024-01-03T06:00:00.000Z", price: "110", quantity: "10", fee: "1.1" },
    { at: "2024-01-05T00:00:00.000Z", price: "120", quantity: "5", fee: "0.6" },
    { at: "2024-01-05T12:00:00.000Z", price: "126", quantity: "5", fee: "0.63" },
  ],
};

const close = (actual: number | null, expected: number) => {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThan(1e-9);
};

describe("canonical metrics (golden)", () => {
  const m = computeMetrics(golden).canonical;
  it("marks equity daily at 00:00 UTC and annualises daily returns with √365", () => {
    const marks = dailyEquity(golden);
    expect(marks.length).toBe(62);
    expect(marks[1]).toEqual({ at: "2024-01-02T00:00:00.000Z", equity: 10000 });
    expect(marks[3]).toEqual({ at: "2024-01-04T00:00:00.000Z", equity: 10095 });
    expect(marks.at(-1)).toEqual({ at: "2024-03-01T12:00:00.000Z", equity: 10178 });
    expect(m.dailyReturns).toBe(61);
    close(m.sharpe, 3.2853871457514914);
    close(m.sortino, 7.055908236328854);
    close(m.volatility, 0.03229403512946628);
    close(m.days, 60.5);
    close(m.cagr, 0.11231548496444854);
    close(m.calmar, 13.339115537836566);
    close(m.maxDrawdownMarked, 0.008420009905894007);
    close(m.maxDrawdownRealised, 0.0073798910351659235);
  });
  it("charges a configurable risk-free rate per day", () => {
    const rf = computeMetrics(golden, { riskFreeRate: 0.05 }).canonical;
    expect(rf.riskFreeRate).toBe(0.05);
    close(rf.sharpe, 1.737113608562633);
    close(rf.sortino, 3.5758886758968678);
  });
  it("trade statistics, holding times, exposure, fees and turnover", () => {
    expect(m.trades).toBe(6);
    expect(m.wins).toBe(3);
    expect(m.losses).toBe(3);
    close(m.winRate, 0.5);
    close(m.profitFactor, 3.3733333333333335);
    close(m.expectancy, 29.666666666666668);
    close(m.averageWin, 84.33333333333333);
    close(m.averageLoss, -25);
    close(m.averageHoldingHours, 38);
    close(m.medianHoldingHours, 39);
    close(m.exposure, 0.3);
    expect(m.fees).toBe("3.33");
    expect(m.turnover).toBe("3330");
    close(m.turnoverRatio, 0.333);
    expect(m.netProfit).toBe("178");
    expect(m.grossProfit).toBe("253");
    expect(m.grossLoss).toBe("-75");
  });
});

describe("freqtrade-compatible metrics (golden)", () => {
  const f = computeMetrics(golden).freqtrade;
  it("follows freqtrade's formulas", () => {
    expect(f.days).toBe(60);
    close(f.sharpe, 0.9339123877604033);
    close(f.sortino, 3.1758535388665843);
    close(f.calmar, 76.80070994869732);
    close(f.maxDrawdownAbs, 74.5);
    close(f.maxDrawdownAccount, 0.0073798910351659235);
    close(f.maxRelativeDrawdown, 0.0073798910351659235);
    close(f.expectancy, 29.666666666666664);
    close(f.expectancyRatio, 1.1866666666666665);
    close(f.profitFactor, 3.3733333333333335);
    close(f.cagr, 0.11330258235514878);
    close(f.winrate, 0.5);
    expect([f.wins, f.draws, f.losses]).toEqual([3, 0, 3]);
    expect(f.profitTotalAbs).toBe("178");
  });
});

describe("NautilusTrader-compatible metrics (golden)", () => {
  const n = computeMetrics(golden).nautilus;
  it("sums realized returns per close time, bins them daily and annualises with √252", () => {
    const raw = returnsByCloseTime(golden.trades);
    expect(raw.length).toBe(5);
    const bins = dailyBins(raw);
    expect(bins.length).toBe(40);
    expect(n.period).toBe(252);
    close(n.sharpe, 2.595255309762437);
    close(n.sortino, 7.223307998324707);
    close(n.returnsVolatility, 0.4406858559888655);
    close(n.profitFactor, 3.0521739130434784);
    close(n.riskReturnRatio, 0.46594251729373826);
    close(n.winRate, 0.5);
    close(n.expectancy, 29.666666666666664);
    close(n.avgWinner, 84.33333333333333);
    close(n.avgLoser, -25);
    close(n.maxWinner, 118);
    close(n.maxLoser, -42.5);
  });
});

describe("edge cases: explicit nulls, never NaN or Infinity", () => {
  const json = (x: unknown) => {
    const text = JSON.stringify(x);
    expect(text).not.toMatch(/NaN|Infinity/);
    return text;
  };
  it("no trades", () => {
    const m = computeMetrics({ ...golden, trades: [], fills: [] });
    json(m);
    expect(m.canonical.trades).toBe(0);
    expect(m.canonical.winRate).toBeNull();
    expect(m.canonical.profitFactor).toBeNull();
    expect(m.canonical.expectancy).toBeNull();
    expect(m.canonical.averageHoldingHours).toBeNull();
    expect(m.canonical.medianHoldingHours).toBeNull();
    expect(m.canonical.maxDrawdownRealised).toBe(0);
    expect(m.freqtrade.sharpe).toBe(0);
    expect(m.freqtrade.sortino).toBe(0);
    expect(m.freqtrade.calmar).toBe(0);
    expect(m.freqtrade.expectancyRatio).toBe(100);
    expect(m.nautilus.sharpe).toBeNull();
    expect(m.nautilus.sortino).toBeNull();
    expect(m.nautilus.profitFactor).toBeNull();
    expect(m.nautilus.winRate).toBe(0);
    expect(tradesFingerprint([])).toBe(
      "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
    );
  });
  it("no losing trades", () => {
    const winners = trades.filter((t) => Number(t.pnl) > 0);
    const m = computeMetrics({ ...golden, trades: winners });
    json(m);
    expect(m.canonical.profitFactor).toBeNull();
    expect(m.canonical.averageLoss).toBeNull();
    close(m.canonical.winRate, 1);
    expect(m.freqtrade.profitFactor).toBe(0);
    expect(m.freqtrade.sortino).toBe(-100);
    expect(m.freqtrade.calmar).toBe(-100);
    expect(m.freqtrade.maxDrawdownAbs).toBe(0);
    expect(m.nautilus.profitFactor).toBeNull();
    expect(m.nautilus.sortino).toBeNull();
    expect(m.nautilus.avgLoser).toBe(0);
  });
  it("zero variance: flat equity, a span under 30 days", () => {
    const flat: MetricsInput = {
      initialCash: "1000",
      start: "2024-01-01T00:00:00.000Z",
      end: "2024-01-05T00:00:00.000Z",
      trades: [],
      valuations: [v("2024-01-02T00:00:00", 1000, false), v("2024-01-05T00:00:00", 1000, false)],
      fills: [],
    };
    const m = computeMetrics(flat).canonical;
    expect(json(m)).toContain('"sharpe":null');
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
    expect(m.volatility).toBe(0);
    expect(m.cagr).toBeNull();
    expect(m.calmar).toBeNull();
    expect(m.maxDrawdownMarked).toBe(0);
    expect(m.exposure).toBe(0);
    const oneTrade = computeMetrics({ ...flat, trades: [trades[0] as MetricTrade] });
    json(oneTrade);
    expect(oneTrade.nautilus.sharpe).toBeNull();
    expect(oneTrade.freqtrade.sharpe).toBe(-100);
  });
  it("the trades fingerprint follows the trades, not their order in the list", () => {
    const a = tradesFingerprint(trades);
    expect(a).toBe(
      tradesFingerprint([...trades].reverse().sort((x, y) => (x.closedAt < y.closedAt ? -1 : 1))),
    );
    expect(a).not.toBe(tradesFingerprint(trades.slice(1)));
  });
});
