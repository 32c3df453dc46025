import "./styles.css";
import { createApiClient } from "./api/api-client.ts";
import { ApiError } from "./api/api-error.ts";
import { clearApiKey, loadApiKey, saveApiKey } from "./api/api-key-store.ts";
import type { Me } from "./api/api-types.ts";
import { clearError, showError } from "./components/error-banner.ts";
import { h, replace } from "./dom/h.ts";
import { renderDecisionPage } from "./pages/decision-page.ts";
import { renderLoginPage } from "./pages/login-page.ts";
import type { PageContext } from "./pages/page-context.ts";
import { renderSessionPage } from "./pages/session-page.ts";
import { renderSessionsPage } from "./pages/sessions-page.ts";
import { renderWhatIfPage } from "./pages/what-if-page.ts";
import { href, parseRoute } from "./router.ts";

const main = document.getElementById("main")!;
const topBar = document.getElementById("top-bar")!;
let page: AbortController | undefined;

/** Signs in with a key: asks the gateway who it is, keeps it for the tab, then shows the page the hash names. */
async function signIn(key: string): Promise<void> {
  const api = createApiClient(key);
  let me: Me;
  try {
    me = await api.get<Me>("/me");
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) clearApiKey();
    showLogin();
    showError(e);
    return;
  }
  saveApiKey(key);
  clearError();
  renderTopBar(me);
  const route = () => showPage(api, me);
  window.onhashchange = route;
  route();
}

function showLogin(): void {
  page?.abort();
  window.onhashchange = null;
  topBar.replaceChildren();
  renderLoginPage(main, (key) => void signIn(key));
}

function renderTopBar(me: Me): void {
  replace(
    topBar,
    h(
      "nav",
      { class: "top-nav", "aria-label": "Main" },
      h("a", { href: href.sessions(), class: "brand" }, "CryptoFunk"),
      h("a", { href: href.sessions() }, "Sessions"),
    ),
    h(
      "div",
      { class: "who" },
      h("span", { "data-testid": "whoami", title: `key ${me.keyId}` }, `${me.name} · ${me.role}`),
      h(
        "button",
        {
          type: "button",
          "data-testid": "logout",
          onclick: () => {
            clearApiKey();
            clearError();
            showLogin();
          },
        },
        "Sign out",
      ),
    ),
  );
}

function showPage(api: ReturnType<typeof createApiClient>, me: Me): void {
  page?.abort();
  page = new AbortController();
  clearError();
  main.replaceChildren();
  const ctx: PageContext = {
    api,
    me,
    canTrade: me.role === "trader" || me.role === "admin",
    signal: page.signal,
  };
  const route = parseRoute(location.hash);
  const run = async () => {
    switch (route.page) {
      case "sessions":
        return renderSessionsPage(main, ctx);
      case "session":
        return renderSessionPage(main, ctx, route.sessionId);
      case "decision":
        return renderDecisionPage(main, ctx, route.sessionId, route.decisionId);
      case "what-if":
        return renderWhatIfPage(main, ctx, route.sessionId);
      case "not-found":
        replace(
          main,
          h("h1", null, "Not found"),
          h("p", null, h("a", { href: href.sessions() }, "Back to sessions")),
        );
    }
  };
  run().catch((e) => {
    if (e instanceof ApiError && e.status === 401) {
      clearApiKey();
      showLogin();
    }
    showError(e);
  });
  // Move focus to the new page for keyboard and screen reader users (not on the first load).
  if (document.activeElement && document.activeElement !== document.body) main.focus({ preventScroll: true });
}

const saved = loadApiKey();
if (saved) void signIn(saved);
else showLogin();
