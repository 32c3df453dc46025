import { Command, CommanderError } from "commander";
import { hasErrorCode } from "../../events/index.ts";
import type { RegisterCommand } from "./commands/register-command.ts";

/**
 * Every command's module, loaded on demand: a process imports only the command it runs (a worker need not load
 * ccxt, the gateway or the optimiser), which cuts its start from seconds to about one.
 */
const commandModules: Readonly<Record<string, () => Promise<RegisterCommand>>> = {
  demo: async () => (await import("./commands/demo-command.ts")).registerDemoCommand,
  log: async () => (await import("./commands/log-command.ts")).registerLogCommand,
  run: async () => (await import("./commands/run-command.ts")).registerRunCommand,
  worker: async () => (await import("./commands/worker-command.ts")).registerWorkerCommand,
  "check-bias": async () => (await import("./commands/check-bias-command.ts")).registerCheckBiasCommand,
  migrate: async () => (await import("./commands/migrate-command.ts")).registerMigrateCommand,
  projector: async () => (await import("./commands/projector-command.ts")).registerProjectorCommand,
  projections: async () => (await import("./commands/projections-command.ts")).registerProjectionsCommand,
  gateway: async () => (await import("./commands/gateway-command.ts")).registerGatewayCommand,
  keys: async () => (await import("./commands/keys-command.ts")).registerKeysCommand,
  replay: async () => (await import("./commands/replay-command.ts")).registerReplayCommand,
  backtest: async () => (await import("./commands/backtest-command.ts")).registerBacktestCommand,
  optimize: async () => (await import("./commands/optimize-command.ts")).registerOptimizeCommand,
};

/** The command word of an argv (the first operand after the global options), if any. */
export function commandWord(argv: readonly string[]): string | undefined {
  const withValue = new Set(["--config", "--log-level"]);
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (withValue.has(a)) i++;
    else if (!a.startsWith("-")) return a;
  }
  return undefined;
}

/**
 * The `cryptofunk` program: the composition root of every role (demo, worker, projector, gateway …). With `only`
 * naming a known command, just that one is loaded; otherwise all (help, unknown commands, tests).
 */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command("cryptofunk")
    .description("CryptoFunk: event-sourced multi-agent crypto trading")
    .option("--config <file>", "YAML configuration file (the environment overrides it)")
    .option("--log-level <level>", "fatal|error|warn|info|debug|trace|silent")
    .showHelpAfterError();
  const names =
    only !== undefined && Object.hasOwn(commandModules, only) ? [only] : Object.keys(commandModules);
  const registers = await Promise.all(names.map((n) => commandModules[n]!()));
  for (const register of registers) register(program);
  return program;
}

/** Runs the CLI; errors with a stable code print as one line, others with their stack. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = (await buildProgram(commandWord(argv))).exitOverride();
  try {
    await program.parseAsync([...argv]);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    if (hasErrorCode(e)) {
      process.stderr.write(`cryptofunk: ${e.code}: ${e.message}\n`);
      process.exitCode = e.code === "CONFIG" || e.code === "VALIDATION" ? 2 : 1;
      return;
    }
    process.stderr.write(`cryptofunk: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  }
}
