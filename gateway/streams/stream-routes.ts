import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { isEventType, token, ValidationError } from "../../events/index.ts";
import { errorResponse } from "../errors/http-status.ts";
import type { GatewayApp } from "../http/gateway-app.ts";
import type { GatewayContext } from "../http/gateway-context.ts";
import { assertSessionExists } from "../routes/session-guard.ts";
import { pumpSessionEvents, type StreamPump, type StreamTarget } from "./event-pump.ts";

const params = z.object({ sessionId: token });
const query = z.object({
  types: z
    .string()
    .regex(/^[A-Za-z]{1,64}(,[A-Za-z]{1,64}){0,63}$/, "comma-separated event types")
    .optional()
    .describe("only these event types, e.g. DecisionMade,OrderFilled"),
  from: z.coerce
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .describe("first stream sequence"),
});
const headers = z.object({
  "last-event-id": z
    .string()
    .regex(/^\d{1,15}$/, "a stream sequence")
    .optional()
    .describe("resume after this sequence (what EventSource sends on reconnect)"),
});

interface StreamRequest {
  params: z.infer<typeof params>;
  query: z.infer<typeof query>;
  headers: z.infer<typeof headers>;
}

/** Where the stream starts and which types it carries; Last-Event-ID (a reconnect) wins over `from`. */
function streamOptions(request: FastifyRequest): { fromSeq: number; types?: ReadonlySet<string> } {
  const r = request as unknown as StreamRequest;
  const last = r.headers["last-event-id"];
  const fromSeq = last !== undefined ? Number(last) + 1 : (r.query.from ?? 1);
  if (r.query.types === undefined) return { fromSeq };
  const list = r.query.types.split(",");
  const unknown = list.filter((t) => !isEventType(t));
  if (unknown.length > 0) {
    throw new ValidationError(`unknown event types: ${unknown.join(", ")}`, [
      { path: "querystring.types", message: "unknown event type" },
    ]);
  }
  return { fromSeq, types: new Set(list) };
}

const sse = (fields: Record<string, string | number>) =>
  `${Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n")}\n\n`;

/** GET /api/v1/sessions/:id/events (SSE) and /api/v1/sessions/:id/ws (WebSocket). */
export function registerStreamRoutes(app: GatewayApp, ctx: GatewayContext): void {
  // A hijacked SSE response is outside fastify's bookkeeping, and a heartbeat keeps it busy: close() would wait for
  // every client to leave. End them first (WebSockets are closed by @fastify/websocket's own preClose).
  const open = new Set<StreamPump>();
  app.addHook("preClose", async () => {
    for (const pump of open) pump.close("the gateway is shutting down; reconnect with Last-Event-ID");
  });
  const prepare = async (request: FastifyRequest) => {
    await assertSessionExists(ctx, (request.params as { sessionId: string }).sessionId);
    streamOptions(request);
  };

  app.get(
    "/api/v1/sessions/:sessionId/events",
    {
      schema: {
        summary:
          "A session's events as Server-Sent Events: catch-up from a sequence, then live, with heartbeats",
        description:
          "Each event is `id: <seq>`, `event: <type>`, `data: <envelope JSON>`. Heartbeats are `event: heartbeat`. " +
          "A client that leaves more than the configured bound unread is sent `event: error` " +
          '(`{"reason":"slow_consumer"}`) and disconnected.',
        tags: ["streams"],
        params,
        querystring: query,
        headers,
        response: { 200: z.string().describe("text/event-stream"), 404: errorResponse },
      },
      preHandler: prepare,
    },
    async (request, reply) => {
      const options = streamOptions(request);
      reply.hijack();
      const raw = reply.raw;
      const inherited = Object.entries(reply.getHeaders()).filter(
        (entry): entry is [string, string | number | string[]] => entry[1] !== undefined,
      );
      raw.writeHead(200, {
        ...Object.fromEntries(inherited),
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      raw.write(sse({ retry: 3000 }));
      const target: StreamTarget = {
        kind: "sse",
        write: (e) => raw.write(sse({ id: e.seq, event: e.type, data: JSON.stringify(e) })),
        heartbeat: (lastSeq, at) =>
          raw.write(sse({ event: "heartbeat", data: JSON.stringify({ lastSeq, at }) })),
        bufferedBytes: () => raw.writableLength,
        drop: (reason, message) => {
          raw.end(sse({ event: "error", data: JSON.stringify({ reason, message }) }));
          // A client that never reads would hold the socket open forever: cut it after a grace period.
          setTimeout(() => raw.destroy(), 5000).unref();
        },
        onClose: (callback) => raw.on("close", callback),
      };
      const pump = pumpSessionEvents(ctx, { sessionId: request.params.sessionId, ...options }, target);
      open.add(pump);
      raw.on("close", () => open.delete(pump));
    },
  );

  app.get(
    "/api/v1/sessions/:sessionId/ws",
    {
      websocket: true,
      schema: {
        summary: "A session's events over WebSocket: JSON messages {kind: event|heartbeat}",
        description:
          'Messages are `{"kind":"event","event":<envelope>}` and `{"kind":"heartbeat","lastSeq":n,"at":…}`. ' +
          "A slow client is closed with code 1008 and the reason.",
        tags: ["streams"],
        params,
        querystring: query,
        headers,
        response: { 404: errorResponse },
      },
      preHandler: prepare,
    },
    (socket, request) => {
      const options = streamOptions(request);
      const send = (message: unknown) => socket.send(JSON.stringify(message));
      const target: StreamTarget = {
        kind: "ws",
        write: (event) => send({ kind: "event", event }),
        heartbeat: (lastSeq, at) => send({ kind: "heartbeat", lastSeq, at }),
        bufferedBytes: () => socket.bufferedAmount,
        drop: (reason, message) => {
          socket.close(reason === "closed" ? 1001 : 1008, `${reason}: ${message}`.slice(0, 120));
          setTimeout(() => socket.terminate(), 5000).unref();
        },
        onClose: (callback) => socket.on("close", callback),
      };
      // Clients have nothing to say on this stream; anything they send is ignored.
      socket.on("message", () => {});
      pumpSessionEvents(
        ctx,
        { sessionId: (request.params as { sessionId: string }).sessionId, ...options },
        target,
      );
    },
  );
}
