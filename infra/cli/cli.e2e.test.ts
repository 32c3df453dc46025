import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const home = mkdtempSync(join(tmpdir(), "cf-cli-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Runs the real `cryptofunk` command (bin/cryptofunk.js) with its own home and the embedded log. */
const cryptofunk = (...args: string[]) => cryptofunkWith({}, ...args);

/** The same, with extra environment variables. */
async function cryptofunkWith(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["bin/cryptofunk.js", ...args], {
      env: { ...process.env, CRYPTOFUNK_HOME: home, LOG_LEVEL: "warn", NATS_URL: "", ...env },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 90_000,
    });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    console.error(`cryptofunk ${args.join(" ")} → ${err.code}: ${err.stderr.slice(-2000)}`);
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

describe("the cryptofunk command", () => {
  it("lists its commands", async () => {
    const { stdout, code } = await cryptofunk("--help");
    expect(code).toBe(0);
    for (const c of [
      "demo",
      "log",
      "run",
      "worker",
      "check-bias",
      "migrate",
      "projector",
      "projections",
      "gateway",
      "keys",
    ]) {
      expect(stdout).toMatch(new RegExp(`^  ${c}\\b`, "m"));
    }
  });

  it("demo: the same seed gives the same hash, and log tail/hash read the recorded session back", async () => {
    const a = await cryptofunk("demo", "--bars", "200", "--seed", "11", "--no-serve", "--json", "--embedded");
    expect(a.code, a.stderr).toBe(0);
    const first = JSON.parse(a.stdout);
    for (const k of [
      "sessionId",
      "hash",
      "bars",
      "signals",
      "decisions",
      "orders",
      "fills",
      "trades",
      "pnl",
      "maxDrawdown",
      "fees",
    ]) {
      expect(first).toHaveProperty(k);
    }
    expect(first.bars).toBe(200);
    expect(first.signals).toBe(200 * 7);
    expect(first.log).toBe("embedded");
    const b = await cryptofunk("demo", "--bars", "200", "--seed", "11", "--no-serve", "--json", "--embedded");
    const second = JSON.parse(b.stdout);
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(second.hash).toBe(first.hash);
    // Under another root (CRYPTOFUNK_ROOT): recorded there, and read back from there.
    const other = { CRYPTOFUNK_ROOT: "demoroot" };
    const c = await cryptofunkWith(
      other,
      "demo",
      "--bars",
      "200",
      "--seed",
      "12",
      "--no-serve",
      "--json",
      "--embedded",
    );
    expect(c.code, c.stderr).toBe(0);
    const third = JSON.parse(c.stdout);
    expect(third.hash).not.toBe(first.hash);
    const otherHash = await cryptofunkWith(other, "log", "hash", "--session", third.sessionId, "--embedded");
    expect(otherHash.stdout.trim()).toBe(third.hash);

    const hash = await cryptofunk("log", "hash", "--session", first.sessionId, "--embedded");
    expect(hash.stdout.trim()).toBe(first.hash);
    const tail = await cryptofunk("log", "tail", "--session", first.sessionId, "--embedded", "--json");
    const lines = tail.stdout.trim().split("\n");
    expect(lines).toHaveLength(first.events);
    expect(JSON.parse(lines[0] ?? "{}").type).toBe("SessionCreated");
    const readable = await cryptofunk("log", "tail", "--session", first.sessionId, "--embedded");
    expect(readable.stdout).toMatch(/DecisionMade/);
  }, 300_000);

  it("a bad flag or config stops with the field named", async () => {
    const bars = await cryptofunk("demo", "--bars", "zero", "--no-serve");
    expect(bars.code).not.toBe(0);
    expect(bars.stderr).toContain("--bars");
    const { stderr, code } = await run(process.execPath, ["bin/cryptofunk.js", "demo", "--no-serve"], {
      env: { ...process.env, CRYPTOFUNK_HOME: home, PORT: "99999" },
    }).then(
      () => ({ stderr: "", code: 0 }),
      (e) => e as { stderr: string; code: number },
    );
    expect(code).toBe(2);
    expect(stderr).toContain("gateway.port");
  }, 60_000);
});
