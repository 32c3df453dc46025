import { gatewayHasRoute } from "../api/api-routes.ts";
import type {
  AgentStatus,
  Bar,
  Decision,
  EquityPoint,
  Fill,
  Items,
  Metrics,
  Order,
  Page,
  Position,
  Session,
  Signal,
  TradingState,
  Vote,
} from "../api/api-types.ts";
import { openEventStream } from "../api/event-stream.ts";
import { colors } from "../components/chart-theme.ts";
import { dataTable } from "../components/data-table.ts";
import { actionBadge, decisionItem } from "../components/decision-item.ts";
import { showError } from "../components/error-banner.ts";
import { createLineChart } from "../components/line-chart.ts";
import { createPriceChart } from "../components/price-chart.ts";
import { sessionControls } from "../components/session-controls.ts";
import { whatIfForm } from "../components/what-if-form.ts";
import { h, replace } from "../dom/h.ts";
import { formatConfidence, formatDecimal, formatPercent, formatSigned, formatTime } from "../format.ts";
import { href } from "../router.ts";
import { applySessionEvent, type LivePart, type SessionLiveState } from "../state/session-live-state.ts";
import { onLeave, type PageContext } from "./page-context.ts";

const streamTypes = [
  "CandleClosed",
  "PortfolioValued",
  "DecisionMade",
  "SignalEmitted",
  "TradingStateChanged",
  "CircuitBreakerTripped",
  "CircuitBreakerReset",
  "OrderSubmitted",
  "OrderAccepted",
  "OrderRejected",
  "OrderCancelled",
  "OrderFilled",
  "PositionChanged",
  "CommandAccepted",
  "CommandRejected",
  "SessionStarted",
  "SessionPaused",
  "SessionResumed",
  "SessionHalted",
  "SessionStopping",
  "SessionStopped",
];
/**
 * Parts re-read from the API after the stream says they changed (orders, positions, trading state, metrics, the
 * session): one batch at most every this many ms — at most ~50 requests a minute for a session trading flat out,
 * inside the per-key limit of 100.
 */
const rereadMs = 6000;
const feedSize = 30;

/**
 * One session: price chart with fills and stops, equity and drawdown, the live decision feed, agents, trading
 * state and breakers, positions, orders, and (trader) the controls; kept current by the session's event stream.
 */
export async function renderSessionPage(
  main: HTMLElement,
  ctx: PageContext,
  sessionId: string,
): Promise<void> {
  const { api, signal } = ctx;
  const base = `/sessions/${encodeURIComponent(sessionId)}`;
  const get = <T>(path: string, query?: Record<string, string | number>) =>
    api.get<T>(`${base}${path}`, query, signal);

  replace(main, h("p", { class: "muted" }, "Loading session…"));
  let session = await api.get<Session>(base, undefined, signal);
  const symbol = session.symbols[0] ?? "";

  const [bars, equity, decisions, signals, orders, fills, positions, agents, trading, metrics] =
    await Promise.all([
      loadBars(ctx, base, symbol),
      get<Items<EquityPoint>>("/equity"),
      get<Page<Decision>>("/decisions", { limit: feedSize }),
      get<Page<Signal>>("/signals", { limit: 250 }),
      get<Page<Order>>("/orders", { limit: 200 }),
      get<Page<Fill>>("/fills", { limit: 500, symbol }),
      get<Items<Position>>("/positions"),
      get<Items<AgentStatus>>("/agents"),
      get<TradingState>("/trading-state"),
      get<Metrics>("/metrics"),
    ]);

  // The feed's votes: the REST decision rows carry none, the same bar's signals are the agents' votes.
  const votesByBar = new Map<string, Vote[]>();
  for (const s of signals.items) {
    const list = votesByBar.get(s.bar) ?? [];
    list.push({
      agent: s.agent,
      action: s.action,
      confidence: s.confidence,
      weight: 1,
      signalId: s.signalId,
      veto: s.veto,
    });
    votesByBar.set(s.bar, list);
  }
  const votesOf = (d: Decision) =>
    d.votes ?? (votesByBar.get(d.bar) ?? []).sort((a, b) => (a.agent < b.agent ? -1 : 1));

  let live: SessionLiveState = {
    symbol,
    timeframe: session.timeframe,
    candles: bars,
    equity: equity.items,
    decisions: decisions.items,
    agents: agents.items,
    fills: fills.items,
    status: session.status,
    tradingState: trading.state,
    lastSeq: Math.max(
      session.seq,
      ...bars.map((b) => b.seq),
      ...equity.items.slice(-1).map((p) => p.seq),
      ...decisions.items.map((d) => d.seq),
      ...orders.items.map((o) => o.seq),
      ...agents.items.map((a) => a.seq),
    ),
  };

  // ---- layout
  const statusEl = h("span", { "data-testid": "session-status", class: "status" });
  const streamEl = h("span", {
    class: "stream-status muted",
    "data-testid": "stream-status",
    "aria-live": "polite",
  });
  const metaEl = h("p", { class: "meta muted" });
  const tradingEl = h("section", {
    class: "panel",
    "data-testid": "trading-state",
    "aria-labelledby": "ts-title",
  });
  const metricsEl = h("section", { class: "panel", "aria-labelledby": "metrics-title" });
  const agentsEl = h("section", {
    class: "panel",
    "data-testid": "agent-status",
    "aria-labelledby": "agents-title",
  });
  const feedList = h("ol", {
    class: "decision-feed",
    "data-testid": "decision-feed",
    "aria-labelledby": "feed-title",
  });
  const positionsEl = h("section", {
    class: "panel",
    "data-testid": "positions",
    "aria-labelledby": "pos-title",
  });
  const ordersEl = h("section", {
    class: "panel",
    "data-testid": "orders",
    "aria-labelledby": "orders-title",
  });
  const priceBox = h("div", {
    class: "chart chart-price",
    "data-testid": "price-chart",
    role: "img",
    "aria-label": `${symbol} price, candlesticks with buy and sell markers and stop levels`,
  });
  const equityBox = h("div", {
    class: "chart chart-equity",
    "data-testid": "equity-chart",
    role: "img",
    "aria-label": "Equity curve",
  });
  const drawdownBox = h("div", {
    class: "chart chart-drawdown",
    "data-testid": "drawdown-chart",
    role: "img",
    "aria-label": "Drawdown",
  });

  replace(
    main,
    h(
      "div",
      { class: "page-head" },
      h(
        "h1",
        null,
        h("span", { class: "muted" }, "Session "),
        h("span", { class: "mono" }, sessionId),
        " ",
        statusEl,
      ),
      streamEl,
    ),
    metaEl,
    session.parentSessionId
      ? h(
          "p",
          null,
          h("a", { href: href.whatIf(sessionId), "data-testid": "what-if-link" }, "Compare with its parent "),
          h("span", { class: "mono" }, session.parentSessionId),
        )
      : null,
    ctx.canTrade
      ? sessionControls(api, sessionId, signal, () => reread(new Set(["session", "tradingState"])))
      : null,
    h(
      "div",
      { class: "session-grid" },
      h(
        "div",
        { class: "charts" },
        h(
          "section",
          { class: "panel", "aria-labelledby": "price-title" },
          h("h2", { id: "price-title" }, `${symbol} · ${session.timeframe}`),
          priceBox,
        ),
        h(
          "section",
          { class: "panel", "aria-labelledby": "equity-title" },
          h("h2", { id: "equity-title" }, "Equity"),
          equityBox,
        ),
        h(
          "section",
          { class: "panel", "aria-labelledby": "dd-title" },
          h("h2", { id: "dd-title" }, "Drawdown"),
          drawdownBox,
        ),
      ),
      h(
        "div",
        { class: "side" },
        tradingEl,
        metricsEl,
        h("section", { class: "panel feed-panel" }, h("h2", { id: "feed-title" }, "Decisions"), feedList),
      ),
    ),
    h("div", { class: "tables" }, h("div", null, positionsEl, agentsEl), ordersEl),
    ctx.canTrade ? whatIfForm(api, sessionId, signal) : null,
  );

  const price = createPriceChart(priceBox);
  const equityChart = createLineChart(equityBox, [{ title: "equity", color: colors.accent }]);
  const ddChart = createLineChart(drawdownBox, [
    { title: "drawdown", color: colors.down, area: true, percent: true },
  ]);
  onLeave(ctx, () => {
    price.dispose();
    equityChart.dispose();
    ddChart.dispose();
  });
  price.setBars(bars);
  price.setFills(fills.items);
  price.setOrders(orders.items);
  equityChart.setPoints(
    0,
    live.equity.map((p) => ({ at: p.bar, value: Number(p.equity) })),
  );
  ddChart.setPoints(
    0,
    live.equity.map((p) => ({ at: p.bar, value: -p.drawdown })),
  );

  // ---- renderers
  const drawHeader = () => {
    statusEl.replaceChildren(actionBadge(live.status));
    replace(
      metaEl,
      `${session.mode} · ${session.symbols.join(", ")} · ${session.timeframe} · started ${formatTime(session.startedAt ?? session.createdAt)}`,
      session.stoppedAt ? ` · stopped ${formatTime(session.stoppedAt)}` : "",
      session.label ? ` · ${session.label}` : "",
      session.statusReason ? ` · ${session.statusReason}` : "",
    );
  };
  const drawTrading = (t: TradingState) => {
    replace(
      tradingEl,
      h("h2", { id: "ts-title" }, "Trading state"),
      h("p", null, actionBadge(t.state), t.reason ? h("span", { class: "muted" }, ` ${t.reason}`) : null),
      t.since ? h("p", { class: "muted small" }, `since ${formatTime(t.since)}`) : null,
      t.breakers.length
        ? h(
            "ul",
            { class: "breakers", "aria-label": "Circuit breakers" },
            t.breakers.map((b) =>
              h(
                "li",
                { class: b.tripped ? "tripped" : "" },
                h("span", { class: "mono" }, b.breaker),
                " ",
                h(
                  "span",
                  { class: `badge ${b.tripped ? "badge-halted" : "badge-ok"}` },
                  b.tripped ? "tripped" : "ok",
                ),
                h(
                  "span",
                  { class: "muted small" },
                  ` ${b.reason}${b.until ? ` until ${formatTime(b.until)}` : ""} · trips ${b.trips}`,
                ),
              ),
            ),
          )
        : h("p", { class: "muted small" }, "No breaker has tripped."),
    );
  };
  const drawMetrics = (m: Metrics) => {
    const stat = (label: string, value: string, cls = "") =>
      h("div", { class: "stat" }, h("dt", null, label), h("dd", { class: cls }, value));
    const pnl = m.equity !== null && m.initialCash !== null ? Number(m.equity) - Number(m.initialCash) : null;
    replace(
      metricsEl,
      h("h2", { id: "metrics-title" }, "Performance"),
      h(
        "dl",
        { class: "stats" },
        stat("Equity", formatDecimal(m.equity)),
        stat(
          "Return",
          m.totalReturn === null ? "—" : formatPercent(Number(m.totalReturn)),
          pnl === null ? "" : pnl < 0 ? "neg" : "pos",
        ),
        stat("Max drawdown", formatPercent(m.maxDrawdown)),
        stat("Realized P&L", formatSigned(m.realizedPnl)),
        stat("Trades", `${m.trades} (${m.wins}W/${m.losses}L)`),
        stat("Win rate", formatPercent(m.winRate, 0)),
        stat("Fees", formatDecimal(m.fees)),
        stat("Decisions", `${m.decisions.BUY} buy · ${m.decisions.SELL} sell · ${m.decisions.HOLD} hold`),
      ),
    );
  };
  const drawAgents = () => {
    replace(
      agentsEl,
      h("h2", { id: "agents-title" }, "Agents"),
      live.agents.length
        ? h(
            "ul",
            { class: "agents" },
            live.agents.map((a) =>
              h(
                "li",
                { class: "agent-card" },
                h(
                  "div",
                  { class: "decision-head" },
                  h("strong", null, a.agent),
                  actionBadge(a.action),
                  h("span", null, formatConfidence(a.confidence)),
                  h("span", { class: "muted small" }, a.ready ? "ready" : "warming up"),
                  h("time", { class: "muted small", datetime: a.bar }, formatTime(a.bar)),
                ),
                h("p", { class: "reasoning" }, a.reasoning),
              ),
            ),
          )
        : h("p", { class: "muted" }, "No signal yet."),
    );
  };
  const drawFeed = () => {
    replace(
      feedList,
      live.decisions.length
        ? live.decisions.map((d) => decisionItem(sessionId, d, votesOf(d)))
        : h("li", { class: "muted" }, "No decision yet."),
    );
  };
  const drawPositions = (items: readonly Position[]) => {
    replace(
      positionsEl,
      h("h2", { id: "pos-title" }, "Positions"),
      dataTable(
        [
          { title: "Symbol", cell: (p: Position) => p.symbol },
          { title: "Quantity", cell: (p) => formatDecimal(p.quantity, 6), numeric: true },
          { title: "Avg price", cell: (p) => formatDecimal(p.averagePrice), numeric: true },
          { title: "Realized P&L", cell: (p) => formatSigned(p.realizedPnl), numeric: true },
          { title: "Updated", cell: (p) => formatTime(p.updatedAt) },
        ],
        items,
        { caption: "Positions", empty: "No position." },
      ),
    );
  };
  const drawOrders = (items: readonly Order[]) => {
    replace(
      ordersEl,
      h("h2", { id: "orders-title" }, "Orders"),
      dataTable(
        [
          { title: "Submitted", cell: (o: Order) => formatTime(o.submittedAt) },
          { title: "Side", cell: (o) => actionBadge(o.side === "buy" ? "BUY" : "SELL") },
          { title: "Type", cell: (o) => o.type },
          { title: "Qty", cell: (o) => formatDecimal(o.quantity, 6), numeric: true },
          { title: "Filled", cell: (o) => formatDecimal(o.filledQuantity, 6), numeric: true },
          { title: "Price", cell: (o) => formatDecimal(o.stopPrice ?? o.limitPrice), numeric: true },
          { title: "Status", cell: (o) => o.status },
          {
            title: "Decision",
            cell: (o) =>
              o.decisionId
                ? h(
                    "a",
                    {
                      href: href.decision(sessionId, o.decisionId),
                      "aria-label": `decision of order ${o.orderId}`,
                    },
                    "why?",
                  )
                : "—",
          },
        ],
        items.slice(0, 100),
        { caption: "Orders", empty: "No order." },
      ),
    );
  };

  drawHeader();
  drawTrading(trading);
  drawMetrics(metrics);
  drawAgents();
  drawFeed();
  drawPositions(positions.items);
  drawOrders(orders.items);

  // ---- live: the stream updates what it carries; other parts are re-read, each at most once per rereadMs
  const pending = new Set<LivePart>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  onLeave(ctx, () => clearTimeout(timer));
  const reread = (parts: ReadonlySet<LivePart>) => {
    for (const p of parts) pending.add(p);
    if (timer === undefined) timer = setTimeout(flush, rereadMs);
  };
  const flush = async () => {
    const parts = new Set(pending);
    pending.clear();
    try {
      const jobs: Promise<unknown>[] = [];
      if (parts.has("orders"))
        jobs.push(
          get<Page<Order>>("/orders", { limit: 200 }).then((o) => {
            drawOrders(o.items);
            price.setOrders(o.items);
          }),
        );
      if (parts.has("positions"))
        jobs.push(get<Items<Position>>("/positions").then((p) => drawPositions(p.items)));
      if (parts.has("tradingState")) jobs.push(get<TradingState>("/trading-state").then(drawTrading));
      if (parts.has("metrics")) jobs.push(get<Metrics>("/metrics").then(drawMetrics));
      if (parts.has("session"))
        jobs.push(
          api.get<Session>(base, undefined, signal).then((s) => {
            session = s;
            live = { ...live, status: s.status };
            drawHeader();
          }),
        );
      await Promise.all(jobs);
    } catch (e) {
      showError(e);
    } finally {
      timer = undefined;
      if (pending.size > 0 && !signal.aborted) timer = setTimeout(flush, rereadMs);
    }
  };

  openEventStream({
    key: api.key,
    sessionId,
    fromSeq: live.lastSeq + 1,
    types: streamTypes,
    signal,
    onStatus: (s) => {
      streamEl.textContent = s === "live" ? "● live" : s === "closed" ? "" : `${s}…`;
      streamEl.dataset.state = s;
    },
    onFatal: showError,
    onEvent: (e) => {
      const before = live;
      const r = applySessionEvent(live, e);
      live = r.state;
      if (r.changed.has("candles")) {
        const last = live.candles[live.candles.length - 1];
        if (last) price.updateBar(last);
      }
      if (r.changed.has("equity") && live.equity !== before.equity) {
        const p = live.equity[live.equity.length - 1];
        if (p) {
          equityChart.updatePoint(0, { at: p.bar, value: Number(p.equity) });
          ddChart.updatePoint(0, { at: p.bar, value: -p.drawdown });
        }
      }
      if (r.changed.has("fills")) price.setFills(live.fills);
      if (r.changed.has("decisions")) drawFeed();
      if (r.changed.has("agents")) drawAgents();
      if (r.changed.has("status")) drawHeader();
      const toRead = [...r.changed].filter(
        (p) => !["candles", "equity", "decisions", "agents", "status", "fills"].includes(p),
      );
      if (toRead.length) reread(new Set(toRead));
    },
  });
}

/**
 * The charted bars. A gateway without the candles route (older than the UI) gets a flat bar per decision price: the
 * decision's reference price is the bar's close.
 */
async function loadBars(ctx: PageContext, base: string, symbol: string): Promise<Bar[]> {
  if (await gatewayHasRoute("/api/v1/sessions/{sessionId}/candles")) {
    const r = await ctx.api.get<Items<Bar>>(`${base}/candles`, { symbol, limit: 1000 }, ctx.signal);
    return [...r.items];
  }
  const d = await ctx.api.get<Page<Decision>>(`${base}/decisions`, { symbol, limit: 500 }, ctx.signal);
  return d.items
    .map((x) => ({
      symbol: x.symbol,
      timeframe: x.timeframe,
      openTime: x.bar,
      closeTime: x.bar,
      open: x.price,
      high: x.price,
      low: x.price,
      close: x.price,
      volume: "0",
      seq: x.seq,
    }))
    .reverse();
}
