/** How each reported figure is computed, shown beside it in the report (and in docs/replay.md). */
export const metricFormulas: Readonly<
  Record<"canonical" | "freqtrade" | "nautilus", Readonly<Record<string, string>>>
> = {
  canonical: {
    sharpe:
      "mean(r − rf/365) ÷ stdev(r − rf/365, n−1) × √365; r = daily returns of equity marked at 00:00 UTC",
    sortino: "mean(r − rf/365) ÷ √(Σ min(0, r − rf/365)² ÷ n) × √365",
    volatility: "stdev(r, n−1) × √365",
    cagr: "(end equity ÷ start equity)^(365 ÷ days) − 1; not shown under 30 days",
    calmar: "CAGR ÷ max drawdown (marked)",
    maxDrawdownMarked: "max over bars of (peak − equity) ÷ peak, equity marked at every bar's close",
    maxDrawdownRealised: "the same over initial cash + cumulative closed-trade P&L",
    winRate: "trades with P&L > 0 ÷ trades",
    profitFactor: "Σ winning P&L ÷ |Σ losing P&L|; null without a loss",
    expectancy: "Σ P&L ÷ trades (net of fees)",
    averageHoldingHours: "mean of (closed − opened), hours; median likewise",
    exposure: "bars with a position open ÷ bars",
    fees: "Σ fill fees",
    turnover: "Σ |price × quantity| over fills; ratio = ÷ initial cash",
  },
  freqtrade: {
    sharpe: "(Σ pnl/start ÷ max(1, days)) ÷ pstdev(pnl/start) × √365; −100 when the deviation is 0",
    sortino: "(Σ pnl/start ÷ max(1, days)) ÷ pstdev(losing pnl/start) × √365; −100 without a deviation",
    calmar: "(Σ pnl/start ÷ max(1, days) × 100) ÷ account drawdown × √365; −100 without a drawdown",
    cagr: "(final ÷ start)^(1 ÷ (days ÷ 365)) − 1, days = whole days",
    profitFactor: "Σ winning pnl ÷ |Σ losing pnl|; 0 without a loss",
    expectancy: "winrate × avg win − loserate × avg loss; ratio = (1 + avg win ÷ avg loss) × winrate − 1",
    maxDrawdownAccount:
      "cumulative trade P&L from the first trade: (high − value) ÷ (start + high) at the deepest absolute drawdown",
  },
  nautilus: {
    sharpe: "daily bins of realized returns (empty days 0): mean ÷ stdev(n−1) × √252",
    sortino: "mean ÷ √(Σ negative² ÷ n) × √252",
    returnsVolatility: "stdev(daily bins, n−1) × √252",
    profitFactor: "|Σ returns ≥ 0 ÷ Σ returns < 0| over realized returns",
    riskReturnRatio: "mean ÷ stdev of realized returns",
    winRate: "P&L > 0 ÷ all (P&L = 0 is a loser)",
    expectancy: "avg winner × win rate + avg loser × (1 − win rate)",
  },
};
