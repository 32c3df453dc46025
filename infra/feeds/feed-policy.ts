import {
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  retry,
  TimeoutStrategy,
  timeout,
  wrap,
} from "cockatiel";
import { UnavailableError } from "../../events/index.ts";

export interface FeedPolicyOptions {
  /** Per attempt (default 10 s). */
  readonly timeoutMs?: number;
  /** Attempts in all, first included (default 3). */
  readonly attempts?: number;
  /** First backoff delay (default 500 ms; doubles, with jitter). */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

/** An HTTP answer worth retrying (server trouble or a rate limit), as opposed to a refusal. */
export class HttpStatusError extends UnavailableError {
  readonly status: number;

  constructor(url: string, status: number) {
    super(`${redact(url)} answered HTTP ${status}`, { details: { status } });
    this.status = status;
  }
}

/** Hides credentials carried in query strings (auth_token, apiKey…) from messages and logs. */
export function redact(url: string): string {
  return url.replace(/([?&](?:auth_token|token|api_?key|key|secret)=)[^&]*/gi, "$1***");
}

/** Retries timeouts, network failures, 5xx and 429; gives up at once on other refusals (4xx, bad payloads). */
function retryable(error: Error): boolean {
  if (error instanceof HttpStatusError) return error.status >= 500 || error.status === 429;
  if (
    error.name === "ValidationError" ||
    error.name === "BadSymbol" ||
    error.name === "AuthenticationError"
  ) {
    return false;
  }
  return true;
}

/** Retry with exponential backoff around a per-attempt timeout: the policy every live feed call goes through. */
export function createFeedPolicy(options: FeedPolicyOptions = {}): IPolicy {
  const retryPolicy = retry(handleWhen(retryable), {
    maxAttempts: Math.max(0, (options.attempts ?? 3) - 1),
    backoff: new ExponentialBackoff({
      initialDelay: options.initialDelayMs ?? 500,
      maxDelay: options.maxDelayMs ?? 10_000,
    }),
  });
  if (options.onRetry !== undefined) {
    const onRetry = options.onRetry;
    retryPolicy.onRetry((e) => onRetry("error" in e ? e.error : e.value, e.attempt));
  }
  return wrap(retryPolicy, timeout(options.timeoutMs ?? 10_000, TimeoutStrategy.Aggressive));
}
