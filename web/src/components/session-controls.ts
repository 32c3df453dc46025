import type { ApiClient } from "../api/api-client.ts";
import { ApiError } from "../api/api-error.ts";
import type { CommandAccepted, CommandStatus } from "../api/api-types.ts";
import { h } from "../dom/h.ts";
import { showError } from "./error-banner.ts";

const commands = [
  ["pause", "Pause", "Stop acting on decisions until resumed"],
  ["resume", "Resume", "Act on decisions again"],
  ["stop", "Stop", "Wind the session down: no new entries"],
  ["flatten", "Flatten", "Close every open position now"],
] as const;

/**
 * Pause, resume, stop and flatten (trader only: the caller leaves them out of the DOM for a viewer). A command is
 * appended to the session's log (202); its outcome is read back by id until the session accepts or rejects it.
 */
export function sessionControls(
  api: ApiClient,
  sessionId: string,
  signal: AbortSignal,
  onOutcome: () => void,
) {
  const status = h(
    "p",
    { class: "command-status", "data-testid": "command-status", role: "status" },
    "No command sent.",
  );
  const base = `/sessions/${encodeURIComponent(sessionId)}`;

  const follow = async (accepted: CommandAccepted) => {
    for (const wait of [250, 500, 1000, 1000, 2000, 2000, 3000, 5000]) {
      await new Promise((r) => setTimeout(r, wait));
      if (signal.aborted) return;
      let s: CommandStatus;
      try {
        s = await api.get<CommandStatus>(
          `${base}/commands/${encodeURIComponent(accepted.commandId)}`,
          undefined,
          signal,
        );
      } catch (e) {
        // The command may not be readable for a moment after the 202.
        if (e instanceof ApiError && e.status === 404) continue;
        throw e;
      }
      if (s.state === "pending") continue;
      const o = s.outcome ?? {};
      status.textContent =
        s.state === "accepted"
          ? `${s.command}: accepted${o.from && o.to ? ` (${o.from} → ${o.to})` : ""}`
          : `${s.command}: rejected${o.reason ? ` — ${o.reason}` : ""}`;
      status.dataset.state = s.state;
      onOutcome();
      return;
    }
    status.textContent = `${accepted.command}: still pending (the session has not answered yet)`;
  };

  const send = async (command: string, button: HTMLButtonElement) => {
    button.disabled = true;
    status.dataset.state = "pending";
    status.textContent = `${command}: sending…`;
    try {
      const accepted = await api.send<CommandAccepted>("POST", `${base}/${command}`, {}, signal);
      status.textContent = `${command}: pending`;
      await follow(accepted);
    } catch (e) {
      status.textContent = `${command}: failed`;
      status.dataset.state = "failed";
      showError(e);
    } finally {
      button.disabled = false;
    }
  };

  return h(
    "section",
    { class: "panel controls", "aria-labelledby": "controls-title" },
    h("h2", { id: "controls-title" }, "Control"),
    h(
      "div",
      {
        class: "button-row",
        "data-testid": "session-controls",
        role: "group",
        "aria-label": "Session control",
      },
      commands.map(([command, label, title]) => {
        const b: HTMLButtonElement = h(
          "button",
          { type: "button", "data-testid": `control-${command}`, title },
          label,
        );
        b.addEventListener("click", () => void send(command, b));
        return b;
      }),
    ),
    status,
  );
}
