import { SingleBar } from "cli-progress";
import type { Logger } from "../logging/create-logger.ts";

export interface ProgressReporter {
  update(done: number, extra?: Record<string, number | string>): void;
  stop(): void;
}

/**
 * Progress of long work: a bar with rate and ETA on a terminal, a log line with counts every `logEvery` otherwise
 * (CI, pipes), so both people and logs can see it move.
 */
export function createProgressReporter(
  what: string,
  total: number,
  logger: Logger,
  options: { readonly tty?: boolean; readonly logEvery?: number } = {},
): ProgressReporter {
  const tty = options.tty ?? (process.stderr.isTTY === true && process.env.CI === undefined);
  if (tty) {
    const bar = new SingleBar({
      format: `${what} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
    });
    const started = Date.now();
    bar.start(total, 0, { rate: "0" });
    return {
      update(done) {
        const secs = Math.max(0.001, (Date.now() - started) / 1000);
        bar.update(done, { rate: Math.round(done / secs).toString() });
      },
      stop: () => bar.stop(),
    };
  }
  const every = options.logEvery ?? Math.max(1, Math.ceil(total / 10));
  let next = every;
  return {
    update(done, extra = {}) {
      if (done >= next || done === total) {
        logger.info({ what, done, total, ...extra }, `${what}: ${done}/${total}`);
        while (next <= done) next += every;
      }
    },
    stop() {},
  };
}
