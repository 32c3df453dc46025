import { hasErrorCode } from "../../events/index.ts";

export interface RetryUnavailableOptions {
  /** Stop retrying (and rethrow the last failure) once this holds: the host or session is stopping. */
  readonly stopped?: () => boolean;
  /** Stop retrying after this long (wall clock; default: never). */
  readonly giveUpAfterMs?: number;
  /** First pause between attempts (default 100 ms); it doubles up to `maxDelayMs` (default 2 s). */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

/**
 * Runs `attempt` (given its number, from 1) again while it fails with UNAVAILABLE — the log or the store is
 * unreachable for now, e.g. NATS restarting — so an outage is a pause, not a failed session. The log makes such a
 * retry safe: an append carries the same ids and expectation, and one already stored comes back as duplicates.
 * Any other error, `stopped()`, or the give-up time rethrows the failure.
 */
export async function retryUnavailable<T>(
  attempt: (n: number) => Promise<T>,
  options: RetryUnavailableOptions = {},
): Promise<T> {
  const started = Date.now();
  let delay = options.initialDelayMs ?? 100;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const giveUp =
        !hasErrorCode(error, "UNAVAILABLE") ||
        options.stopped?.() === true ||
        Date.now() - started + delay > (options.giveUpAfterMs ?? Number.POSITIVE_INFINITY);
      if (giveUp) throw error;
      options.onRetry?.(error, n);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, options.maxDelayMs ?? 2000);
    }
  }
}
