import type { ApiClient } from "../api/api-client.ts";
import { h } from "../dom/h.ts";
import { href } from "../router.ts";
import { showError } from "./error-banner.ts";

const timeframes = ["1m", "5m", "15m", "1h", "4h", "1d"];

function field(id: string, label: string, control: HTMLElement): HTMLElement {
  control.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, label), control);
}

function select(
  name: string,
  options: readonly (readonly [string, string])[],
  value: string,
): HTMLSelectElement {
  return h(
    "select",
    { name },
    options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)),
  );
}

/** Starts a backtest or paper session (trader): POST /api/v1/sessions, then opens its page. */
export function newSessionForm(api: ApiClient, signal: AbortSignal): HTMLElement {
  const strategy = select("strategy", [["", "runtime default"]], "");
  void api
    .get<{ strategies: { name: string; activeVersion: number | null }[] }>("/strategies", undefined, signal)
    .then((r) => {
      for (const s of r.strategies) {
        if (s.activeVersion !== null)
          strategy.append(h("option", { value: s.name }, `${s.name} v${s.activeVersion}`));
      }
    })
    .catch(showError);
  const progress = h("p", { class: "muted", role: "status" });
  const submit = h(
    "button",
    { type: "submit", class: "primary", "data-testid": "new-session-submit" },
    "Start",
  );
  const form = h(
    "form",
    { class: "panel new-session", "data-testid": "new-session-form", "aria-labelledby": "new-session-title" },
    h("h2", { id: "new-session-title" }, "New session"),
    h(
      "div",
      { class: "fields" },
      field(
        "ns-mode",
        "Mode",
        select(
          "mode",
          [
            ["backtest", "backtest"],
            ["paper", "paper"],
          ],
          "backtest",
        ),
      ),
      field("ns-symbol", "Symbol", h("input", { name: "symbol", value: "BTC/USDT", required: true })),
      field(
        "ns-timeframe",
        "Timeframe",
        select(
          "timeframe",
          timeframes.map((t) => [t, t] as const),
          "1m",
        ),
      ),
      field(
        "ns-cash",
        "Initial cash",
        h("input", { name: "cash", value: "10000", inputmode: "decimal", required: true }),
      ),
      field(
        "ns-source",
        "Data source",
        select(
          "source",
          [
            ["synthetic", "synthetic"],
            ["file", "file"],
            ["exchange", "exchange"],
          ],
          "synthetic",
        ),
      ),
      field("ns-ref", "Source ref", h("input", { name: "ref", value: "seed:42;bars:500", required: true })),
      field("ns-strategy", "Strategy", strategy),
      field("ns-label", "Label", h("input", { name: "label", placeholder: "optional" })),
    ),
    submit,
    progress,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const v = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim();
    submit.disabled = true;
    // A backtest runs to its end in the gateway's runtime before the answer; a paper session answers at once.
    progress.textContent = v("mode") === "backtest" ? "Running the backtest…" : "Starting…";
    try {
      const created = await api.send<{ sessionId: string }>(
        "POST",
        "/sessions",
        {
          mode: v("mode"),
          symbols: [v("symbol")],
          timeframe: v("timeframe"),
          initialCash: v("cash"),
          source: { kind: v("source"), ref: v("ref") },
          ...(v("strategy") ? { strategy: { name: v("strategy") } } : {}),
          ...(v("label") ? { label: v("label") } : {}),
        },
        signal,
      );
      location.hash = href.session(created.sessionId);
    } catch (err) {
      showError(err);
    } finally {
      submit.disabled = false;
      progress.textContent = "";
    }
  });
  return form;
}
