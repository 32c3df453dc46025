import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyInstance } from "fastify";
import { errorBody } from "./http-status.ts";

/**
 * fastify's `clientErrorHandler`: requests node's HTTP parser refuses before any route runs (malformed request line or
 * headers, headers over the size limit, a request too slow to arrive) answered in the one error shape, where fastify's
 * default answers `{"error":"Bad Request","statusCode":400}`. Only the parser's error code is logged: its `rawPacket`
 * holds the request's bytes, API keys included.
 */
export function clientErrorHandler(
  this: FastifyInstance,
  error: Error & { code?: string },
  socket: Socket,
): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, message] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [431, "the request's headers are too large"]
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "the request did not arrive in time"]
        : [400, "malformed HTTP request"];
  this.log.debug({ code: error.code, status }, "client error");
  if (socket.writable) {
    const body = JSON.stringify(errorBody("VALIDATION", message));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
