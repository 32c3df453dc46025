import { existsSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyReply } from "fastify";
import { errorBody } from "../errors/http-status.ts";
import type { GatewayApp } from "../http/gateway-app.ts";
import type { GatewayContext } from "../http/gateway-context.ts";

// The UI's own CSP: helmet's defaults minus upgrade-insecure-requests, which would make a browser fetch the page's
// scripts over https from a gateway served on plain http (a LAN address, a port-forward) and show a blank page.
const uiHelmet = {
  contentSecurityPolicy: {
    useDefaults: true,
    directives: { "upgrade-insecure-requests": null, "connect-src": ["'self'"] },
  },
};

/**
 * Serves the web UI's static build (web/dist: index.html and hashed assets) at `/`. Public: it is code only, every
 * datum comes through the API with a key. Without a build, `GET /` answers 503 UI_NOT_BUILT; `/api/…` paths that
 * match no route keep the API's JSON 404.
 */
export function registerUiRoutes(app: GatewayApp, ctx: GatewayContext): void {
  const root = ctx.config.uiDir;
  // Only sendFile is used (serve: false): the two routes below are the ones declared in route-roles.ts.
  void app.register(fastifyStatic, { root, serve: false, dotfiles: "ignore", index: false });

  const sendIndex = (reply: FastifyReply) => {
    if (!existsSync(join(root, "index.html"))) {
      // UI_NOT_BUILT is the UI's own code, not one of the project's error codes: the body keeps the one shape.
      const body = errorBody("UNAVAILABLE", `the web UI is not built in ${root}: run npm run build:web`);
      return reply.code(503).send({ error: { ...body.error, code: "UI_NOT_BUILT" } });
    }
    // Revalidated on every load, so a new build's asset names are picked up at once.
    return reply.header("cache-control", "no-cache").sendFile("index.html", { cacheControl: false });
  };

  app.get("/", { schema: { hide: true }, helmet: uiHelmet }, async (_request, reply) => sendIndex(reply));

  app.get("/*", { schema: { hide: true }, helmet: uiHelmet }, async (request, reply) => {
    // The wildcard's value, already URL-decoded by fastify; send() keeps it inside the root.
    const file = (request.params as { "*": string })["*"];
    if (file === "api" || file.startsWith("api/")) return reply.callNotFound();
    if (file === "index.html") return sendIndex(reply);
    // Vite names assets by content hash: they never change under the same name.
    const hashed = file.startsWith("assets/");
    return reply.sendFile(file, hashed ? { maxAge: "365d", immutable: true } : { maxAge: 0 });
  });
}
