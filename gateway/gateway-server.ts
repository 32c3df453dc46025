import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import swagger from "@fastify/swagger";
import websocket from "@fastify/websocket";
import fastify, { type FastifyBaseLogger, type FastifyReply } from "fastify";
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { type Kysely, sql } from "kysely";
import { Registry } from "prom-client";
import { auditSubject, CryptoFunkError, type EventLog } from "../events/index.ts";
import type { ReadModelDb } from "../projections/index.ts";
import { createAuditWriter } from "./audit/audit-writer.ts";
import { installAccessGuard } from "./auth/access-guard.ts";
import { type ApiKeyStore, createApiKeyStore } from "./auth/api-key-store.ts";
import { roleOf, routeKey } from "./auth/route-roles.ts";
import { type GatewayConfig, resolveGatewayConfig, trustProxyOption } from "./config/gateway-config.ts";
import { clientErrorHandler } from "./errors/client-error-handler.ts";
import { errorBody } from "./errors/http-status.ts";
import { toHttpError } from "./errors/to-http-error.ts";
import type { GatewayApp } from "./http/gateway-app.ts";
import type { GatewayContext, ReadinessCheck } from "./http/gateway-context.ts";
import { installNulGuard } from "./http/nul-guard.ts";
import { createGatewayMetrics } from "./observability/gateway-metrics.ts";
import type { SessionLauncher } from "./ports/session-launcher.ts";
import type { StrategyValidator } from "./ports/strategy-validator.ts";
import type { WhatIfRunner } from "./ports/what-if-runner.ts";
import { registerControlRoutes } from "./routes/control-routes.ts";
import { registerFeedbackRoutes } from "./routes/feedback-routes.ts";
import { registerHealthRoutes } from "./routes/health-routes.ts";
import { registerKeyRoutes } from "./routes/key-routes.ts";
import { registerReadRoutes } from "./routes/read-routes.ts";
import { registerStrategyRoutes } from "./routes/strategy-routes.ts";
import { registerWhatIfRoutes } from "./routes/what-if-routes.ts";
import type { GatewayDatabase } from "./store/gateway-database.ts";
import { registerStreamRoutes } from "./streams/stream-routes.ts";
import { registerUiRoutes } from "./ui/ui-routes.ts";

/** How long close() lets in-flight requests finish before it cuts the connections still open. */
const shutdownGraceMs = 5000;

export interface GatewayDeps {
  /** The event log: commands and feedback are appended to it, streams read it. */
  readonly eventLog: EventLog;
  /** Postgres (or PGlite) holding the read models and the gateway's own tables (run migrateGateway first). */
  // biome-ignore lint/suspicious/noExplicitAny: the read models' schema type belongs to projections/.
  readonly db: Kysely<any>;
  /** The read models scoped to their namespace (projections' `readModelDb(db, layout)`). */
  readonly readModels: ReadModelDb;
  readonly config?: Partial<GatewayConfig>;
  /** A pino logger (or false for none). */
  readonly logger?: FastifyBaseLogger | false;
  /** The process's shared prom-client registry; the gateway adds its HTTP and stream metrics to it. */
  readonly metricsRegistry?: Registry;
  /** Creates and starts sessions (the runtime); without it POST /api/v1/sessions answers 422. */
  readonly launcher?: SessionLauncher;
  /** Validates strategy configs (the actors' schema); without it the strategy write routes answer 422. */
  readonly strategyValidator?: StrategyValidator;
  /** Runs and compares what-if replays (the runtime); without it the what-if routes answer 422. */
  readonly whatIf?: WhatIfRunner;
  /** Readiness probes; by default the event log (a round trip to NATS for JetStream) and `select 1`. */
  readonly readiness?: readonly ReadinessCheck[];
  /** The name of the event log's dependency in /readyz (default "nats"). */
  readonly eventLogName?: string;
  readonly now?: () => Date;
}

export type Gateway = GatewayApp & {
  /** The gateway's API key store (revocations through it take effect at once). */
  readonly apiKeys: ApiKeyStore;
  /** Routes the server registered, as `METHOD /url` (seen by its onRoute hook; compared with route-roles.ts). */
  readonly routeList: readonly string[];
};

/**
 * Builds the HTTP gateway (not yet listening): REST, streams, OpenAPI, auth, rate limits, health and metrics.
 * Call `listen` (or `inject`) on the result and `close` when done; the caller owns the log and the database.
 */
export async function createGateway(deps: GatewayDeps): Promise<Gateway> {
  const config = resolveGatewayConfig(deps.config);
  const now = deps.now ?? (() => new Date());
  const app = fastify({
    // fastify 5 takes a ready pino instance as loggerInstance.
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: trustProxyOption(config.trustedProxies),
    exposeHeadRoutes: false,
    return503OnClosing: true,
    // The JSON parser drops __proto__ / constructor.prototype keys rather than letting them through.
    onProtoPoisoning: "remove",
    onConstructorPoisoning: "remove",
    // Requests the HTTP parser refuses (bad request line, headers over 16 KiB) get the same error shape too.
    clientErrorHandler,
    // Malformed URLs and the like are refused before routing: same error shape as everything else.
    frameworkErrors: (error, _request, reply) => {
      const http = toHttpError(error);
      void (reply as unknown as FastifyReply).code(http.status).send(http.body);
    },
  }).withTypeProvider<ZodTypeProvider>() as unknown as GatewayApp;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const routes: string[] = [];
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      const key = routeKey(method, route.url);
      if (roleOf(method, route.url) === undefined) {
        throw new CryptoFunkError("CONFIG", `route ${key} has no role in gateway/auth/route-roles.ts`);
      }
      routes.push(key);
    }
  });

  const registry = deps.metricsRegistry ?? new Registry();
  const metrics = createGatewayMetrics(registry);
  const audit = createAuditWriter(deps.eventLog, now);
  const gatewayDb = deps.db as Kysely<GatewayDatabase>;
  const keys = createApiKeyStore({ db: gatewayDb, audit, cacheMs: config.keyCacheMs });
  const eventLogName = deps.eventLogName ?? "nats";
  const readiness = deps.readiness ?? [
    // lastSeq asks the server (a JetStream API round trip), so a dead connection fails here.
    {
      name: eventLogName,
      check: async () => void (await deps.eventLog.lastSeq(auditSubject(deps.eventLog.root))),
    },
    { name: "postgres", check: async () => void (await sql`select 1`.execute(deps.db)) },
  ];
  const ctx: GatewayContext = {
    config,
    log: deps.eventLog,
    db: deps.db,
    readModels: deps.readModels,
    gatewayDb,
    keys,
    audit,
    metrics,
    readiness,
    launcher: deps.launcher,
    strategyValidator: deps.strategyValidator,
    whatIf: deps.whatIf,
    now,
  };

  app.setErrorHandler((error, request, reply) => {
    const http = toHttpError(error);
    if (http.serverFault) request.log.error({ err: error }, "request failed");
    return reply.code(http.status).send(http.body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody("NOT_FOUND", `no route ${request.method} ${request.url.split("?")[0]}`)),
  );

  // close() waits for every connection to finish its request, but Node stops timing out connections once the server
  // closes: one that never sends a request (a browser's preconnect, a stalled client) would hold shutdown forever.
  // In-flight requests get a grace period; whatever is left after it is cut.
  app.addHook("preClose", async () => {
    setTimeout(() => app.server.closeAllConnections(), shutdownGraceMs).unref();
  });

  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "(unmatched)";
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  await app.register(helmet, { global: true });
  await app.register(cors, {
    origin: config.corsOrigins.length === 0 ? false : [...config.corsOrigins],
    methods: ["GET", "POST", "PUT", "DELETE"],
    allowedHeaders: ["content-type", "authorization", "x-api-key", "last-event-id"],
  });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "CryptoFunk gateway",
        description: "Sessions, decisions, orders, P&L, control and live event streams of CryptoFunk.",
        version: "1",
      },
      components: {
        securitySchemes: {
          apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
          bearer: { type: "http", scheme: "bearer" },
        },
      },
      security: [{ apiKey: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  installAccessGuard(app, ctx);
  installNulGuard(app);

  registerHealthRoutes(app, ctx);
  registerReadRoutes(app, ctx);
  registerControlRoutes(app, ctx);
  registerFeedbackRoutes(app, ctx);
  registerStrategyRoutes(app, ctx);
  registerWhatIfRoutes(app, ctx);
  registerKeyRoutes(app, ctx);
  registerStreamRoutes(app, ctx);
  registerUiRoutes(app, ctx);

  await app.ready();
  return Object.assign(app, { apiKeys: keys, routeList: routes });
}
