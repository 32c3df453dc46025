import type { Decision, Vote } from "../api/api-types.ts";
import { h } from "../dom/h.ts";
import { formatConfidence, formatDecimal, formatTime } from "../format.ts";
import { href } from "../router.ts";

/** A badge for BUY / SELL / HOLD (also orders' sides and session states), coloured by meaning. */
export function actionBadge(action: string): HTMLElement {
  return h("span", { class: `badge badge-${action.toLowerCase()}` }, action);
}

/**
 * One decision of the live feed: action, consensus, each vote with its confidence, and the reasoning; the whole
 * item is a link to the decision view.
 */
export function decisionItem(sessionId: string, d: Decision, votes: readonly Vote[]): HTMLElement {
  return h(
    "li",
    { class: "decision-item", "data-testid": "decision-item", "data-decision-id": d.decisionId },
    h(
      "a",
      { href: href.decision(sessionId, d.decisionId), class: "decision-link" },
      h(
        "div",
        { class: "decision-head" },
        actionBadge(d.action),
        h("span", { class: "consensus", title: "consensus" }, `consensus ${formatConfidence(d.consensus)}`),
        h("span", { class: "muted" }, `${d.symbol} @ ${formatDecimal(d.price)}`),
        h("time", { datetime: d.bar, class: "muted" }, formatTime(d.bar)),
      ),
      votes.length
        ? h(
            "ul",
            { class: "votes", "aria-label": "votes" },
            votes.map((v) =>
              h(
                "li",
                { class: "vote" },
                h("span", { class: "agent" }, v.agent),
                " ",
                actionBadge(v.action),
                " ",
                h("span", { class: "confidence" }, formatConfidence(v.confidence)),
                v.veto ? h("span", { class: "badge badge-veto" }, "veto") : null,
              ),
            ),
          )
        : null,
      h("p", { class: "reasoning" }, d.reasoning || "—"),
    ),
  );
}
