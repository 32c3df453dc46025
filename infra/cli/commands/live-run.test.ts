import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../../../events/index.ts";
import { loadConfig } from "../../config/app-config.ts";
import { type FakeBinanceExchange, startFakeBinanceExchange } from "../../testing/fake-binance-exchange.ts";
import { liveTradingAccess } from "./live-run.ts";
import { registerRunCommand } from "./run-command.ts";

let dir = "";
let fake: FakeBinanceExchange | undefined;
const secretNames = [
  "LIVE_TRADING",
  "EXCHANGE_ID",
  "EXCHANGE_API_KEY",
  "EXCHANGE_SECRET",
  "EXCHANGE_PASSWORD",
  "EXCHANGE_API_KEY_FILE",
  "EXCHANGE_SECRET_FILE",
  "EXCHANGE_PASSWORD_FILE",
  "CRYPTOFUNK_ENV",
];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cf-live-"));
  for (const name of secretNames) vi.stubEnv(name, "");
  vi.stubEnv("CRYPTOFUNK_HOME", dir);
  vi.stubEnv("LOG_LEVEL", "silent");
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await fake?.close();
  fake = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<{ out: string; error: unknown }> {
  return runMode("live", ...args);
}

async function runMode(mode: string, ...args: string[]): Promise<{ out: string; error: unknown }> {
  const program = new Command("cryptofunk").exitOverride();
  registerRunCommand(program);
  let out = "";
  const write = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    out += String(s);
    return true;
  });
  let error: unknown = null;
  try {
    await program.parseAsync(["node", "cryptofunk", "run", "--mode", mode, ...args]);
  } catch (e) {
    error = e;
  } finally {
    write.mockRestore();
  }
  return { out, error };
}

function credentialFiles() {
  writeFileSync(join(dir, "key"), "test-api-key\n");
  writeFileSync(join(dir, "secret"), "test-api-secret\n");
  vi.stubEnv("EXCHANGE_API_KEY_FILE", join(dir, "key"));
  vi.stubEnv("EXCHANGE_SECRET_FILE", join(dir, "secret"));
}

/** Binance klines of the last `n` closed 1-minute bars (the newest opens one minute before the current one). */
function closedKlines(n: number): (string | number)[][] {
  const minute = 60_000;
  const last = Math.floor(Date.now() / minute) * minute - minute;
  return Array.from({ length: n }, (_, i) => {
    const t = last - (n - 1 - i) * minute;
    return [t, "100.0", "101.0", "99.5", "100.5", "12.5", t + minute - 1, "1256.25", 42, "6.0", "603.0", "0"];
  });
}

const issuePaths = (e: unknown) => (e as ConfigError).issues.map((i) => i.path);

describe("cryptofunk run --mode live: refused without the switch and credentials", () => {
  it("LIVE_TRADING off: a ConfigError naming gateway.liveTrading, and no exchange is called", async () => {
    fake = await startFakeBinanceExchange({ apiKey: "test-api-key", secret: "test-api-secret" });
    credentialFiles();
    const r = await run("--exchange", "binance", "--exchange-url", fake.baseUrl, "--embedded");
    expect(r.error).toBeInstanceOf(ConfigError);
    expect(issuePaths(r.error)).toEqual(["gateway.liveTrading"]);
    expect((r.error as Error).message).toContain("LIVE_TRADING=true");
    expect(fake.requests).toEqual([]);
  });

  it("no credentials: names exchange.apiKey and exchange.secret (and where to put them)", async () => {
    vi.stubEnv("LIVE_TRADING", "true");
    const r = await run("--exchange", "binance", "--embedded");
    expect(r.error).toBeInstanceOf(ConfigError);
    expect(issuePaths(r.error)).toEqual(["exchange.apiKey", "exchange.secret"]);
    expect((r.error as Error).message).toContain("EXCHANGE_API_KEY_FILE");
    expect((r.error as Error).message).toContain("EXCHANGE_SECRET_FILE");
  });

  it("no exchange named: names exchange.id; everything missing at once is listed at once", async () => {
    vi.stubEnv("LIVE_TRADING", "true");
    credentialFiles();
    const r = await run("--embedded");
    expect(issuePaths(r.error)).toEqual(["exchange.id"]);
    vi.stubEnv("LIVE_TRADING", "false");
    vi.stubEnv("EXCHANGE_API_KEY_FILE", "");
    vi.stubEnv("EXCHANGE_SECRET_FILE", "");
    const all = await run();
    expect(issuePaths(all.error)).toEqual([
      "gateway.liveTrading",
      "exchange.id",
      "exchange.apiKey",
      "exchange.secret",
    ]);
  });

  it("the switch, an exchange and credentials from files: access granted, secrets read from the files", () => {
    vi.stubEnv("LIVE_TRADING", "true");
    credentialFiles();
    const access = liveTradingAccess(loadConfig(), "binance");
    expect(access).toEqual({
      exchangeId: "binance",
      apiKey: "test-api-key",
      secret: "test-api-secret",
      sandbox: true,
    });
  });
});

describe("cryptofunk run --mode live against a local Binance-format exchange", () => {
  it("runs a session on the exchange's market with the venue gateway and prints its summary", async () => {
    const klines = closedKlines(4);
    fake = await startFakeBinanceExchange({ apiKey: "test-api-key", secret: "test-api-secret", klines });
    vi.stubEnv("LIVE_TRADING", "true");
    credentialFiles();
    const r = await run(
      "--exchange",
      "binance",
      "--exchange-url",
      fake.baseUrl,
      "--symbol",
      "BTC/USDT",
      "--polls",
      "2",
      "--poll-interval",
      "50",
      "--embedded",
      "--json",
    );
    expect(r.error).toBeNull();
    const summary = JSON.parse(r.out) as {
      sessionId: string;
      bars: number;
      exchange: string;
      gateway: string;
    };
    expect(summary.sessionId).toMatch(/^live-/);
    expect(summary.exchange).toBe("binance");
    expect(summary.bars).toBe(1); // the last closed bar (no backfill into history)
    expect(summary.gateway).toMatch(/session-ended|stopped/);
    expect(
      fake.requests.some((q) => q.startsWith("GET /api/v3/klines?") && q.includes("symbol=BTCUSDT")),
    ).toBe(true);
    expect(fake.orderPosts()).toBe(0); // agents still warming up: no decision to trade
  }, 60_000);
});

describe("cryptofunk run --mode paper --exchange: paper fills on the exchange's live market", () => {
  it("polls the exchange's bars (no credentials needed) and never sends an order there", async () => {
    const klines = closedKlines(2);
    fake = await startFakeBinanceExchange({ apiKey: "unused", secret: "unused", klines });
    const r = await runMode(
      "paper",
      "--exchange",
      "binance",
      "--exchange-url",
      fake.baseUrl,
      "--polls",
      "2",
      "--poll-interval",
      "50",
      "--embedded",
      "--json",
    );
    expect(r.error).toBeNull();
    const summary = JSON.parse(r.out) as { sessionId: string; bars: number; status: string };
    expect(summary.sessionId).toMatch(/^run-/);
    expect(summary.bars).toBe(1);
    expect(summary.status).toBe("stopped");
    expect(fake.requests.some((q) => q.startsWith("GET /api/v3/klines?"))).toBe(true);
    expect(fake.orderPosts()).toBe(0);
  }, 60_000);
});
