/** The pages of the UI, from the location hash (a hash router: static serving needs no fallback). */
export type Route =
  | { readonly page: "sessions" }
  | { readonly page: "session"; readonly sessionId: string }
  | { readonly page: "decision"; readonly sessionId: string; readonly decisionId: string }
  | { readonly page: "what-if"; readonly sessionId: string }
  | { readonly page: "not-found"; readonly path: string };

/** Parses `#/`, `#/sessions/<id>`, `#/sessions/<id>/decisions/<id>` and `#/sessions/<id>/what-if`. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "").replace(/\/+$/, "");
  if (path === "" || path === "/" || path === "/sessions") return { page: "sessions" };
  const parts = path.split("/").slice(1).map(decodePart);
  if (parts.some((p) => p === null || p === "")) return { page: "not-found", path };
  const [root, sessionId, sub, decisionId, ...rest] = parts as string[];
  if (root !== "sessions" || sessionId === undefined || rest.length > 0) return { page: "not-found", path };
  if (sub === undefined) return { page: "session", sessionId };
  if (sub === "what-if" && decisionId === undefined) return { page: "what-if", sessionId };
  if (sub === "decisions" && decisionId !== undefined) return { page: "decision", sessionId, decisionId };
  return { page: "not-found", path };
}

function decodePart(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

const enc = encodeURIComponent;
/** Links to the pages (what parseRoute reads back). */
export const href = {
  sessions: () => "#/",
  session: (sessionId: string) => `#/sessions/${enc(sessionId)}`,
  decision: (sessionId: string, decisionId: string) =>
    `#/sessions/${enc(sessionId)}/decisions/${enc(decisionId)}`,
  whatIf: (sessionId: string) => `#/sessions/${enc(sessionId)}/what-if`,
};
