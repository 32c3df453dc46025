import type {
  ChangedDecision,
  Comparison,
  ComparisonSide,
  EquityPoint,
  Items,
  Session,
} from "../api/api-types.ts";
import { colors } from "../components/chart-theme.ts";
import { actionBadge } from "../components/decision-item.ts";
import { createLineChart } from "../components/line-chart.ts";
import { whatIfForm } from "../components/what-if-form.ts";
import { h, replace } from "../dom/h.ts";
import { formatConfidence, formatDecimal, formatPercent, formatSigned, formatTime } from "../format.ts";
import { href } from "../router.ts";
import { onLeave, type PageContext } from "./page-context.ts";

const shownChanges = 300;

/** A what-if session beside its parent: the numbers side by side, the decisions that changed, both equity curves. */
export async function renderWhatIfPage(
  main: HTMLElement,
  ctx: PageContext,
  sessionId: string,
): Promise<void> {
  const { api, signal } = ctx;
  const base = `/sessions/${encodeURIComponent(sessionId)}`;
  replace(main, h("p", { class: "muted" }, "Loading comparison…"));
  const session = await api.get<Session>(base, undefined, signal);
  if (session.parentSessionId === null) {
    // Not a replay child: nothing to compare (the API would answer 409 NO_PARENT); offer to make one.
    replace(
      main,
      h(
        "div",
        { "data-testid": "what-if-view" },
        h("p", null, h("a", { href: href.session(sessionId) }, `← session ${sessionId}`)),
        h("h1", null, "What-if"),
        h("p", null, "This session is not a what-if replay, so it has no parent to compare with."),
        ctx.canTrade ? whatIfForm(api, sessionId, signal) : null,
      ),
    );
    return;
  }
  const parentId = session.parentSessionId;
  const [cmp, childEq, parentEq] = await Promise.all([
    api.get<Comparison>(`${base}/comparison`, undefined, signal),
    api.get<Items<EquityPoint>>(`${base}/equity`, undefined, signal),
    api.get<Items<EquityPoint>>(`/sessions/${encodeURIComponent(parentId)}/equity`, undefined, signal),
  ]);
  const c = cmp.comparison;
  const chartBox = h("div", {
    class: "chart chart-equity",
    "data-testid": "what-if-equity-chart",
    role: "img",
    "aria-label": "Equity of the parent session and of the what-if session",
  });

  const row = (label: string, f: (s: ComparisonSide) => string) =>
    h(
      "tr",
      null,
      h("th", { scope: "row" }, label),
      h("td", { class: "num" }, f(c.parent)),
      h("td", { class: "num" }, f(c.child)),
    );
  const changes = c.decisionsChanged.list.slice(0, shownChanges);

  replace(
    main,
    h(
      "div",
      { "data-testid": "what-if-view" },
      h("p", null, h("a", { href: href.session(sessionId) }, `← session ${sessionId}`)),
      h("h1", null, "What-if ", h("span", { class: "muted" }, session.label ?? "")),
      h(
        "p",
        { class: "muted" },
        `${c.decisionsChanged.count} of ${c.decisionsCompared} decisions changed · `,
        c.sameTrades ? "the same trades" : "different trades",
      ),
      h(
        "div",
        { class: "whatif-grid" },
        h(
          "section",
          { class: "panel", "aria-labelledby": "wi-sum-title" },
          h("h2", { id: "wi-sum-title" }, "Side by side"),
          h(
            "div",
            { class: "table-wrap" },
            h(
              "table",
              { "data-testid": "what-if-summary" },
              h("caption", { class: "visually-hidden" }, "Parent and what-if side by side"),
              h(
                "thead",
                null,
                h(
                  "tr",
                  null,
                  h("th", { scope: "col" }, ""),
                  h("th", { scope: "col", class: "num" }, h("a", { href: href.session(parentId) }, "Parent")),
                  h(
                    "th",
                    { scope: "col", class: "num" },
                    h("a", { href: href.session(sessionId) }, "What-if"),
                  ),
                ),
              ),
              h(
                "tbody",
                null,
                row("P&L", (s) => formatSigned(s.pnl)),
                row("Final equity", (s) => formatDecimal(s.finalEquity)),
                row("Max drawdown", (s) => formatPercent(s.maxDrawdown)),
                row("Trades", (s) => `${s.trades} (${s.wins}W/${s.losses}L)`),
                row("Win rate", (s) => formatPercent(s.winRate, 0)),
                row("Profit factor", (s) => (s.profitFactor === null ? "—" : s.profitFactor.toFixed(2))),
                row("Fees", (s) => formatDecimal(s.fees)),
                row(
                  "BUY / SELL / HOLD",
                  (s) => `${s.decisions.BUY} / ${s.decisions.SELL} / ${s.decisions.HOLD}`,
                ),
              ),
            ),
          ),
        ),
        h(
          "section",
          { class: "panel", "aria-labelledby": "wi-eq-title" },
          h("h2", { id: "wi-eq-title" }, "Equity"),
          h(
            "p",
            { class: "legend small" },
            h("span", { class: "swatch swatch-parent" }),
            " parent ",
            h("span", { class: "swatch swatch-child" }),
            " what-if",
          ),
          chartBox,
        ),
      ),
      h(
        "section",
        { class: "panel", "aria-labelledby": "wi-ch-title" },
        h("h2", { id: "wi-ch-title" }, "Decisions that changed"),
        c.decisionsChanged.count > changes.length
          ? h("p", { class: "muted small" }, `The first ${changes.length} of ${c.decisionsChanged.count}.`)
          : null,
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { "data-testid": "changed-decisions" },
            h("caption", { class: "visually-hidden" }, "Decisions that changed"),
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                h("th", { scope: "col" }, "Bar"),
                h("th", { scope: "col" }, "Parent"),
                h("th", { scope: "col" }, "What-if"),
                h("th", { scope: "col", class: "num" }, "Consensus (parent → what-if)"),
              ),
            ),
            h(
              "tbody",
              null,
              changes.length
                ? changes.map((d: ChangedDecision) =>
                    h(
                      "tr",
                      { "data-testid": "changed-decision" },
                      h("td", null, formatTime(d.bar)),
                      h("td", null, d.parent ? actionBadge(d.parent) : "—"),
                      h("td", null, d.child ? actionBadge(d.child) : "—"),
                      h(
                        "td",
                        { class: "num" },
                        `${formatConfidence(d.parentConsensus)} → ${formatConfidence(d.childConsensus)}`,
                      ),
                    ),
                  )
                : h("tr", null, h("td", { colspan: 4, class: "empty" }, "No decision changed.")),
            ),
          ),
        ),
      ),
    ),
  );

  const chart = createLineChart(chartBox, [
    { title: "parent", color: colors.parent },
    { title: "what-if", color: colors.accent },
  ]);
  onLeave(ctx, () => chart.dispose());
  chart.setPoints(
    0,
    parentEq.items.map((p) => ({ at: p.bar, value: Number(p.equity) })),
  );
  chart.setPoints(
    1,
    childEq.items.map((p) => ({ at: p.bar, value: Number(p.equity) })),
  );
}
