import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  retry,
  wrap,
} from "cockatiel";
import { hasErrorCode } from "../../events/index.ts";
import { UnprojectableEventError } from "./unprojectable-event-error.ts";

export interface ProjectionPolicyOptions {
  /** Attempts per batch before giving up (default: unlimited — the projector waits out an outage). */
  readonly maxAttempts?: number;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Consecutive failures that open the breaker (default 5). */
  readonly breakerThreshold?: number;
  /** How long the open breaker fails fast before letting one call through (default 5 s). */
  readonly halfOpenAfterMs?: number;
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

const transientCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** SQLSTATE of a database error (pg and PGlite both set `code`). */
function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** An event's own fault: bad data or a broken constraint (SQLSTATE classes 22 and 23). Dead-letter, go on. */
export function isDataError(error: unknown): boolean {
  if (error instanceof UnprojectableEventError) return true;
  const state = sqlState(error);
  return state !== undefined && (state.startsWith("22") || state.startsWith("23"));
}

/** The database (or the log) is unreachable or overloaded for now: retry the batch. */
export function isTransientError(error: unknown): boolean {
  if (error instanceof BrokenCircuitError) return true;
  if (hasErrorCode(error, "UNAVAILABLE")) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && transientCodes.has(code)) return true;
  const state = sqlState(error);
  if (state !== undefined) {
    return (
      state.startsWith("08") ||
      state.startsWith("53") ||
      state.startsWith("57P") ||
      ["40001", "40P01"].includes(state)
    );
  }
  const message = error instanceof Error ? error.message : "";
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    message,
  );
}

/**
 * Retry with exponential backoff around a circuit breaker: during a Postgres outage the breaker opens (calls fail
 * fast instead of piling up), the retry keeps waiting, and the batch — still held in memory — is applied once the
 * database is back. Non-transient errors are not retried.
 */
export function createProjectionPolicy(options: ProjectionPolicyOptions = {}): IPolicy {
  const breaker = circuitBreaker(handleWhen(isTransientError), {
    halfOpenAfter: options.halfOpenAfterMs ?? 5_000,
    breaker: new ConsecutiveBreaker(options.breakerThreshold ?? 5),
  });
  const retrying = retry(handleWhen(isTransientError), {
    maxAttempts: options.maxAttempts ?? Number.POSITIVE_INFINITY,
    backoff: new ExponentialBackoff({
      initialDelay: options.initialDelayMs ?? 100,
      maxDelay: options.maxDelayMs ?? 10_000,
    }),
  });
  if (options.onRetry) {
    const onRetry = options.onRetry;
    retrying.onRetry((r) => onRetry("error" in r ? r.error : r.value, r.attempt));
  }
  return wrap(retrying, breaker);
}
