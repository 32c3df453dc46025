import { parse as parseYaml, stringify as toYaml } from "yaml";
import { z } from "zod";
import { NotFoundError, token, UnsupportedError, ValidationError } from "../../events/index.ts";
import { errorResponse } from "../errors/http-status.ts";
import type { GatewayApp } from "../http/gateway-app.ts";
import type { GatewayContext } from "../http/gateway-context.ts";
import { refuseNul } from "../http/nul-guard.ts";
import type { StrategyValidation } from "../ports/strategy-validator.ts";
import { createStrategyStore, type StoredStrategy } from "../store/strategy-store.ts";
import { actor } from "./request-actor.ts";

const document = z
  .object({
    format: z.enum(["yaml", "json"]).default("yaml"),
    content: z
      .string()
      .min(1)
      .max(256 * 1024),
  })
  .strict();
const issue = z.object({ path: z.string(), message: z.string() });
const versionInfo = z.object({
  name: z.string(),
  version: z.number().int(),
  checksum: z.string(),
  active: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string(),
});
const nameParams = z.object({ name: token });
const versionParams = nameParams.extend({ version: z.coerce.number().int().positive().max(1_000_000) });

/** Parses a YAML or JSON document into a value; a syntax error is a ValidationError naming the format. */
function parseDocument(format: "yaml" | "json", content: string): unknown {
  try {
    return format === "json" ? JSON.parse(content) : parseYaml(content, { maxAliasCount: 50 });
  } catch (e) {
    throw new ValidationError(
      `the ${format} document does not parse: ${(e as Error).message.split("\n")[0]}`,
      [{ path: "content", message: `not valid ${format}` }],
    );
  }
}

const info = (s: StoredStrategy) => ({
  name: s.name,
  version: s.version,
  checksum: s.checksum,
  active: s.active,
  createdAt: s.createdAt,
  createdBy: s.createdBy,
});

/** Strategy configs: validate, import (a new version), list, export, activate. */
export function registerStrategyRoutes(app: GatewayApp, ctx: GatewayContext): void {
  const store = createStrategyStore(ctx.gatewayDb);
  const validate = (format: "yaml" | "json", content: string): StrategyValidation => {
    if (ctx.strategyValidator === undefined) {
      throw new UnsupportedError(
        "this gateway has no strategy validator (start the gateway with the runtime)",
      );
    }
    const parsed = parseDocument(format, content);
    // JSON's "\u0000" and YAML's "\0" escapes make a NUL only once parsed; Postgres jsonb refuses it.
    refuseNul(parsed, "content");
    return ctx.strategyValidator.validate(parsed);
  };

  app.post(
    "/api/v1/strategies/validate",
    {
      schema: {
        summary: "Validate a strategy config (YAML or JSON) and return it with defaults filled",
        tags: ["strategies"],
        body: document,
        response: {
          200: z.object({
            valid: z.boolean(),
            config: z.record(z.string(), z.unknown()).optional(),
            issues: z.array(issue),
          }),
          400: errorResponse,
          422: errorResponse,
        },
      },
    },
    async (request) => {
      const result = validate(request.body.format, request.body.content);
      return result.ok
        ? { valid: true, config: { ...result.config }, issues: [] }
        : { valid: false, issues: [...result.issues] };
    },
  );

  app.post(
    "/api/v1/strategies/:name/versions",
    {
      schema: {
        summary: "Import a strategy config as the next version of `name` (validated first; not yet active)",
        tags: ["strategies"],
        params: nameParams,
        body: document,
        response: { 201: versionInfo, 400: errorResponse, 422: errorResponse },
      },
    },
    async (request, reply) => {
      const result = validate(request.body.format, request.body.content);
      if (!result.ok) throw new ValidationError("the strategy config is invalid", result.issues);
      const stored = await store.add(request.params.name, result.config, actor(request));
      return reply.code(201).send(info(stored));
    },
  );

  app.get(
    "/api/v1/strategies",
    {
      schema: {
        summary: "Stored strategies: version count, latest and active version",
        tags: ["strategies"],
        response: {
          200: z.object({
            strategies: z.array(
              z.object({
                name: z.string(),
                versions: z.number().int(),
                latestVersion: z.number().int(),
                activeVersion: z.number().int().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async () => ({ strategies: await store.list() }),
  );

  app.get(
    "/api/v1/strategies/:name/versions",
    {
      schema: {
        summary: "Every version of a strategy",
        tags: ["strategies"],
        params: nameParams,
        response: { 200: z.object({ name: z.string(), versions: z.array(versionInfo) }), 404: errorResponse },
      },
    },
    async (request) => {
      const versions = await store.versions(request.params.name);
      if (versions.length === 0) throw new NotFoundError(`no strategy ${request.params.name}`);
      return { name: request.params.name, versions: versions.map(info) };
    },
  );

  app.get(
    "/api/v1/strategies/:name/versions/:version",
    {
      schema: {
        summary: "Export one version as YAML or JSON text (and the parsed config)",
        tags: ["strategies"],
        params: versionParams,
        querystring: z.object({ format: z.enum(["yaml", "json"]).default("yaml") }),
        response: {
          200: versionInfo.extend({
            format: z.enum(["yaml", "json"]),
            content: z.string(),
            config: z.record(z.string(), z.unknown()),
          }),
          404: errorResponse,
        },
      },
    },
    async (request) => {
      const { name, version } = request.params;
      const stored = await store.get(name, version);
      if (stored === undefined) throw new NotFoundError(`no strategy ${name} version ${version}`);
      const format = request.query.format;
      const content =
        format === "json" ? `${JSON.stringify(stored.config, null, 2)}\n` : toYaml(stored.config);
      return { ...info(stored), format, content, config: stored.config };
    },
  );

  app.post(
    "/api/v1/strategies/:name/versions/:version/activate",
    {
      schema: {
        summary: "Make a version the active one (new sessions naming the strategy use it)",
        tags: ["strategies"],
        params: versionParams,
        response: { 200: versionInfo, 404: errorResponse },
      },
    },
    async (request) => info(await store.activate(request.params.name, request.params.version)),
  );
}
