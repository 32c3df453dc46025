import type { Command } from "commander";
import { type AppConfig, loadConfig } from "../config/app-config.ts";
import { createLogger, type Logger } from "../logging/create-logger.ts";

export interface CliContext {
  readonly config: AppConfig;
  readonly logger: Logger;
}

/**
 * Every entry point validates the configuration the same way: the global `--config` file, the environment, and
 * the command's own flag overrides. A bad config stops the command with the field named.
 */
export function cliContext(command: Command, overrides: Record<string, unknown> = {}): CliContext {
  const root = command.parent === null ? command : rootOf(command);
  const opts = root.opts<{ config?: string; logLevel?: string }>();
  const config = loadConfig({
    ...(opts.config === undefined ? {} : { file: opts.config }),
    overrides: { ...(opts.logLevel === undefined ? {} : { logLevel: opts.logLevel }), ...overrides },
  });
  return { config, logger: createLogger(config.logLevel) };
}

function rootOf(command: Command): Command {
  let c = command;
  while (c.parent !== null) c = c.parent;
  return c;
}
