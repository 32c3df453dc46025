import type {
  DecisionDetail,
  Fill,
  Order,
  OrderExplanation,
  Page,
  Signal,
  Verdict,
} from "../api/api-types.ts";
import { dataTable } from "../components/data-table.ts";
import { actionBadge } from "../components/decision-item.ts";
import { showError } from "../components/error-banner.ts";
import { feedbackForm } from "../components/feedback-form.ts";
import { type Child, h, replace } from "../dom/h.ts";
import { formatConfidence, formatDecimal, formatTime } from "../format.ts";
import { href } from "../router.ts";
import type { PageContext } from "./page-context.ts";

/**
 * Why a decision was made and what came of it: decision → votes → signals with their features → risk verdict →
 * orders → fills, and the feedback people gave on it.
 */
export async function renderDecisionPage(
  main: HTMLElement,
  ctx: PageContext,
  sessionId: string,
  decisionId: string,
): Promise<void> {
  const { api, signal } = ctx;
  const base = `/sessions/${encodeURIComponent(sessionId)}`;
  replace(main, h("p", { class: "muted" }, "Loading decision…"));
  const d = await api.get<DecisionDetail>(
    `${base}/decisions/${encodeURIComponent(decisionId)}`,
    undefined,
    signal,
  );

  // Orders of this decision (and their protective children): submitted at the decision's event time.
  const window = { from: d.at, to: new Date(Date.parse(d.at) + 60_000).toISOString(), limit: 100 };
  const near = await api.get<Page<Order>>(`${base}/orders`, window, signal);
  const mainOrders = near.items.filter((o) => o.decisionId === decisionId);
  const ids = new Set(mainOrders.map((o) => o.orderId));
  const orders = [
    ...mainOrders,
    ...near.items.filter((o) => o.parentOrderId !== null && ids.has(o.parentOrderId) && !ids.has(o.orderId)),
  ];

  let signals: Signal[];
  let fills: Fill[] = [];
  const first = mainOrders[0];
  if (first) {
    const ex = await api.get<OrderExplanation>(
      `${base}/orders/${encodeURIComponent(first.orderId)}/explain`,
      undefined,
      signal,
    );
    signals = ex.votes.map((v) => v.signal).filter((s): s is Signal => s !== null);
    const rest = await Promise.all(
      orders.slice(1).map((o) => api.get<Page<Fill>>(`${base}/fills`, { orderId: o.orderId }, signal)),
    );
    fills = [...ex.fills, ...rest.flatMap((p) => p.items)];
  } else {
    // No order (HOLD, or refused by risk): the bar's signals are read directly.
    const to = new Date(Date.parse(d.bar) + 1).toISOString();
    const page = await api.get<Page<Signal>>(`${base}/signals`, { from: d.bar, to, limit: 100 }, signal);
    const wanted = new Set(d.votes.map((v) => v.signalId));
    signals = page.items.filter((s) => wanted.has(s.signalId));
  }

  const feedbackHost = h("section", { class: "panel", "aria-labelledby": "fb-list-title" });
  const drawFeedback = (list: DecisionDetail["feedback"]) =>
    replace(
      feedbackHost,
      h("h2", { id: "fb-list-title" }, "Feedback"),
      list.length
        ? h(
            "ul",
            { class: "feedback-list" },
            list.map((f) =>
              h(
                "li",
                null,
                h("strong", null, `${f.rating}/5`),
                f.tags.length ? ` [${f.tags.join(", ")}]` : "",
                f.comment ? ` — ${f.comment}` : "",
                h("span", { class: "muted small" }, ` (key ${f.keyId}, ${formatTime(f.at)})`),
              ),
            ),
          )
        : h("p", { class: "muted" }, "No feedback yet."),
    );
  drawFeedback(d.feedback);

  const step = (title: string, ...body: Child[]) =>
    h("li", { class: "chain-step" }, h("h2", null, title), ...body);

  replace(
    main,
    h(
      "div",
      { "data-testid": "decision-view", class: "decision-view" },
      h("p", null, h("a", { href: href.session(sessionId) }, `← session ${sessionId}`)),
      h(
        "h1",
        null,
        "Decision ",
        actionBadge(d.action),
        h("span", { class: "muted" }, ` ${d.symbol} · ${formatTime(d.bar)}`),
      ),
      h(
        "ol",
        { class: "explain-chain", "data-testid": "explain-chain" },
        step(
          "1. Decision",
          h(
            "dl",
            { class: "stats" },
            stat("Action", actionBadge(d.action)),
            stat("Consensus", formatConfidence(d.consensus)),
            stat(
              "Scores",
              `BUY ${d.scores.BUY.toFixed(2)} · SELL ${d.scores.SELL.toFixed(2)} · HOLD ${d.scores.HOLD.toFixed(2)}`,
            ),
            stat("Price", formatDecimal(d.price)),
            stat("Missing agents", d.missing.length ? d.missing.join(", ") : "none"),
          ),
          h("p", { class: "reasoning" }, d.reasoning),
        ),
        step(
          "2. Votes",
          dataTable(
            [
              { title: "Agent", cell: (v: DecisionDetail["votes"][number]) => v.agent },
              { title: "Action", cell: (v) => actionBadge(v.action) },
              { title: "Confidence", cell: (v) => formatConfidence(v.confidence), numeric: true },
              { title: "Weight", cell: (v) => v.weight.toFixed(2), numeric: true },
              { title: "Veto", cell: (v) => (v.veto ? "yes" : "") },
            ],
            d.votes,
            { caption: "Votes", empty: "No vote." },
          ),
        ),
        step(
          "3. Signals and their features",
          signals.length
            ? h(
                "div",
                { class: "signals" },
                signals.map((s) =>
                  h(
                    "article",
                    { class: "signal", "aria-label": `signal of ${s.agent}` },
                    h("h3", null, s.agent, " ", actionBadge(s.action), ` ${formatConfidence(s.confidence)}`),
                    h("p", { class: "reasoning" }, s.reasoning),
                    h(
                      "dl",
                      { class: "features" },
                      Object.entries(s.features).map(([k, v]) => [
                        h("dt", null, k),
                        h("dd", { class: "mono" }, featureText(v)),
                      ]),
                    ),
                  ),
                ),
              )
            : h("p", { class: "muted" }, "The signals are not available."),
        ),
        step("4. Risk verdict", verdictView(d.verdict)),
        step(
          "5. Orders",
          dataTable(
            [
              { title: "Order", cell: (o: Order) => h("span", { class: "mono small" }, o.orderId) },
              { title: "Side", cell: (o) => o.side },
              { title: "Type", cell: (o) => o.type },
              { title: "Qty", cell: (o) => formatDecimal(o.quantity, 6), numeric: true },
              { title: "Price", cell: (o) => formatDecimal(o.stopPrice ?? o.limitPrice), numeric: true },
              { title: "Status", cell: (o) => o.status },
            ],
            orders,
            { caption: "Orders", empty: "No order came of this decision." },
          ),
        ),
        step(
          "6. Fills",
          dataTable(
            [
              { title: "Time", cell: (f: Fill) => formatTime(f.at) },
              { title: "Side", cell: (f) => f.side },
              { title: "Price", cell: (f) => formatDecimal(f.price), numeric: true },
              { title: "Qty", cell: (f) => formatDecimal(f.quantity, 6), numeric: true },
              { title: "Fee", cell: (f) => `${formatDecimal(f.fee, 4)} ${f.feeCurrency}`, numeric: true },
            ],
            fills,
            { caption: "Fills", empty: "No fill." },
          ),
        ),
      ),
      feedbackHost,
      ctx.canTrade
        ? feedbackForm(api, sessionId, decisionId, signal, () => {
            // The feedback is an event: it shows once projected, a moment later.
            setTimeout(() => {
              api
                .get<DecisionDetail>(`${base}/decisions/${encodeURIComponent(decisionId)}`, undefined, signal)
                .then((x) => drawFeedback(x.feedback))
                .catch(showError);
            }, 800);
          })
        : null,
    ),
  );
}

function stat(label: string, value: Child): HTMLElement {
  return h("div", { class: "stat" }, h("dt", null, label), h("dd", null, value));
}

function featureText(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(4);
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

function verdictView(v: Verdict | null): Child {
  if (v === null) return h("p", { class: "muted" }, "No verdict (a HOLD does not go to risk).");
  const checks = Array.isArray(v.checks)
    ? (v.checks as { rule?: string; passed?: boolean; message?: string }[])
    : [];
  return [
    h(
      "dl",
      { class: "stats" },
      stat(
        "Verdict",
        h("span", { class: `badge ${v.verdict === "approved" ? "badge-ok" : "badge-halted"}` }, v.verdict),
      ),
      stat("Side", v.side ?? "—"),
      stat("Quantity", formatDecimal(v.quantity, 6)),
      stat("Notional", formatDecimal(v.notional)),
      stat("Stop loss", formatDecimal(v.stopLoss)),
      stat("Take profit", formatDecimal(v.takeProfit)),
      stat("Trading state", v.tradingState ?? "—"),
    ),
    checks.length
      ? h(
          "ul",
          { class: "checks", "aria-label": "Risk checks" },
          checks.map((c) =>
            h(
              "li",
              { class: c.passed ? "" : "failed" },
              c.passed ? "✓ " : "✗ ",
              h("span", { class: "mono" }, c.rule ?? ""),
              ` ${c.message ?? ""}`,
            ),
          ),
        )
      : null,
  ];
}
