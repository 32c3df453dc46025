import { execFile, spawn } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, stopPid, waitForPort } from "../../infra/testing/private-server.ts";
import { repoRoot } from "./chart-files.ts";

// What the image ships, run for real: `npm run build`'s compiler settings into a directory of its own, laid out like
// the runtime stage (dist/, bin/cryptofunk.js, package.json, node_modules; no TypeScript sources), then each role.

const run = promisify(execFile);
const app = mkdtempSync(join(tmpdir(), "cf-image-"));
const home = join(app, "home");
/** The environment of a development run: none of the developer's CryptoFunk variables leak in. */
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([k]) => !/^(CRYPTOFUNK_|NATS_|DATABASE_|EXCHANGE_|LOG_LEVEL|PORT|HOST)/.test(k),
  ),
) as NodeJS.ProcessEnv;
const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, [join(app, "bin", "cryptofunk.js"), ...args], {
    cwd: app,
    env: { ...env, CRYPTOFUNK_HOME: home, LOG_LEVEL: "warn", ...extra },
    timeout: 60_000,
  });

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(suffix))
    .map((e) => join(e.parentPath, e.name));
}

beforeAll(async () => {
  await run(
    process.execPath,
    [
      join(repoRoot, "node_modules", "typescript", "bin", "tsc"),
      "-p",
      "tsconfig.build.json",
      "--outDir",
      join(app, "dist"),
    ],
    { cwd: repoRoot, timeout: 240_000 },
  );
  mkdirSync(join(app, "bin"));
  copyFileSync(join(repoRoot, "bin", "cryptofunk.js"), join(app, "bin", "cryptofunk.js"));
  copyFileSync(join(repoRoot, "package.json"), join(app, "package.json"));
  symlinkSync(join(repoRoot, "node_modules"), join(app, "node_modules"), "dir");
}, 300_000);

afterAll(() => rmSync(app, { recursive: true, force: true }));

describe("the compiled application, laid out as in the image", () => {
  it("emits JavaScript for every source module and every migration, and no TypeScript", () => {
    const dist = join(app, "dist");
    for (const folder of ["events", "actors", "projections", "gateway", "infra"]) {
      const sources = files(join(repoRoot, folder), ".ts")
        .map((f) => relative(repoRoot, f))
        .filter((f) => !/\.test\.ts$|\.d\.ts$|\/testing\/|\/fixtures\//.test(f));
      const emitted = new Set(files(join(dist, folder), ".js").map((f) => relative(dist, f)));
      expect(sources.filter((s) => !emitted.has(s.replace(/\.ts$/, ".js")))).toEqual([]);
    }
    expect(files(join(dist, "projections", "migrations"), ".js").length).toBeGreaterThan(0);
    expect(files(dist, ".ts").filter((f) => !f.endsWith(".d.ts"))).toEqual([]);
  });

  it("what the CLI loads imports only production dependencies and Node built-ins (npm prune loses nothing)", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules]);
    const dist = join(app, "dist");
    // The modules reachable from the CLI and the migrations (loaded by path), following relative imports.
    const roots = [
      join(dist, "infra", "cli", "main.js"),
      ...files(join(dist, "projections", "migrations"), ".js"),
    ];
    const seen = new Set<string>();
    const missing = new Set<string>();
    while (roots.length > 0) {
      const file = roots.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*)["']([^"']+)["']/g)) {
        const spec = m[1]!;
        if (spec.startsWith(".")) {
          roots.push(join(dirname(file), spec));
          continue;
        }
        const bare = spec.replace(/^node:/, "");
        const name = bare.startsWith("@") ? bare.split("/").slice(0, 2).join("/") : bare.split("/")[0]!;
        if (!allowed.has(name)) missing.add(`${relative(app, file)}: ${spec}`);
      }
    }
    expect(seen.size).toBeGreaterThan(100);
    expect([...missing]).toEqual([]);
  });

  it("the launcher runs the compiled CLI: every role is there", async () => {
    const { stdout } = await cli(["--help"]);
    for (const role of ["gateway", "projector", "worker", "migrate"])
      expect(stdout).toMatch(new RegExp(`^  ${role}\\b`, "m"));
    for (const role of [["gateway"], ["projector"], ["worker"], ["migrate", "up"]]) {
      expect((await cli([...role, "--help"])).stdout).toContain(`Usage: cryptofunk ${role.join(" ")}`);
    }
  });

  it("migrate up applies the compiled migrations (the hook Job's command)", async () => {
    const { stdout } = await cli(["migrate", "up"]);
    expect(stdout).toMatch(/^up 0001-read-models: Success$/m);
    expect((await cli(["migrate", "up"])).stdout).toContain("up to date");
  });

  it("production mode refuses an incomplete configuration with exit code 2, naming the setting", async () => {
    const failed = await cli(["worker"], { CRYPTOFUNK_ENV: "production" }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toMatch(/CONFIG: production configuration refused: nats\.url/);
  });

  it("optimize runs its worker threads from the compiled code (the emitted .js, no TypeScript loader)", async () => {
    const space = join(app, "space.yaml");
    writeFileSync(space, "parameters:\n  orchestrator.minConsensus: { values: [0.5, 0.7] }\n");
    const data = join(repoRoot, "..", "shared", "data", "btcusdt-1m-2021-02-19.csv");
    const { stdout } = await cli([
      "optimize",
      ...["--data", data, "--timeframe", "1h", "--space", space, "--workers", "2"],
      ...["--strategy", join(repoRoot, "docs", "examples", "candles-only.yaml")],
    ]);
    expect(stdout).toMatch(/grid search, 2 candidates/);
    expect(stdout).toMatch(/^best \{"orchestrator\.minConsensus":0\.[57]\}$/m);
  });

  it("the projector serves /healthz and /readyz on its health port (the chart's probes)", async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [join(app, "bin", "cryptofunk.js"), "projector", "--embedded", "--health-port", String(port)],
      { cwd: app, env: { ...env, CRYPTOFUNK_HOME: home, LOG_LEVEL: "warn" }, stdio: "ignore" },
    );
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      await waitForPort(port, 30_000, "compiled projector health server");
      const healthz = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(healthz.status).toBe(200);
      const readyz = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(await readyz.json()).toEqual({ status: "ready" });
    } finally {
      await stopPid(child.pid!, exited);
    }
  });
});
