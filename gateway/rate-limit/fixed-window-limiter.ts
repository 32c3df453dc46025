export interface LimitDecision {
  readonly allowed: boolean;
  /** Requests left in the current window. */
  readonly remaining: number;
  /** Whole seconds until the window resets (the Retry-After value). */
  readonly retryAfterSeconds: number;
  /** True for the first refusal of a window: audit that one, not the flood behind it. */
  readonly firstRefusal: boolean;
}

export interface FixedWindowLimiter {
  readonly limit: number;
  /** Counts one request for `key` at `nowMs`. */
  hit(key: string, nowMs: number): LimitDecision;
}

interface Window {
  start: number;
  count: number;
}

/**
 * A fixed-window counter per key. Memory is bounded: expired windows are swept when the table grows past
 * `maxKeys`, and if it is still full the oldest windows go (a forgotten key starts a fresh window, never a crash).
 */
export function createFixedWindowLimiter(options: {
  limit: number;
  windowMs: number;
  maxKeys?: number;
}): FixedWindowLimiter {
  const { limit, windowMs } = options;
  const maxKeys = options.maxKeys ?? 100_000;
  const windows = new Map<string, Window>();

  const sweep = (nowMs: number) => {
    for (const [k, w] of windows) if (nowMs - w.start >= windowMs) windows.delete(k);
    if (windows.size < maxKeys) return;
    const excess = windows.size - Math.floor(maxKeys / 2);
    let i = 0;
    for (const k of windows.keys()) {
      if (i++ >= excess) break;
      windows.delete(k);
    }
  };

  return {
    limit,
    hit(key, nowMs) {
      let w = windows.get(key);
      if (w === undefined || nowMs - w.start >= windowMs) {
        if (w === undefined && windows.size >= maxKeys) sweep(nowMs);
        w = { start: nowMs, count: 0 };
        windows.set(key, w);
      }
      w.count++;
      const retryAfterSeconds = Math.max(1, Math.ceil((w.start + windowMs - nowMs) / 1000));
      return {
        allowed: w.count <= limit,
        remaining: Math.max(0, limit - w.count),
        retryAfterSeconds,
        firstRefusal: w.count === limit + 1,
      };
    },
  };
}
