import type { ApiClient } from "../api/api-client.ts";
import { h } from "../dom/h.ts";
import { showError } from "./error-banner.ts";

/** A rating (1-5), comment and review flag on a decision (trader); a key's new feedback replaces its last one. */
export function feedbackForm(
  api: ApiClient,
  sessionId: string,
  decisionId: string,
  signal: AbortSignal,
  onSaved: () => void,
): HTMLElement {
  const rating = h(
    "select",
    { id: "fb-rating", name: "rating" },
    [5, 4, 3, 2, 1].map((r) => h("option", { value: r, selected: r === 3 }, `${r}`)),
  );
  const comment = h("textarea", { id: "fb-comment", name: "comment", rows: 3, maxlength: 2000 });
  const review = h("input", { id: "fb-review", name: "review", type: "checkbox" });
  const submit = h(
    "button",
    { type: "submit", class: "primary", "data-testid": "feedback-submit" },
    "Save feedback",
  );
  const done = h("p", { class: "muted", role: "status", "data-testid": "feedback-status" });
  const form = h(
    "form",
    { class: "panel feedback-form", "data-testid": "feedback-form", "aria-labelledby": "fb-title" },
    h("h2", { id: "fb-title" }, "Your feedback"),
    h("div", { class: "field" }, h("label", { for: "fb-rating" }, "Rating (5 = good decision)"), rating),
    h("div", { class: "field" }, h("label", { for: "fb-comment" }, "Comment"), comment),
    h("div", { class: "field checkbox" }, review, h("label", { for: "fb-review" }, "Flag for review")),
    submit,
    done,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    submit.disabled = true;
    done.textContent = "";
    try {
      await api.send(
        "PUT",
        `/sessions/${encodeURIComponent(sessionId)}/decisions/${encodeURIComponent(decisionId)}/feedback`,
        {
          rating: Number(rating.value),
          ...(comment.value.trim() ? { comment: comment.value.trim() } : {}),
          tags: review.checked ? ["review"] : [],
        },
        signal,
      );
      done.textContent = "Saved.";
      onSaved();
    } catch (err) {
      showError(err);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
