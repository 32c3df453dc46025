import { metricFormulas } from "./metric-formulas.ts";
import type { ReportData } from "./report-data.ts";
import { escapeHtml as esc, lineChart } from "./svg-chart.ts";

const pct = (x: number | null | undefined, digits = 2) =>
  x === null || x === undefined ? "—" : `${(x * 100).toFixed(digits)} %`;

/** Figures that are fractions, shown as percentages. */
const percentKeys = new Set([
  "riskFreeRate",
  "totalReturn",
  "volatility",
  "cagr",
  "maxDrawdownMarked",
  "maxDrawdownRealised",
  "winRate",
  "exposure",
  "profitTotal",
  "winrate",
  "maxDrawdownAccount",
  "maxRelativeDrawdown",
  "returnsVolatility",
]);

function formatValue(key: string, v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") {
    if (percentKeys.has(key)) return pct(v, 3);
    return Number.isInteger(v) ? String(v) : v.toFixed(4);
  }
  return esc(String(v));
}

function metricTable(
  name: string,
  block: Readonly<Record<string, unknown>>,
  formulas: Readonly<Record<string, string>>,
): string {
  const rows = Object.entries(block)
    .map(
      ([k, v]) =>
        `<tr><th scope="row">${esc(k)}</th><td class="num" data-metric="${esc(k)}">${formatValue(k, v)}</td><td class="formula">${esc(formulas[k] ?? "")}</td></tr>`,
    )
    .join("");
  return `<table class="metrics" data-block="${esc(name)}"><thead><tr><th>metric</th><th>value</th><th>formula</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function monthlyTable(d: ReportData): string {
  if (d.monthly.length === 0) return "<p>No whole month in the run.</p>";
  const cells = d.monthly
    .map((m) => {
      const a = Math.min(1, Math.abs(m.return) * 20);
      const bg = m.return >= 0 ? `rgba(22,163,74,${a.toFixed(2)})` : `rgba(220,38,38,${a.toFixed(2)})`;
      return `<tr><th scope="row">${m.month}</th><td class="num" style="background:${bg}">${pct(m.return)}</td></tr>`;
    })
    .join("");
  return `<table class="monthly"><thead><tr><th>month</th><th>return</th></tr></thead><tbody>${cells}</tbody></table>`;
}

function tradesTable(d: ReportData): string {
  if (d.trades.length === 0) return "<p>No closed trades.</p>";
  const shown = d.trades.slice(0, 1000);
  const rows = shown
    .map(
      (t, i) =>
        `<tr class="${Number(t.pnl) > 0 ? "win" : "loss"}"><td class="num">${i + 1}</td><td>${t.side}</td><td>${t.openedAt.slice(0, 16).replace("T", " ")}</td><td>${t.closedAt.slice(0, 16).replace("T", " ")}</td><td class="num">${esc(t.entryPrice)}</td><td class="num">${esc(t.exitPrice)}</td><td class="num">${esc(t.quantity)}</td><td class="num">${esc(t.pnl)}</td></tr>`,
    )
    .join("");
  const more =
    d.trades.length > shown.length ? `<p>… ${d.trades.length - shown.length} more in the JSON.</p>` : "";
  return `<table class="trades"><thead><tr><th>#</th><th>side</th><th>opened</th><th>closed</th><th>entry</th><th>exit</th><th>quantity</th><th>P&amp;L</th></tr></thead><tbody>${rows}</tbody></table>${more}`;
}

function agentsTable(d: ReportData): string {
  const rows = d.agents
    .map(
      (a) =>
        `<tr><th scope="row">${a.agent}</th><td class="num">${a.buys}</td><td class="num">${a.sells}</td><td class="num">${a.holds}</td><td class="num">${a.judged}</td><td class="num">${a.correct}</td><td class="num" data-agent="${a.agent}">${pct(a.accuracy, 1)}</td></tr>`,
    )
    .join("");
  return `<table class="agents"><thead><tr><th>agent</th><th>BUY</th><th>SELL</th><th>HOLD</th><th>judged</th><th>right</th><th>accuracy</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const style = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:960px;color:#111827;padding:0 12px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{padding:3px 8px;border-bottom:1px solid #f1f5f9;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.formula{color:#6b7280;font-size:12px}
.kv{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:4px 16px}.kv div{border-bottom:1px solid #f1f5f9;padding:2px 0;overflow-wrap:anywhere}
.kv span{color:#6b7280;margin-right:6px}svg.chart{width:100%;height:auto;background:#fafafa;border:1px solid #e5e7eb}
svg .grid{stroke:#e5e7eb}svg .tick{font-size:11px;fill:#6b7280}svg .buy{fill:#16a34a}svg .sell{fill:#dc2626}
tr.win td:last-child{color:#15803d}tr.loss td:last-child{color:#b91c1c}.blocks h3{font-size:15px;margin:16px 0 4px}
.trades-wrap{max-height:420px;overflow:auto}`;

/** The report as one self-contained HTML file: inline CSS and SVG, no script, nothing fetched. */
export function renderHtmlReport(d: ReportData): string {
  const s = d.summary;
  const ts = (at: string) => Date.parse(at);
  const kv = Object.entries({
    ...d.run,
    bars: s.bars,
    trades: s.trades,
    pnl: `${s.pnl}`,
    "final equity": s.finalEquity,
    fees: s.fees,
  })
    .map(([k, v]) => `<div><span>${esc(k)}</span>${esc(String(v))}</div>`)
    .join("");
  const equity = lineChart(
    d.equity.map((p) => ({ x: ts(p.at), y: p.equity })),
    { label: "equity", color: "#2563eb" },
  );
  const drawdown = lineChart(
    d.drawdown.map((p) => ({ x: ts(p.at), y: p.drawdown })),
    {
      label: "drawdown",
      color: "#dc2626",
      area: true,
      height: 180,
      yFormat: (y) => `${(y * 100).toFixed(1)} %`,
    },
  );
  const price = lineChart(
    d.price.map((p) => ({ x: ts(p.at), y: p.close })),
    {
      label: "price with trades",
      color: "#374151",
      markers: d.fills.map((f) => ({
        x: ts(f.at),
        y: f.price,
        kind: f.side,
        title: `${f.side.toUpperCase()} ${f.quantity} @ ${f.price} (${f.at})`,
      })),
    },
  );
  const m = d.metrics;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(d.title)}</title><style>${style}</style></head>
<body>
<header><h1>${esc(d.title)}</h1><p>Generated by cryptofunk from the session's events. Money in the quote currency; figures with no value are shown as —.</p></header>
<section id="summary"><h2>Run</h2><div class="kv">${kv}</div></section>
<section id="equity"><h2>Equity (marked at each bar's close)</h2>${equity}</section>
<section id="drawdown"><h2>Drawdown</h2>${drawdown}</section>
<section id="monthly"><h2>Monthly returns</h2>${monthlyTable(d)}</section>
<section id="price"><h2>Price and fills</h2><p>▲ buy fills, ▼ sell fills.</p>${price}</section>
<section id="trades"><h2>Trades (${d.trades.length})</h2><div class="trades-wrap">${tradesTable(d)}</div></section>
<section id="agents"><h2>Agent vote accuracy</h2><p>A BUY is right when the close ${d.barsAhead} bars later is higher, a SELL when it is lower; HOLDs are not judged.</p>${agentsTable(d)}</section>
<section id="metrics" class="blocks"><h2>Metrics</h2>
<h3>Canonical</h3>${metricTable("canonical", m.canonical as unknown as Record<string, unknown>, metricFormulas.canonical)}
<h3>freqtrade-compatible</h3>${metricTable("freqtrade", m.freqtrade as unknown as Record<string, unknown>, metricFormulas.freqtrade)}
<h3>NautilusTrader-compatible (period ${m.nautilus.period})</h3>${metricTable("nautilus", m.nautilus as unknown as Record<string, unknown>, metricFormulas.nautilus)}
</section>
</body></html>
`;
}
