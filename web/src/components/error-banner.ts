import { ApiError, isAbort } from "../api/api-error.ts";
import { h, replace } from "../dom/h.ts";

const region = () => document.getElementById("error-region")!;

/** Shows an API error (code + message) in the page's one error banner; aborted requests are not errors. */
export function showError(e: unknown): void {
  if (isAbort(e)) return;
  const code = e instanceof ApiError ? e.code : "ERROR";
  const message = e instanceof Error ? e.message : String(e);
  replace(
    region(),
    h(
      "div",
      { class: "error-banner", role: "alert", "data-testid": "error-banner" },
      h("strong", null, code),
      h("span", null, ` ${message}`),
      h(
        "button",
        { type: "button", class: "link-button", "aria-label": "Dismiss error", onclick: clearError },
        "×",
      ),
    ),
  );
}

export function clearError(): void {
  region().replaceChildren();
}
