import { z } from "zod";
import { apiRole } from "../../events/index.ts";
import { errorResponse } from "../errors/http-status.ts";
import type { GatewayApp } from "../http/gateway-app.ts";
import type { GatewayContext } from "../http/gateway-context.ts";
import { actor } from "./request-actor.ts";

const apiKeyInfo = z.object({
  keyId: z.string(),
  name: z.string(),
  role: apiRole,
  createdAt: z.string(),
  createdBy: z.string(),
  revokedAt: z.string().nullable(),
});

/** Who the caller is (any role), and admin: issue, list and revoke API keys (the same store as `cryptofunk keys`). */
export function registerKeyRoutes(app: GatewayApp, ctx: GatewayContext): void {
  app.get(
    "/api/v1/me",
    {
      schema: {
        summary:
          "The key this request acts as: its id, name and role (clients show or hide controls by role)",
        tags: ["keys"],
        response: { 200: z.object({ keyId: z.string(), name: z.string(), role: apiRole }) },
      },
    },
    async (request) => {
      // The access guard has set the principal on every non-public route (anonymous admin when auth is off).
      const p = request.principal!;
      return { keyId: p.keyId, name: p.name, role: p.role };
    },
  );

  app.get(
    "/api/v1/keys",
    {
      schema: {
        summary: "List API keys (never the keys themselves)",
        tags: ["keys"],
        response: { 200: z.object({ keys: z.array(apiKeyInfo) }) },
      },
    },
    async () => ({ keys: await ctx.keys.list() }),
  );

  app.post(
    "/api/v1/keys",
    {
      schema: {
        summary: "Issue an API key; the response carries the key, shown this once",
        tags: ["keys"],
        body: z.object({ name: z.string().min(1).max(100), role: apiRole }).strict(),
        response: { 201: apiKeyInfo.extend({ key: z.string() }), 400: errorResponse },
      },
    },
    async (request, reply) => {
      const issued = await ctx.keys.issue({ ...request.body, issuedBy: actor(request) });
      return reply.code(201).send(issued);
    },
  );

  app.delete(
    "/api/v1/keys/:keyId",
    {
      schema: {
        summary: "Revoke an API key (idempotent)",
        tags: ["keys"],
        params: z.object({ keyId: z.string().regex(/^[0-9a-f]{12}$/, "a 12-hex-character key id") }),
        querystring: z.object({ reason: z.string().max(500).optional() }),
        response: { 200: apiKeyInfo, 404: errorResponse },
      },
    },
    async (request) => ctx.keys.revoke(request.params.keyId, actor(request), request.query.reason),
  );
}
