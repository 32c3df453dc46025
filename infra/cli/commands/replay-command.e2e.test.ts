import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { syntheticCandles } from "../../../actors/index.ts";

const run = promisify(execFile);
const home = mkdtempSync(join(tmpdir(), "cf-replay-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** The real `cryptofunk` command with its own home and the embedded log. */
async function cryptofunk(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["bin/cryptofunk.js", ...args], {
      env: { ...process.env, CRYPTOFUNK_HOME: home, LOG_LEVEL: "warn", NATS_URL: "" },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

describe("cryptofunk replay and backtest over the embedded log", () => {
  let demoId = "";

  it("replay --verify: a demo session reproduces (exit 0, the hash printed)", async () => {
    const demo = await cryptofunk(
      "demo",
      "--bars",
      "120",
      "--seed",
      "3",
      "--no-serve",
      "--json",
      "--embedded",
    );
    expect(demo.code, demo.stderr).toBe(0);
    demoId = JSON.parse(demo.stdout).sessionId;
    const v = await cryptofunk("replay", demoId, "--verify", "--embedded");
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/result +MATCH/);
    expect(v.stdout).toMatch(/outputs hash +[0-9a-f]{64}/);
    expect(v.stdout).toContain(`session hash  ${JSON.parse(demo.stdout).hash}`);
  }, 180_000);

  it("backtest --record --report --json, then replay --verify of the recorded backtest", async () => {
    const csv = join(home, "candles.csv");
    const rows = [...syntheticCandles({ seed: 4, bars: 3000 })].map(
      (c) => `${c.openTime},${c.open},${c.high},${c.low},${c.close},${c.volume}`,
    );
    writeFileSync(csv, `open_time,open,high,low,close,volume\n${rows.join("\n")}\n`);
    const strategy = join(home, "candles-only.yaml");
    writeFileSync(
      strategy,
      "name: candles-only\nenabledAgents: [technical, trend, reversion, risk]\norchestrator:\n  minConsensus: 0.5\n  minConfidence: 0.2\n  minAgreeing: 1\n",
    );
    const out = join(home, "bt", "result.json");
    const report = join(home, "bt", "report.html");
    const bt = await cryptofunk(
      "backtest",
      "--data",
      csv,
      "--timeframe",
      "15m",
      "--strategy",
      strategy,
      "--json",
      out,
      "--report",
      report,
      "--record",
      "--embedded",
    );
    expect(bt.code, bt.stderr).toBe(0);
    expect(bt.stdout).toMatch(/fingerprint +sha256:[0-9a-f]{64}/);
    const result = JSON.parse(readFileSync(out, "utf8"));
    expect(result.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.openPositionsAtEnd).toBe(0);
    expect(Object.keys(result.metrics)).toEqual(["canonical", "freqtrade", "nautilus"]);
    expect(existsSync(report)).toBe(true);
    expect(existsSync(join(home, "bt", "report.json"))).toBe(true);
    const v = await cryptofunk("replay", result.sessionId, "--verify", "--embedded", "--json");
    expect(v.code, v.stderr).toBe(0);
    expect(JSON.parse(v.stdout).verdict.match).toBe(true);
  }, 180_000);

  it("backtest on data too short for two bars: a clear error, exit 2", async () => {
    const csv = join(home, "short.csv");
    const rows = [...syntheticCandles({ seed: 1, bars: 10 })].map(
      (c) => `${c.openTime},${c.open},${c.high},${c.low},${c.close},${c.volume}`,
    );
    writeFileSync(csv, `open_time,open,high,low,close,volume\n${rows.join("\n")}\n`);
    const bt = await cryptofunk("backtest", "--data", csv, "--timeframe", "1h");
    expect(bt.code).toBe(2);
    expect(bt.stderr).toMatch(/VALIDATION: the data holds 10 candles: fewer than two 1h bars/);
  }, 60_000);

  it("replay --verify of a tampered recording: exit 1 naming the first divergent event and field", async () => {
    const file = join(home, "events.jsonl");
    const lines = readFileSync(file, "utf8").split("\n");
    const i = lines.findIndex(
      (l) =>
        l.includes(`"sessionId":"${demoId}"`) &&
        l.includes('"writer":"agent.trend"') &&
        l.includes('"SignalEmitted"'),
    );
    expect(i).toBeGreaterThan(0);
    lines[i] = (lines[i] as string).replace(/"reasoning":"[^"]*"/, '"reasoning":"edited after the fact"');
    writeFileSync(file, lines.join("\n"));
    const v = await cryptofunk("replay", demoId, "--verify", "--embedded");
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/result +DIVERGED/);
    expect(v.stdout).toMatch(/first +agent\.trend#0 \(differs\)/);
    expect(v.stdout).toMatch(/data\.reasoning: "edited after the fact" → "/);
  }, 120_000);

  it("replay of an unknown session: not found", async () => {
    const v = await cryptofunk("replay", "nope", "--verify", "--embedded");
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/NOT_FOUND: session nope is not in the event log/);
  }, 60_000);
});
