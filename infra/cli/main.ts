import { Command, CommanderError } from "commander";
import { hasErrorCode } from "../../events/index.ts";
import { registerBacktestCommand } from "./commands/backtest-command.ts";
import { registerCheckBiasCommand } from "./commands/check-bias-command.ts";
import { registerDemoCommand } from "./commands/demo-command.ts";
import { registerGatewayCommand } from "./commands/gateway-command.ts";
import { registerKeysCommand } from "./commands/keys-command.ts";
import { registerLogCommand } from "./commands/log-command.ts";
import { registerMigrateCommand } from "./commands/migrate-command.ts";
import { registerOptimizeCommand } from "./commands/optimize-command.ts";
import { registerProjectionsCommand } from "./commands/projections-command.ts";
import { registerProjectorCommand } from "./commands/projector-command.ts";
import { registerReplayCommand } from "./commands/replay-command.ts";
import { registerRunCommand } from "./commands/run-command.ts";
import { registerWorkerCommand } from "./commands/worker-command.ts";

/** The `cryptofunk` program: the composition root of every role (demo, worker, projector, gateway …). */
export function buildProgram(): Command {
  const program = new Command("cryptofunk")
    .description("CryptoFunk: event-sourced multi-agent crypto trading")
    .option("--config <file>", "YAML configuration file (the environment overrides it)")
    .option("--log-level <level>", "fatal|error|warn|info|debug|trace|silent")
    .showHelpAfterError();
  registerDemoCommand(program);
  registerLogCommand(program);
  registerRunCommand(program);
  registerWorkerCommand(program);
  registerCheckBiasCommand(program);
  registerMigrateCommand(program);
  registerProjectorCommand(program);
  registerProjectionsCommand(program);
  registerGatewayCommand(program);
  registerKeysCommand(program);
  registerReplayCommand(program);
  registerBacktestCommand(program);
  registerOptimizeCommand(program);
  return program;
}

/** Runs the CLI; errors with a stable code print as one line, others with their stack. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  const program = buildProgram().exitOverride();
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
