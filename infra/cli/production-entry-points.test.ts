import type { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../events/index.ts";
import { environmentNames } from "../config/app-config.ts";
import { buildProgram } from "./main.ts";

// DESIGN §11: the production configuration is validated by every entry point, not one. Each command the program
// registers (found by walking it, so a command added later is covered too) must refuse an incomplete production
// configuration before it does anything else.

interface Leaf {
  readonly argv: string[];
  readonly name: string;
}

/** Required options a command checks before its configuration: a valid value, so the config is what is tested. */
const validValues: Readonly<Record<string, string>> = { "--role": "viewer" };

/** Every runnable command, with dummy values for its required arguments and options. */
function leaves(command: Command, path: string[] = []): Leaf[] {
  const subcommands = command.commands.filter((c) => c.name() !== "help");
  if (subcommands.length > 0) return subcommands.flatMap((c) => leaves(c, [...path, c.name()]));
  const argv = [...path];
  for (const argument of command.registeredArguments) if (argument.required) argv.push("x");
  for (const option of command.options)
    if (option.mandatory && option.long) argv.push(option.long, validValues[option.long] ?? "x");
  return [{ argv, name: path.join(" ") }];
}

const program = await buildProgram();
const all = leaves(program);
const saved = { ...process.env };

beforeEach(() => {
  // Production, with nothing else: no NATS, no database, no credentials.
  for (const name of Object.keys(environmentNames)) {
    delete process.env[name];
    delete process.env[`${name}_FILE`];
  }
  process.env.CRYPTOFUNK_ENV = "production";
});

afterEach(() => {
  process.env = { ...saved };
});

describe("every entry point validates the production configuration", () => {
  it("finds the commands (the walk itself works)", () => {
    const names = all.map((l) => l.name);
    for (const role of [
      "gateway",
      "worker",
      "projector",
      "migrate up",
      "projections rebuild",
      "run",
      "demo",
    ]) {
      expect(names).toContain(role);
    }
  });

  it.each(all.map((l) => [l.name, l.argv] as const))("%s refuses it", async (_name, argv) => {
    const outcome = (await buildProgram())
      .exitOverride()
      .configureOutput({ writeErr: () => {}, writeOut: () => {} })
      .parseAsync(["node", "cryptofunk", ...argv]);
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("the command ran instead of refusing the configuration")), 5000),
    );
    const error = await Promise.race([outcome, timeout]).then(
      () => new Error("the command finished instead of refusing the configuration"),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/production configuration refused: nats\.url/);
  });
});
