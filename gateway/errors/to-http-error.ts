import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { type ErrorCode, hasErrorCode } from "../../events/index.ts";
import { type ErrorResponse, errorBody, httpStatusForCode } from "./http-status.ts";

export interface HttpError {
  readonly status: number;
  readonly body: ErrorResponse;
  /** True when the client did nothing wrong: log it with its stack (the client never sees the stack). */
  readonly serverFault: boolean;
}

// Fastify's own 4xx errors (bad JSON, body too large, wrong media type …) folded into the project's codes.
const codeForClientStatus: Readonly<Record<number, ErrorCode>> = {
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  413: "PAYLOAD_TOO_LARGE",
  429: "RATE_LIMITED",
};

/**
 * Turns anything thrown inside a request into the one error shape. Project errors keep their code and details;
 * request validation becomes VALIDATION with the failing fields; anything unexpected is INTERNAL with a fixed
 * message (no stack, no internals).
 */
export function toHttpError(error: unknown): HttpError {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({
      path: [error.validationContext ?? "request", ...v.instancePath.split("/").filter(Boolean)].join("."),
      message: v.message ?? "invalid",
    }));
    return client("VALIDATION", `invalid ${error.validationContext ?? "request"}`, { issues });
  }
  if (hasErrorCode(error)) {
    const code = error.code;
    const status = httpStatusForCode[code];
    if (status >= 500) {
      // Unavailable dependencies are named (operators need it); other server faults stay opaque.
      const message = code === "UNAVAILABLE" ? (error as Error).message : "internal error";
      return { status, body: errorBody(code, message), serverFault: true };
    }
    const details = (error as { details?: Record<string, unknown> }).details;
    return client(code, (error as Error).message, details);
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    const code = codeForClientStatus[status] ?? "VALIDATION";
    return { status, body: errorBody(code, clientMessage(error)), serverFault: false };
  }
  return { status: 500, body: errorBody("INTERNAL", "internal error"), serverFault: true };
}

function client(code: ErrorCode, message: string, details?: Readonly<Record<string, unknown>>): HttpError {
  return { status: httpStatusForCode[code], body: errorBody(code, message, details), serverFault: false };
}

// Fastify's client-error messages are fixed strings about the request (safe to show); strip its error-code prefix.
function clientMessage(error: unknown): string {
  const message = (error as { message?: unknown }).message;
  return typeof message === "string" && message.length > 0 ? message.slice(0, 300) : "bad request";
}
