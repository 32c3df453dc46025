/** Roles in increasing power: a trader may do what a viewer may, an admin what a trader may. */
export const apiRoles = ["viewer", "trader", "admin"] as const;
export type ApiRole = (typeof apiRoles)[number];
export type RouteRole = "public" | ApiRole;

/**
 * Every route the gateway serves and the least role it needs: the one place access is declared. The server refuses
 * to start with a route missing here (onRoute hook), and a test walks this table against the real route list.
 *
 * Public: liveness, readiness and the OpenAPI document (nothing about sessions), and /metrics for Prometheus
 * scrapes (aggregate counters only; restrict it with a network policy where that matters).
 */
export const routeRoles = {
  "GET /healthz": "public",
  "GET /readyz": "public",
  "GET /metrics": "public",
  "GET /api/v1/openapi.json": "public",
  // The web UI's static build (index.html and hashed assets): code only, every datum comes through the API with a key.
  "GET /": "public",
  "GET /*": "public",
  // CORS preflight (@fastify/cors): answers only for allow-listed origins and carries no data.
  "OPTIONS *": "public",

  "GET /api/v1/me": "viewer",
  "GET /api/v1/sessions": "viewer",
  "GET /api/v1/sessions/:sessionId": "viewer",
  "GET /api/v1/sessions/:sessionId/decisions": "viewer",
  "GET /api/v1/sessions/:sessionId/decisions/:decisionId": "viewer",
  "GET /api/v1/sessions/:sessionId/signals": "viewer",
  "GET /api/v1/sessions/:sessionId/orders": "viewer",
  "GET /api/v1/sessions/:sessionId/orders/:orderId/explain": "viewer",
  "GET /api/v1/sessions/:sessionId/fills": "viewer",
  "GET /api/v1/sessions/:sessionId/positions": "viewer",
  "GET /api/v1/sessions/:sessionId/candles": "viewer",
  "GET /api/v1/sessions/:sessionId/equity": "viewer",
  "GET /api/v1/sessions/:sessionId/trades": "viewer",
  "GET /api/v1/sessions/:sessionId/metrics": "viewer",
  "GET /api/v1/sessions/:sessionId/agents": "viewer",
  "GET /api/v1/sessions/:sessionId/trading-state": "viewer",
  "GET /api/v1/sessions/:sessionId/commands/:commandId": "viewer",
  "GET /api/v1/sessions/:sessionId/comparison": "viewer",
  "GET /api/v1/sessions/:sessionId/events": "viewer",
  "GET /api/v1/sessions/:sessionId/ws": "viewer",
  "GET /api/v1/decisions/needs-review": "viewer",
  "GET /api/v1/strategies": "viewer",
  "GET /api/v1/strategies/:name/versions": "viewer",
  "GET /api/v1/strategies/:name/versions/:version": "viewer",
  "POST /api/v1/strategies/validate": "viewer",

  "POST /api/v1/sessions": "trader",
  "POST /api/v1/sessions/:sessionId/pause": "trader",
  "POST /api/v1/sessions/:sessionId/resume": "trader",
  "POST /api/v1/sessions/:sessionId/stop": "trader",
  "POST /api/v1/sessions/:sessionId/flatten": "trader",
  "POST /api/v1/sessions/:sessionId/what-if": "trader",
  "PUT /api/v1/sessions/:sessionId/decisions/:decisionId/feedback": "trader",
  "POST /api/v1/strategies/:name/versions": "trader",
  "POST /api/v1/strategies/:name/versions/:version/activate": "trader",

  "GET /api/v1/audit": "admin",
  "GET /api/v1/sessions/:sessionId/dead-letters": "admin",
  "GET /api/v1/keys": "admin",
  "POST /api/v1/keys": "admin",
  "DELETE /api/v1/keys/:keyId": "admin",
} as const satisfies Record<string, RouteRole>;

export type RouteKey = keyof typeof routeRoles;

/** The table key of a route: `METHOD /url/:param`. */
export function routeKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url}`;
}

/** The declared role of a route, undefined when the table does not name it. */
export function roleOf(method: string, url: string): RouteRole | undefined {
  const key = routeKey(method, url);
  return Object.hasOwn(routeRoles, key) ? routeRoles[key as RouteKey] : undefined;
}

/** True when a key of role `have` may use a route that needs `need`. */
export function roleAllows(have: ApiRole, need: RouteRole): boolean {
  return need === "public" || apiRoles.indexOf(have) >= apiRoles.indexOf(need);
}
