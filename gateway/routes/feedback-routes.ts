import { randomUUID } from "node:crypto";
import { z } from "zod";
import { createEvent, NotFoundError, subjectFor, token } from "../../events/index.ts";
import { getDecision } from "../../projections/index.ts";
import { errorResponse } from "../errors/http-status.ts";
import type { GatewayApp } from "../http/gateway-app.ts";
import type { GatewayContext } from "../http/gateway-context.ts";

/** Feedback on a decision: a FeedbackGiven event on the session's control subject (projected with the decision). */
export function registerFeedbackRoutes(app: GatewayApp, ctx: GatewayContext): void {
  const root = ctx.log.root;
  app.put(
    "/api/v1/sessions/:sessionId/decisions/:decisionId/feedback",
    {
      schema: {
        summary:
          "Rate a decision (1-5, comment, tags); one opinion per key and decision, a new PUT replaces it",
        description:
          "Tag a decision `review` (or rate it ≤ 2) to list it under /api/v1/decisions/needs-review.",
        tags: ["decisions"],
        params: z.object({ sessionId: token, decisionId: z.string().min(1).max(100) }),
        body: z
          .object({
            rating: z.number().int().min(1).max(5),
            comment: z.string().max(2000).optional(),
            tags: z.array(z.string().min(1).max(50)).max(20).default([]),
          })
          .strict(),
        response: {
          202: z.object({ decisionId: z.string(), keyId: z.string(), seq: z.number().int() }),
          404: errorResponse,
        },
      },
    },
    async (request, reply) => {
      const { sessionId, decisionId } = request.params;
      const decision = await getDecision(ctx.readModels, decisionId);
      if (decision === null || decision.sessionId !== sessionId) {
        throw new NotFoundError(`no decision ${decisionId} in ${sessionId}`);
      }
      const keyId = request.principal?.keyId ?? "anonymous";
      const at = ctx.now().toISOString();
      const { comment, tags, rating } = request.body;
      // Every edit is its own event (a new id); readers take each key's latest as its opinion.
      const event = createEvent(
        { root, sessionId, writer: "control", recordedAt: at },
        {
          type: "FeedbackGiven",
          data: { decisionId, keyId, rating, tags, ...(comment === undefined ? {} : { comment }) },
          at,
        },
        { id: decisionId, correlationId: decision.correlationId },
        `feedback:${keyId}:${randomUUID()}`,
      );
      const result = await ctx.log.append(subjectFor(root, sessionId, "control"), [event]);
      return reply.code(202).send({ decisionId, keyId, seq: result.seqs[0] ?? 0 });
    },
  );
}
