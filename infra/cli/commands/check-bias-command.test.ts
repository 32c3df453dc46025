import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerCheckBiasCommand } from "./check-bias-command.ts";

const data = new URL("../../../../shared/data/btcusdt-1m-2021-02-19.csv", import.meta.url).pathname;

async function run(...args: string[]): Promise<{ code: number | undefined; out: string }> {
  const program = new Command("cryptofunk").exitOverride();
  registerCheckBiasCommand(program);
  let out = "";
  const write = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    out += String(s);
    return true;
  });
  process.exitCode = undefined;
  try {
    await program.parseAsync(["node", "cryptofunk", "check-bias", ...args]);
  } finally {
    write.mockRestore();
  }
  const code = process.exitCode;
  process.exitCode = undefined;
  return { code: code === undefined ? undefined : Number(code), out };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe("cryptofunk check-bias", () => {
  it("passes the trend agent over the real week (exit 0)", async () => {
    const r = await run("--agent", "trend", "--data", data, "--cuts", "3");
    expect(r.code).toBeUndefined();
    expect(r.out).toMatch(/no finding/);
  }, 120_000);

  it("exits 1 and names the finding when the data is too short for the warm-up offsets", async () => {
    const r = await run("--agent", "trend", "--data", data, "--timeframe", "1h", "--cuts", "3", "--json");
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as { bars: number; findings: { check: string }[] };
    expect(report.bars).toBe(168);
    expect(report.findings.map((f) => f.check)).toContain("warm-up");
  }, 120_000);
});
