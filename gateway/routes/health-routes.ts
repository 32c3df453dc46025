import { z } from "zod";
import { errorBody, errorResponse } from "../errors/http-status.ts";
import type { GatewayApp } from "../http/gateway-app.ts";
import type { GatewayContext } from "../http/gateway-context.ts";

const checkResult = z.object({
  name: z.string(),
  ok: z.boolean(),
  ms: z.number(),
  error: z.string().optional(),
});

/** Runs a check with a time limit: a hung connection must fail the probe, not hang it. */
async function timed(
  check: { name: string; check(): Promise<void> },
  timeoutMs: number,
): Promise<z.infer<typeof checkResult>> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { name: check.name, ok: true, ms: Math.round(performance.now() - started) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      name: check.name,
      ok: false,
      ms: Math.round(performance.now() - started),
      error: message.slice(0, 300),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** /healthz, /readyz, /metrics and the OpenAPI document. */
export function registerHealthRoutes(app: GatewayApp, ctx: GatewayContext): void {
  app.get(
    "/healthz",
    {
      schema: {
        summary: "Liveness: the process answers",
        tags: ["health"],
        security: [],
        response: { 200: z.object({ status: z.literal("ok") }) },
      },
    },
    async () => ({ status: "ok" as const }),
  );

  app.get(
    "/readyz",
    {
      schema: {
        summary: "Readiness: NATS and Postgres answer a round trip (503 names the failing dependency)",
        tags: ["health"],
        security: [],
        response: {
          200: z.object({ status: z.literal("ready"), checks: z.array(checkResult) }),
          503: errorResponse,
        },
      },
    },
    async (_request, reply) => {
      const checks = await Promise.all(ctx.readiness.map((c) => timed(c, ctx.config.readyTimeoutMs)));
      const failing = checks.filter((c) => !c.ok).map((c) => c.name);
      if (failing.length > 0) {
        return reply
          .code(503)
          .send(
            errorBody("UNAVAILABLE", `not ready: ${failing.join(", ")} unreachable`, { checks, failing }),
          );
      }
      return { status: "ready" as const, checks };
    },
  );

  app.get(
    "/metrics",
    {
      schema: {
        summary: "Prometheus metrics (HTTP, streams, and the process's shared registry)",
        tags: ["health"],
        security: [],
        response: { 200: z.string() },
      },
    },
    async (_request, reply) => {
      reply.header("content-type", ctx.metrics.registry.contentType);
      return ctx.metrics.registry.metrics();
    },
  );

  app.get(
    "/api/v1/openapi.json",
    {
      schema: {
        summary: "This API's OpenAPI 3 document, generated from the route schemas",
        tags: ["health"],
        security: [],
        response: { 200: z.record(z.string(), z.unknown()) },
      },
    },
    async () => app.swagger() as unknown as Record<string, unknown>,
  );
}
