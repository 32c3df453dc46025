import type { Metrics, Page, Session } from "../api/api-types.ts";
import { actionBadge } from "../components/decision-item.ts";
import { showError } from "../components/error-banner.ts";
import { newSessionForm } from "../components/new-session-form.ts";
import { h, replace } from "../dom/h.ts";
import { formatPercent, formatSigned, formatTime, subtractDecimal } from "../format.ts";
import { href } from "../router.ts";
import {
  filterSessions,
  type SessionRow,
  type SessionsFilter,
  type SessionsSort,
  type SortKey,
  sortSessions,
  toggleSort,
} from "../state/sessions-view.ts";
import { onLeave, type PageContext } from "./page-context.ts";

// Metrics of finished sessions never change: kept for the whole visit of the app.
const finishedMetrics = new Map<string, Metrics>();
/**
 * At most this many sessions get their metrics (one request each) per refresh: first those never loaded, newest
 * first, then unfinished ones. With the refresh period that stays far inside the per-key rate limit (100/min).
 */
const metricsBudget = 12;
const refreshMs = 30_000;

const columns: readonly { key: SortKey; title: string; numeric?: boolean }[] = [
  { key: "sessionId", title: "Session" },
  { key: "mode", title: "Mode" },
  { key: "status", title: "Status" },
  { key: "symbol", title: "Symbol" },
  { key: "createdAt", title: "Start" },
  { key: "pnl", title: "P&L", numeric: true },
  { key: "drawdown", title: "Max drawdown", numeric: true },
];

/** Every session with mode, status, symbol, start, P&L and drawdown; filter, sort, and (trader) start a new one. */
export async function renderSessionsPage(main: HTMLElement, ctx: PageContext): Promise<void> {
  let sessions: readonly Session[] = [];
  const metrics = new Map<string, Metrics>(finishedMetrics);
  let filter: SessionsFilter = { text: "", mode: "", status: "" };
  let sort: SessionsSort = { key: "createdAt", dir: "desc" };

  const tableHost = h("div", { class: "sessions-table-host" });
  const count = h("p", { class: "muted", "aria-live": "polite" });
  const text = h("input", {
    id: "sessions-filter",
    type: "search",
    placeholder: "id, label, symbol, mode, status",
    "data-testid": "sessions-filter",
  });
  const modeSel = h(
    "select",
    { id: "sessions-filter-mode", "data-testid": "sessions-filter-mode" },
    ["", "backtest", "paper", "live", "replay"].map((m) => h("option", { value: m }, m || "any")),
  );
  const statusSel = h(
    "select",
    { id: "sessions-filter-status", "data-testid": "sessions-filter-status" },
    ["", "created", "running", "paused", "halted", "stopping", "stopped"].map((s) =>
      h("option", { value: s }, s || "any"),
    ),
  );
  const onFilter = () => {
    filter = { text: text.value, mode: modeSel.value, status: statusSel.value };
    draw();
  };
  text.addEventListener("input", onFilter);
  modeSel.addEventListener("change", onFilter);
  statusSel.addEventListener("change", onFilter);

  const rowOf = (s: Session): SessionRow => {
    const m = metrics.get(s.sessionId);
    const equity = m?.equity ?? s.finalEquity;
    return {
      session: s,
      pnl: equity ? subtractDecimal(equity, s.initialCash) : null,
      drawdown: m ? m.maxDrawdown : null,
    };
  };

  const draw = () => {
    const rows = sortSessions(filterSessions(sessions.map(rowOf), filter), sort);
    count.textContent = `${rows.length} of ${sessions.length} sessions`;
    const header = (c: (typeof columns)[number]) => {
      const active = sort.key === c.key;
      return h(
        "th",
        {
          scope: "col",
          class: c.numeric ? "num" : null,
          "aria-sort": active ? (sort.dir === "asc" ? "ascending" : "descending") : "none",
        },
        h(
          "button",
          {
            type: "button",
            class: "sort",
            "data-sort-key": c.key,
            onclick: () => {
              sort = toggleSort(sort, c.key);
              draw();
              (tableHost.querySelector(`[data-sort-key="${c.key}"]`) as HTMLElement | null)?.focus();
            },
          },
          c.title,
          h("span", { "aria-hidden": "true" }, active ? (sort.dir === "asc" ? " ▲" : " ▼") : ""),
        ),
      );
    };
    const body = rows.length
      ? rows.map(({ session: s, pnl, drawdown }) =>
          h(
            "tr",
            { "data-testid": "session-row", "data-session-id": s.sessionId },
            h(
              "td",
              null,
              h("a", { href: href.session(s.sessionId) }, s.sessionId),
              s.label ? h("div", { class: "muted small" }, s.label) : null,
            ),
            h("td", null, s.mode),
            h("td", null, actionBadge(s.status)),
            h("td", null, s.symbols.join(", ")),
            h(
              "td",
              null,
              h("time", { datetime: s.startedAt ?? s.createdAt }, formatTime(s.startedAt ?? s.createdAt)),
            ),
            h("td", { class: `num ${pnlClass(pnl)}` }, pnl === null ? "…" : formatSigned(pnl)),
            h("td", { class: "num" }, drawdown === null ? "…" : formatPercent(drawdown)),
          ),
        )
      : h("tr", null, h("td", { colspan: columns.length, class: "empty" }, "No sessions match."));
    replace(
      tableHost,
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { "data-testid": "sessions-table", class: "sessions" },
          h("caption", { class: "visually-hidden" }, "Sessions"),
          h("thead", null, h("tr", null, columns.map(header))),
          h("tbody", null, body),
        ),
      ),
    );
  };

  const load = async () => {
    const page = await ctx.api.get<Page<Session>>("/sessions", { limit: 200 }, ctx.signal);
    sessions = page.items;
    draw();
    const wanted = [
      ...sessions.filter((s) => !metrics.has(s.sessionId)),
      ...sessions.filter((s) => metrics.has(s.sessionId) && !finishedMetrics.has(s.sessionId)),
    ].slice(0, metricsBudget);
    // Three at a time: the page stays responsive and well inside the per-key rate limit.
    for (let i = 0; i < wanted.length; i += 3) {
      const batch = await Promise.all(
        wanted
          .slice(i, i + 3)
          .map((s) =>
            ctx.api.get<Metrics>(
              `/sessions/${encodeURIComponent(s.sessionId)}/metrics`,
              undefined,
              ctx.signal,
            ),
          ),
      );
      batch.forEach((m, j) => {
        const s = wanted[i + j]!;
        metrics.set(s.sessionId, m);
        if (s.status === "stopped") finishedMetrics.set(s.sessionId, m);
      });
      draw();
    }
  };

  replace(
    main,
    h("h1", null, "Sessions"),
    h(
      "div",
      { class: "filters", role: "search" },
      h("div", { class: "field" }, h("label", { for: "sessions-filter" }, "Filter"), text),
      h("div", { class: "field" }, h("label", { for: "sessions-filter-mode" }, "Mode"), modeSel),
      h("div", { class: "field" }, h("label", { for: "sessions-filter-status" }, "Status"), statusSel),
    ),
    count,
    tableHost,
    ctx.canTrade ? newSessionForm(ctx.api, ctx.signal) : null,
  );
  draw();
  await load();
  const timer = setInterval(() => load().catch(showError), refreshMs);
  onLeave(ctx, () => clearInterval(timer));
}

function pnlClass(pnl: string | null): string {
  if (pnl === null || /^-?0*\.?0*$/.test(pnl)) return "";
  return pnl.startsWith("-") ? "neg" : "pos";
}
