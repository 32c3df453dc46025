import type { ApiClient } from "../api/api-client.ts";
import { ApiError } from "../api/api-error.ts";
import { h } from "../dom/h.ts";
import { href } from "../router.ts";
import { showError } from "./error-banner.ts";

/** Replays this session's inputs with another strategy config into a linked child session, then compares them. */
export function whatIfForm(api: ApiClient, sessionId: string, signal: AbortSignal): HTMLElement {
  const config = h("textarea", {
    id: "what-if-config",
    name: "config",
    rows: 4,
    spellcheck: "false",
    placeholder: '{"orchestrator": {"minConsensus": 0.7}}',
  });
  const label = h("input", { id: "what-if-label", name: "label", placeholder: "optional" });
  const submit = h("button", { type: "submit", class: "primary", "data-testid": "what-if-submit" }, "Replay");
  const progress = h("p", { class: "muted", role: "status" });
  const form = h(
    "form",
    { class: "panel what-if-form", "data-testid": "what-if-form", "aria-labelledby": "what-if-title" },
    h("h2", { id: "what-if-title" }, "What if…"),
    h(
      "p",
      { class: "muted" },
      "Replay this session's recorded market with another strategy config (partial, merged on the defaults).",
    ),
    h("div", { class: "field" }, h("label", { for: "what-if-config" }, "Strategy config (JSON)"), config),
    h("div", { class: "field" }, h("label", { for: "what-if-label" }, "Label"), label),
    submit,
    progress,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    let parsed: unknown = {};
    try {
      parsed = config.value.trim() ? JSON.parse(config.value) : {};
    } catch (err) {
      showError(new ApiError(400, "VALIDATION", `the config is not JSON: ${(err as Error).message}`));
      return;
    }
    submit.disabled = true;
    progress.textContent = "Replaying… (a long session takes a while)";
    try {
      const out = await api.send<{ sessionId: string }>(
        "POST",
        `/sessions/${encodeURIComponent(sessionId)}/what-if`,
        { config: parsed, ...(label.value.trim() ? { label: label.value.trim() } : {}) },
        signal,
      );
      location.hash = href.whatIf(out.sessionId);
    } catch (err) {
      progress.textContent = "";
      showError(err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
