/**
 * Runs `work` while a 10 ms timer measures this thread's event loop: the longest time between two turns (a loop
 * held to the end by `work` counts whole, though the timer never fired). A measure for tests comparing a run on the
 * loop with the same run off it — as a ratio to a baseline of the same run, never as a fixed time.
 */
export async function longestStallDuring<T>(
  work: () => Promise<T>,
): Promise<{ result: T; longestMs: number }> {
  let longestMs = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longestMs = Math.max(longestMs, now - last);
    last = now;
  }, 10);
  try {
    const result = await work();
    return { result, longestMs: Math.max(longestMs, performance.now() - last) };
  } finally {
    clearInterval(ticker);
  }
}
