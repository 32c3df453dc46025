// Which optional routes this gateway serves, read once from its public OpenAPI document: the UI uses a newer route
// where it exists instead of probing it (a probe's 404 would be a console error in every older deployment).
let paths: Promise<ReadonlySet<string>> | undefined;

/** True when the gateway's OpenAPI document lists `path` (OpenAPI form, e.g. `/api/v1/sessions/{sessionId}/candles`). */
export async function gatewayHasRoute(path: string): Promise<boolean> {
  paths ??= fetch("api/v1/openapi.json", { headers: { accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : { paths: {} }))
    .then((doc: { paths?: Record<string, unknown> }) => new Set(Object.keys(doc.paths ?? {})))
    .catch(() => new Set<string>());
  return (await paths).has(path);
}
