import { randomUUID } from "node:crypto";
import { z } from "zod";
import {
  type ControlCommand,
  createEvent,
  NotFoundError,
  subjectFor,
  token,
  UnsupportedError,
  ValidationError,
} from "../../events/index.ts";
import { errorResponse } from "../errors/http-status.ts";
import type { GatewayApp } from "../http/gateway-app.ts";
import type { GatewayContext } from "../http/gateway-context.ts";
import { launchRequest } from "../ports/session-launcher.ts";
import { createStrategyStore } from "../store/strategy-store.ts";
import { actor } from "./request-actor.ts";
import { assertSessionExists } from "./session-guard.ts";

const sessionParams = z.object({ sessionId: token });
const commandBody = z
  .object({
    reason: z.string().max(500).optional(),
    /** Choose the command id to make a retry idempotent (the same id appends nothing new). */
    commandId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/, "8-64 characters of A-Z a-z 0-9 _ -")
      .optional(),
  })
  .strict();
const commandAccepted = z.object({
  sessionId: z.string(),
  commandId: z.string(),
  command: z.string(),
  seq: z.number().int(),
  status: z.string().describe("where to read the outcome"),
});
const commandStatus = z.object({
  sessionId: z.string(),
  commandId: z.string(),
  command: z.string(),
  issuedBy: z.string(),
  issuedAt: z.string(),
  seq: z.number().int(),
  state: z.enum(["pending", "accepted", "rejected"]),
  outcome: z
    .object({
      from: z.string().optional(),
      to: z.string().optional(),
      status: z.string().optional(),
      reason: z.string().optional(),
      seq: z.number().int(),
      at: z.string(),
    })
    .optional(),
});

const commands = ["pause", "resume", "stop", "flatten"] as const satisfies readonly ControlCommand[];

/** Session control: create+start (through the launcher port), pause, resume, stop, flatten, command outcome. */
export function registerControlRoutes(app: GatewayApp, ctx: GatewayContext): void {
  const root = ctx.log.root;
  const strategies = createStrategyStore(ctx.gatewayDb);

  for (const command of commands) {
    app.post(
      `/api/v1/sessions/:sessionId/${command}`,
      {
        schema: {
          summary: `Ask a session to ${command} (202: the command is in the log; read its outcome by id)`,
          tags: ["control"],
          params: sessionParams,
          body: commandBody.nullish(),
          response: { 202: commandAccepted, 404: errorResponse },
        },
      },
      async (request, reply) => {
        const { sessionId } = request.params;
        await assertSessionExists(ctx, sessionId);
        const commandId = request.body?.commandId ?? randomUUID();
        const at = ctx.now().toISOString();
        const subject = subjectFor(root, sessionId, "control");
        const reason = request.body?.reason;
        // The control subject has many writers, so no optimistic concurrency; the id (from the command id) makes
        // a retried request a duplicate rather than a second command.
        const event = createEvent(
          { root, sessionId, writer: "control", recordedAt: at },
          {
            type: "CommandIssued",
            data: {
              commandId,
              command,
              issuedBy: actor(request),
              issuedAt: at,
              ...(reason ? { reason } : {}),
            },
            at,
          },
          null,
          `command:${commandId}`,
        );
        const result = await ctx.log.append(subject, [event]);
        return reply.code(202).send({
          sessionId,
          commandId,
          command,
          seq: result.seqs[0] ?? 0,
          status: `/api/v1/sessions/${sessionId}/commands/${commandId}`,
        });
      },
    );
  }

  app.get(
    "/api/v1/sessions/:sessionId/commands/:commandId",
    {
      schema: {
        summary: "A command's outcome: pending until the session accepts or rejects it",
        tags: ["control"],
        params: sessionParams.extend({ commandId: z.string().min(1).max(100) }),
        response: { 200: commandStatus, 404: errorResponse },
      },
    },
    async (request) => {
      const { sessionId, commandId } = request.params;
      let issued: z.infer<typeof commandStatus> | undefined;
      for await (const e of ctx.log.read(subjectFor(root, sessionId, "control"))) {
        if (e.type === "CommandIssued" && e.data.commandId === commandId) {
          issued = {
            sessionId,
            commandId,
            command: e.data.command,
            issuedBy: e.data.issuedBy,
            issuedAt: e.data.issuedAt ?? e.at,
            seq: e.seq,
            state: "pending",
          };
          break;
        }
      }
      if (issued === undefined) throw new NotFoundError(`no command ${commandId} in session ${sessionId}`);
      for await (const e of ctx.log.read(subjectFor(root, sessionId, "session"), { fromSeq: issued.seq })) {
        if (e.type === "CommandAccepted" && e.data.commandId === commandId) {
          return {
            ...issued,
            state: "accepted" as const,
            outcome: { from: e.data.from, to: e.data.to, seq: e.seq, at: e.at },
          };
        }
        if (e.type === "CommandRejected" && e.data.commandId === commandId) {
          return {
            ...issued,
            state: "rejected" as const,
            outcome: { status: e.data.status, reason: e.data.reason, seq: e.seq, at: e.at },
          };
        }
      }
      return issued;
    },
  );

  app.post(
    "/api/v1/sessions",
    {
      schema: {
        summary: "Create and start a session (backtest or paper; live only where the deployment enables it)",
        tags: ["control"],
        body: launchRequest,
        response: {
          202: z.object({ sessionId: z.string(), session: z.string(), events: z.string() }),
          400: errorResponse,
          422: errorResponse,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      if (ctx.launcher === undefined) {
        throw new UnsupportedError(
          "this gateway has no session launcher (start the gateway with the runtime)",
        );
      }
      if (body.mode === "live" && !ctx.config.liveTrading) {
        throw new UnsupportedError("live trading is not enabled on this deployment (LIVE_TRADING)");
      }
      let strategy: { name: string; version: number; config: Record<string, unknown> } | undefined;
      if (body.strategy !== undefined) {
        const stored = await strategies.get(body.strategy.name, body.strategy.version);
        if (stored === undefined) {
          throw new ValidationError(
            `no strategy ${body.strategy.name} ${body.strategy.version ?? "(active)"}`,
            [{ path: "strategy", message: "unknown strategy or version, or none active" }],
          );
        }
        strategy = { name: stored.name, version: stored.version, config: stored.config };
      }
      const { strategy: _requested, ...rest } = body;
      const { sessionId } = await ctx.launcher.launch({
        ...rest,
        ...(strategy === undefined ? {} : { strategy }),
        requestedBy: actor(request),
      });
      const session = `/api/v1/sessions/${sessionId}`;
      return reply
        .code(202)
        .header("location", session)
        .send({ sessionId, session, events: `${session}/events` });
    },
  );
}
