import { NetworkError } from "ccxt";
import {
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  type IRetryContext,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";

export interface VenuePolicyOptions {
  /** Per attempt (default 10 s). */
  readonly timeoutMs?: number;
  /** Attempts in all, first included (default 4). */
  readonly attempts?: number;
  /** First backoff delay (default 250 ms; doubles, with jitter). */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

/**
 * Did the request possibly not reach the exchange, or its answer not come back? ccxt's NetworkError family (timeouts,
 * resets, 5xx, rate limits) and the policy's own timeout. Anything else is the exchange's answer: never retried.
 */
export function isNetworkFailure(error: unknown): boolean {
  return error instanceof NetworkError || error instanceof TaskCancelledError;
}

/**
 * The policy every exchange call goes through: a per-attempt timeout inside a retry with exponential backoff, for
 * network failures only. The caller's function gets the attempt number, so a retried order can be looked up by its
 * client order id before it is sent again.
 */
export function createVenuePolicy(options: VenuePolicyOptions = {}): IPolicy<IRetryContext> {
  const retryPolicy = retry(
    handleWhen((e) => isNetworkFailure(e)),
    {
      maxAttempts: Math.max(0, (options.attempts ?? 4) - 1),
      backoff: new ExponentialBackoff({
        initialDelay: options.initialDelayMs ?? 250,
        maxDelay: options.maxDelayMs ?? 5_000,
      }),
    },
  );
  if (options.onRetry !== undefined) {
    const onRetry = options.onRetry;
    retryPolicy.onRetry((e) => onRetry("error" in e ? e.error : e.value, e.attempt));
  }
  return wrap(retryPolicy, timeout(options.timeoutMs ?? 10_000, TimeoutStrategy.Aggressive));
}
