import { z } from "zod";
import { NotFoundError, symbol, token, tradeAction } from "../../events/index.ts";
import {
  agentStatus,
  auditKinds,
  decisionsNeedingReview,
  equityCurve,
  explainOrder,
  getDecision,
  getSession,
  listAuditTrail,
  listCandles,
  listDeadLetters,
  listDecisions,
  listFills,
  listOrders,
  listPositions,
  listSessions,
  listSignals,
  listTrades,
  metricsSummary,
  tradingState,
} from "../../projections/index.ts";
import { errorResponse } from "../errors/http-status.ts";
import type { GatewayApp } from "../http/gateway-app.ts";
import type { GatewayContext } from "../http/gateway-context.ts";
import {
  agentStatusView,
  auditEntryView,
  barView,
  deadLetterView,
  decisionReview,
  decisionView,
  decisionWithVotes,
  equityPoint,
  fillView,
  metricsSummary as metricsSummarySchema,
  orderExplanation,
  orderView,
  page,
  pageQuery,
  positionView,
  sessionParams,
  sessionView,
  signalView,
  timeRange,
  tradeView,
  tradingStateView,
} from "./read-schemas.ts";

const id = z.string().min(1).max(100);
const notFound = { 404: errorResponse };

/** The read API over the projections' queries (every route: viewer, audit and dead letters: admin). */
export function registerReadRoutes(app: GatewayApp, ctx: GatewayContext): void {
  const rm = ctx.readModels;

  app.get(
    "/api/v1/sessions",
    {
      schema: {
        summary: "Sessions, newest first, filtered by status, mode and creation time",
        tags: ["sessions"],
        querystring: pageQuery.extend(timeRange.shape).extend({
          status: z.enum(["created", "running", "paused", "halted", "stopping", "stopped"]).optional(),
          mode: z.enum(["backtest", "paper", "live", "replay"]).optional(),
        }),
        response: { 200: page(sessionView) },
      },
    },
    async (request) => listSessions(rm, request.query),
  );

  app.get(
    "/api/v1/sessions/:sessionId",
    {
      schema: {
        summary: "One session",
        tags: ["sessions"],
        params: sessionParams,
        response: { 200: sessionView, ...notFound },
      },
    },
    async (request) => {
      const s = await getSession(rm, request.params.sessionId);
      if (s === null) throw new NotFoundError(`no session ${request.params.sessionId}`);
      return s;
    },
  );

  app.get(
    "/api/v1/sessions/:sessionId/decisions",
    {
      schema: {
        summary: "A session's decisions, paginated, by action, symbol and bar time",
        tags: ["decisions"],
        params: sessionParams,
        querystring: pageQuery.extend(timeRange.shape).extend({
          action: tradeAction.optional(),
          symbol: symbol.optional(),
          order: z.enum(["asc", "desc"]).default("desc"),
        }),
        response: { 200: page(decisionView) },
      },
    },
    async (request) => listDecisions(rm, { ...request.query, sessionId: request.params.sessionId }),
  );

  app.get(
    "/api/v1/sessions/:sessionId/decisions/:decisionId",
    {
      schema: {
        summary: "One decision with every vote, its risk verdict and the feedback on it",
        tags: ["decisions"],
        params: sessionParams.extend({ decisionId: id }),
        response: { 200: decisionWithVotes, ...notFound },
      },
    },
    async (request) => {
      const { sessionId, decisionId } = request.params;
      const d = await getDecision(rm, decisionId);
      if (d === null || d.sessionId !== sessionId)
        throw new NotFoundError(`no decision ${decisionId} in ${sessionId}`);
      // Each FeedbackGiven is kept; a key's latest one is its current opinion (feedback is editable).
      const rows = await rm
        .selectFrom("feedback")
        .selectAll()
        .where("decision_id", "=", decisionId)
        .orderBy("seq", "desc")
        .execute();
      const seen = new Set<string>();
      const feedback = rows
        .filter((r) => !seen.has(r.key_id) && seen.add(r.key_id))
        .map((r) => ({
          keyId: r.key_id,
          rating: r.rating,
          comment: r.comment,
          tags: (r.tags as string[]) ?? [],
          at: new Date(r.at as unknown as string).toISOString(),
          seq: Number(r.seq),
        }));
      return { ...d, feedback };
    },
  );

  app.get(
    "/api/v1/decisions/needs-review",
    {
      schema: {
        summary: "Decisions people flagged: average rating at or below maxRating, or tagged `review`",
        tags: ["decisions"],
        querystring: pageQuery.extend({
          sessionId: token.optional(),
          maxRating: z.coerce.number().min(1).max(5).default(2),
        }),
        response: { 200: page(decisionReview) },
      },
    },
    async (request) => decisionsNeedingReview(rm, request.query),
  );

  app.get(
    "/api/v1/sessions/:sessionId/signals",
    {
      schema: {
        summary: "A session's agent signals, newest bar first, by agent, action and bar time",
        tags: ["decisions"],
        params: sessionParams,
        querystring: pageQuery
          .extend(timeRange.shape)
          .extend({ agent: z.string().max(20).optional(), action: tradeAction.optional() }),
        response: { 200: page(signalView) },
      },
    },
    async (request) => listSignals(rm, { ...request.query, sessionId: request.params.sessionId }),
  );

  app.get(
    "/api/v1/sessions/:sessionId/orders",
    {
      schema: {
        summary: "A session's orders, by status, symbol, side and time",
        tags: ["trading"],
        params: sessionParams,
        querystring: pageQuery.extend(timeRange.shape).extend({
          status: z.string().max(20).optional(),
          symbol: symbol.optional(),
          side: z.enum(["buy", "sell"]).optional(),
        }),
        response: { 200: page(orderView) },
      },
    },
    async (request) => listOrders(rm, { ...request.query, sessionId: request.params.sessionId }),
  );

  app.get(
    "/api/v1/sessions/:sessionId/orders/:orderId/explain",
    {
      schema: {
        summary: "Why an order exists: order ← risk verdict ← decision ← votes ← signals ← bars",
        tags: ["trading"],
        params: sessionParams.extend({ orderId: id }),
        response: { 200: orderExplanation, ...notFound },
      },
    },
    async (request) => {
      const { sessionId, orderId } = request.params;
      const e = await explainOrder(rm, orderId);
      if (e === null || e.order.sessionId !== sessionId)
        throw new NotFoundError(`no order ${orderId} in ${sessionId}`);
      return e;
    },
  );

  app.get(
    "/api/v1/sessions/:sessionId/fills",
    {
      schema: {
        summary: "A session's fills, by order, symbol and time",
        tags: ["trading"],
        params: sessionParams,
        querystring: pageQuery
          .extend(timeRange.shape)
          .extend({ orderId: id.optional(), symbol: symbol.optional() }),
        response: { 200: page(fillView) },
      },
    },
    async (request) => listFills(rm, { ...request.query, sessionId: request.params.sessionId }),
  );

  app.get(
    "/api/v1/sessions/:sessionId/positions",
    {
      schema: {
        summary: "A session's positions (flat ones too unless openOnly)",
        tags: ["trading"],
        params: sessionParams,
        querystring: z.object({ openOnly: z.enum(["true", "false"]).default("false") }),
        response: { 200: z.object({ items: z.array(positionView).readonly() }) },
      },
    },
    async (request) => ({
      items: await listPositions(rm, request.params.sessionId, {
        openOnly: request.query.openOnly === "true",
      }),
    }),
  );

  app.get(
    "/api/v1/sessions/:sessionId/candles",
    {
      schema: {
        summary: "A session's bars (the price chart): the newest `limit` within the range, oldest first",
        tags: ["trading"],
        params: sessionParams,
        querystring: timeRange.extend({
          symbol: symbol.optional(),
          limit: z.coerce.number().int().min(1).max(5000).default(1000),
        }),
        response: { 200: z.object({ items: z.array(barView).readonly() }) },
      },
    },
    async (request) => ({
      items: await listCandles(rm, { ...request.query, sessionId: request.params.sessionId }),
    }),
  );

  app.get(
    "/api/v1/sessions/:sessionId/equity",
    {
      schema: {
        summary: "The equity curve: one point per bar, oldest first",
        tags: ["trading"],
        params: sessionParams,
        querystring: timeRange,
        response: { 200: z.object({ items: z.array(equityPoint).readonly() }) },
      },
    },
    async (request) => ({ items: await equityCurve(rm, request.params.sessionId, request.query) }),
  );

  app.get(
    "/api/v1/sessions/:sessionId/trades",
    {
      schema: {
        summary: "Closed trades, newest first",
        tags: ["trading"],
        params: sessionParams,
        querystring: pageQuery,
        response: { 200: page(tradeView) },
      },
    },
    async (request) => listTrades(rm, request.params.sessionId, request.query),
  );

  app.get(
    "/api/v1/sessions/:sessionId/metrics",
    {
      schema: {
        summary: "Return, drawdown, trade statistics and activity counts",
        tags: ["trading"],
        params: sessionParams,
        response: { 200: metricsSummarySchema },
      },
    },
    async (request) => metricsSummary(rm, request.params.sessionId),
  );

  app.get(
    "/api/v1/sessions/:sessionId/agents",
    {
      schema: {
        summary: "Each agent's latest signal and readiness",
        tags: ["decisions"],
        params: sessionParams,
        response: { 200: z.object({ items: z.array(agentStatusView).readonly() }) },
      },
    },
    async (request) => ({ items: await agentStatus(rm, request.params.sessionId) }),
  );

  app.get(
    "/api/v1/sessions/:sessionId/trading-state",
    {
      schema: {
        summary: "Trading state (ACTIVE, REDUCING, HALTED) and every circuit breaker",
        tags: ["trading"],
        params: sessionParams,
        response: { 200: tradingStateView },
      },
    },
    async (request) => tradingState(rm, request.params.sessionId),
  );

  app.get(
    "/api/v1/audit",
    {
      schema: {
        summary: "The audit trail (admin): commands, key and auth events, breakers; newest first",
        tags: ["admin"],
        querystring: pageQuery.extend(timeRange.shape).extend({
          sessionId: token.optional().describe("a session, or `system` for keys, auth and rate limits"),
          kind: z.enum(auditKinds).optional(),
          outcome: z.string().max(50).optional(),
          correlationId: id.optional(),
        }),
        response: { 200: page(auditEntryView) },
      },
    },
    async (request) => listAuditTrail(rm, request.query),
  );

  app.get(
    "/api/v1/sessions/:sessionId/dead-letters",
    {
      schema: {
        summary: "Messages of a session that could not be used, with the reason (admin)",
        tags: ["admin"],
        params: sessionParams,
        querystring: pageQuery.extend({ refusedBy: z.string().max(100).optional() }),
        response: { 200: page(deadLetterView) },
      },
    },
    async (request) => listDeadLetters(rm, { ...request.query, sessionId: request.params.sessionId }),
  );
}
