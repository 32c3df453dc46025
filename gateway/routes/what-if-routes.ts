import { UnsupportedError, ValidationError } from "../../events/index.ts";
import { errorResponse } from "../errors/http-status.ts";
import type { GatewayApp } from "../http/gateway-app.ts";
import type { GatewayContext } from "../http/gateway-context.ts";
import { type WhatIfRunner, whatIfOutcome, whatIfRequest } from "../ports/what-if-runner.ts";
import { createStrategyStore } from "../store/strategy-store.ts";
import { sessionParams } from "./read-schemas.ts";
import { actor } from "./request-actor.ts";

function runner(ctx: GatewayContext): WhatIfRunner {
  if (ctx.whatIf === undefined) {
    throw new UnsupportedError("this gateway has no what-if runner (start the gateway with the runtime)");
  }
  return ctx.whatIf;
}

/** What-if replays: run a recorded session again with other parameters, and compare a child with its parent. */
export function registerWhatIfRoutes(app: GatewayApp, ctx: GatewayContext): void {
  const strategies = createStrategyStore(ctx.gatewayDb);

  app.get(
    "/api/v1/sessions/:sessionId/comparison",
    {
      schema: {
        summary:
          "A what-if session against its parent: decisions that changed, trades, P&L, drawdown side by side",
        tags: ["replay"],
        params: sessionParams,
        response: { 200: whatIfOutcome, 404: errorResponse, 409: errorResponse, 422: errorResponse },
      },
    },
    async (request) => runner(ctx).compare(request.params.sessionId),
  );

  app.post(
    "/api/v1/sessions/:sessionId/what-if",
    {
      schema: {
        summary:
          "Replay a recorded session's inputs with another strategy into a new session linked to it (idempotent per strategy)",
        tags: ["replay"],
        params: sessionParams,
        body: whatIfRequest,
        response: {
          201: whatIfOutcome,
          400: errorResponse,
          404: errorResponse,
          422: errorResponse,
        },
      },
    },
    async (request, reply) => {
      const what = runner(ctx);
      const body = request.body;
      let strategy: Readonly<Record<string, unknown>>;
      if (body.strategy !== undefined) {
        const stored = await strategies.get(body.strategy.name, body.strategy.version);
        if (stored === undefined) {
          throw new ValidationError(
            `no strategy ${body.strategy.name} ${body.strategy.version ?? "(active)"}`,
            [{ path: "strategy", message: "unknown strategy or version, or none active" }],
          );
        }
        strategy = stored.config;
      } else {
        if (ctx.strategyValidator === undefined) {
          throw new UnsupportedError(
            "this gateway has no strategy validator (start the gateway with the runtime)",
          );
        }
        const checked = ctx.strategyValidator.validate(body.config);
        if (!checked.ok) {
          throw new ValidationError(
            "the strategy config is not valid",
            checked.issues.map((i) => ({ path: `config.${i.path}`, message: i.message })),
          );
        }
        strategy = checked.config;
      }
      const outcome = await what.run({
        parentSessionId: request.params.sessionId,
        strategy,
        ...(body.label === undefined ? {} : { label: body.label }),
        requestedBy: actor(request),
      });
      return reply
        .code(201)
        .header("location", `/api/v1/sessions/${outcome.sessionId}/comparison`)
        .send(outcome);
    },
  );
}
