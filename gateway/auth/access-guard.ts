import type { FastifyReply, FastifyRequest } from "fastify";
import { UnavailableError } from "../../events/index.ts";
import { errorBody } from "../errors/http-status.ts";
import type { GatewayApp } from "../http/gateway-app.ts";
import type { GatewayContext } from "../http/gateway-context.ts";
import { createFixedWindowLimiter } from "../rate-limit/fixed-window-limiter.ts";
import { presentedKey } from "./api-key.ts";
import type { Principal } from "./api-key-store.ts";
import { roleAllows, roleOf } from "./route-roles.ts";

// Probes are not rate limited: a kubelet or Prometheus polling them must never see 429.
const unlimited = new Set(["/healthz", "/readyz", "/metrics"]);

const anonymousAdmin: Principal = { keyId: "anonymous", name: "anonymous (auth off)", role: "admin" };

/**
 * The one gate every request passes (onRequest): per-IP limit, the route's declared role, the API key, per-key
 * limit. Failures answer 401/403/429 in the one error shape and are audited; nothing here can turn a bad key
 * into a 500.
 */
export function installAccessGuard(app: GatewayApp, ctx: GatewayContext): void {
  const { config, keys, audit } = ctx;
  const perIp = createFixedWindowLimiter({
    limit: config.rateLimitPerIp,
    windowMs: config.rateLimitWindowMs,
  });
  const perKey = createFixedWindowLimiter({
    limit: config.rateLimitPerKey,
    windowMs: config.rateLimitWindowMs,
  });

  const record = async (request: FastifyRequest, write: () => Promise<void>) => {
    try {
      await write();
    } catch (e) {
      // The refusal stands either way; a lost audit write is an operator alarm, not a client error.
      request.log.error({ err: e }, "audit append failed");
    }
  };

  const refuseLimited = async (
    request: FastifyRequest,
    reply: FastifyReply,
    scope: "ip" | "key",
    decision: { retryAfterSeconds: number; firstRefusal: boolean },
    limit: number,
    route: string,
    keyId?: string,
  ) => {
    if (decision.firstRefusal) {
      await record(request, () =>
        audit.record("RateLimited", {
          scope,
          ip: request.ip,
          method: request.method,
          route,
          limit,
          ...(keyId === undefined ? {} : { keyId }),
        }),
      );
    }
    return reply
      .code(429)
      .header("retry-after", String(decision.retryAfterSeconds))
      .send(errorBody("RATE_LIMITED", `rate limit of ${limit} requests per window exceeded (${scope})`));
  };

  const refuseAuth = async (
    request: FastifyRequest,
    reply: FastifyReply,
    reason: "missing_key" | "unknown_key" | "revoked_key" | "forbidden",
    route: string,
    keyId?: string,
  ) => {
    await record(request, () =>
      audit.record("AuthFailed", {
        reason,
        ip: request.ip,
        method: request.method,
        route,
        ...(keyId === undefined ? {} : { keyId }),
      }),
    );
    if (reason === "forbidden") {
      return reply.code(403).send(errorBody("FORBIDDEN", "this key's role may not use this route"));
    }
    const message =
      reason === "missing_key"
        ? "an API key is required (X-API-Key or Authorization: Bearer)"
        : "the API key is not valid";
    return reply.code(401).header("www-authenticate", "Bearer").send(errorBody("UNAUTHENTICATED", message));
  };

  app.decorateRequest("principal", null);
  app.addHook("onRequest", async (request, reply) => {
    const url = request.routeOptions.url;
    const route = url ?? "(unmatched)";
    if (url === undefined || !unlimited.has(url)) {
      const ipDecision = perIp.hit(request.ip, Date.now());
      if (!ipDecision.allowed) return refuseLimited(request, reply, "ip", ipDecision, perIp.limit, route);
    }
    // An unmatched URL falls through to the 404 handler; a matched route missing from the table is refused
    // (fail closed; createGateway also refuses to start with one).
    const need = url === undefined ? "public" : (roleOf(request.method, url) ?? "admin");
    if (need === "public") return;
    if (!config.auth) {
      request.principal = anonymousAdmin;
      return;
    }
    const key = presentedKey(request.headers);
    if (key === null) return refuseAuth(request, reply, "missing_key", route);
    let verified: Awaited<ReturnType<typeof keys.verify>>;
    try {
      verified = await keys.verify(key);
    } catch (cause) {
      throw new UnavailableError("postgres: the API key store cannot be reached", { cause });
    }
    if (!verified.ok) return refuseAuth(request, reply, verified.reason, route, verified.keyId);
    const principal = verified.principal;
    const keyDecision = perKey.hit(principal.keyId, Date.now());
    if (!keyDecision.allowed) {
      return refuseLimited(request, reply, "key", keyDecision, perKey.limit, route, principal.keyId);
    }
    if (!roleAllows(principal.role, need))
      return refuseAuth(request, reply, "forbidden", route, principal.keyId);
    request.principal = principal;
  });
}
