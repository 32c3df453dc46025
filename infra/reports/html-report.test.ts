import { describe, expect, it } from "vitest";
import { syntheticBacktestSpec } from "../backtest/backtest-fixtures.ts";
import { runBacktest } from "../backtest/run-backtest.ts";
import { renderHtmlReport } from "./html-report.ts";
import { buildReportData } from "./report-data.ts";
import { niceTicks, thin } from "./svg-chart.ts";

describe("the HTML report", () => {
  const r = runBacktest(syntheticBacktestSpec());
  const data = buildReportData(r.events, {
    title: "Backtest <candles-only>",
    run: { session: r.sessionId, "trades fingerprint": r.tradesFingerprint },
    summary: r.summary,
    metrics: r.metrics,
    barsAhead: 3,
  });
  const html = renderHtmlReport(data);

  it("is one self-contained file: no script, nothing fetched", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain("Backtest &lt;candles-only&gt;");
  });

  it("has every section, its charts as inline SVG, fills marked on the price", () => {
    for (const id of ["summary", "equity", "drawdown", "monthly", "price", "trades", "agents", "metrics"]) {
      expect(html).toContain(`<section id="${id}"`);
    }
    expect(html.match(/<svg class="chart"/g)?.length).toBe(3);
    expect(html.match(/<path class="line"/g)?.length).toBe(3);
    expect(html).toContain('<path class="area"');
    const fills = r.events.filter((e) => e.type === "OrderFilled").length;
    expect(fills).toBeGreaterThan(0);
    expect(html.match(/<polygon class="marker (buy|sell)"/g)?.length).toBe(fills);
  });

  it("shows the numbers: trades table rows, metric blocks with formulas, agent accuracy", () => {
    expect(html.match(/<tr class="(win|loss)">/g)?.length).toBe(r.trades.length);
    for (const t of r.trades) expect(html).toContain(`<td class="num">${t.pnl}</td>`);
    for (const block of ["canonical", "freqtrade", "nautilus"])
      expect(html).toContain(`data-block="${block}"`);
    expect(html).toContain(`data-metric="netProfit">${r.metrics.canonical.netProfit}<`);
    expect(html).toContain("× √365");
    expect(html).toContain("× √252");
    expect(data.agents.map((a) => a.agent)).toEqual(["reversion", "risk", "technical", "trend"]);
    for (const a of data.agents) expect(html).toContain(`data-agent="${a.agent}"`);
    expect(html).toContain(r.tradesFingerprint);
  });

  it("the JSON carries the same data, with no NaN or Infinity", () => {
    const json = JSON.stringify(data);
    expect(json).not.toMatch(/NaN|Infinity/);
    const back = JSON.parse(json);
    expect(back.trades.length).toBe(r.trades.length);
    expect(back.equity.length).toBe(data.equity.length);
    expect(back.metrics.canonical.netProfit).toBe(r.metrics.canonical.netProfit);
  });
});

describe("chart helpers", () => {
  it("round ticks and thinning keep the ends", () => {
    expect(niceTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(9990, 10030)).toEqual([9990, 10000, 10010, 10020, 10030]);
    const t = thin([...Array(10).keys()], 4);
    expect(t).toEqual([0, 2, 5, 9]);
  });
});
