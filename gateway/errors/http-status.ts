import { z } from "zod";
import type { ErrorCode } from "../../events/index.ts";

/**
 * The one table from the project's stable error codes to HTTP statuses. `satisfies Record<ErrorCode, …>` makes a
 * new code a compile error until it is mapped here.
 */
export const httpStatusForCode = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONCURRENCY: 409,
  FENCED: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  // A well-formed request this deployment cannot serve (live trading off, no strategy validator): the client's
  // problem to change, not a server fault.
  UNSUPPORTED: 422,
  RATE_LIMITED: 429,
  CONFIG: 500,
  CORRUPT: 500,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const satisfies Record<ErrorCode, number>;

/** The one error shape every failing response has. */
export const errorResponse = z
  .object({
    error: z.object({
      code: z.string().describe("stable error code (VALIDATION, NOT_FOUND, UNAUTHENTICATED, …)"),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .describe("error");
export type ErrorResponse = z.infer<typeof errorResponse>;

/** Builds the error body. */
export function errorBody(
  code: ErrorCode,
  message: string,
  details?: Readonly<Record<string, unknown>>,
): ErrorResponse {
  return {
    error: {
      code,
      message,
      ...(details === undefined || Object.keys(details).length === 0 ? {} : { details }),
    },
  };
}
