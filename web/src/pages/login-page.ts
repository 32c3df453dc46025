import { h, replace } from "../dom/h.ts";

/** The key prompt: the key is entered once per browser tab (kept in sessionStorage by the caller). */
export function renderLoginPage(main: HTMLElement, onKey: (key: string) => void): void {
  const input = h("input", {
    id: "api-key",
    name: "api-key",
    type: "password",
    autocomplete: "off",
    required: true,
    spellcheck: "false",
    "data-testid": "api-key-input",
    "aria-describedby": "api-key-help",
  });
  const form = h(
    "form",
    {
      class: "panel login",
      "aria-labelledby": "login-title",
      onsubmit: (e: Event) => {
        e.preventDefault();
        const key = input.value.trim();
        if (key) onKey(key);
      },
    },
    h("h1", { id: "login-title" }, "CryptoFunk"),
    h("label", { for: "api-key" }, "API key"),
    input,
    h(
      "p",
      { id: "api-key-help", class: "muted" },
      "Issue one with ",
      h("code", null, "cryptofunk keys issue --role viewer --name me"),
      ". It is kept in this tab only and forgotten when the tab closes.",
    ),
    h("button", { type: "submit", class: "primary", "data-testid": "api-key-submit" }, "Sign in"),
  );
  replace(main, form);
  input.focus();
}
