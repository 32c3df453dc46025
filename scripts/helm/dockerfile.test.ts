import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../infra/cli/main.ts";
import { repoRoot } from "./chart-files.ts";

// No Docker engine here: the Dockerfile is read and its promises checked one by one. (The compiled output it ships
// is run for real in compiled-image.e2e.test.ts.)

interface Instruction {
  readonly op: string;
  readonly args: string;
}
interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

const text = readFileSync(join(repoRoot, "Dockerfile"), "utf8");
const lines = text
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l !== "" && !l.startsWith("#"));
const args = new Map<string, string>();
const stages: Stage[] = [];
for (const line of lines) {
  const [, op, rest] = /^(\S+)\s*(.*)$/.exec(line)!;
  const upper = op!.toUpperCase();
  if (upper === "ARG" && stages.length === 0) {
    const [k, v] = rest!.split("=", 2);
    args.set(k!, v ?? "");
  } else if (upper === "FROM") {
    const [image, as, name] = rest!.split(/\s+/);
    const resolved = image!.replace(/^\$\{(\w+)\}$/, (_, k: string) => args.get(k) ?? "");
    stages.push({ from: resolved, name: as?.toUpperCase() === "AS" ? name : undefined, instructions: [] });
  } else {
    stages[stages.length - 1]?.instructions.push({ op: upper, args: rest! });
  }
}
const build = stages[0]!;
const runtime = stages[stages.length - 1]!;
const all = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op);
const dockerignore = readFileSync(join(repoRoot, ".dockerignore"), "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l !== "" && !l.startsWith("#"));

describe("Dockerfile", () => {
  it("has two stages: a Node 20 build stage and a distroless Node 20 runtime", () => {
    expect(stages).toHaveLength(2);
    expect(build.from).toBe("node:20-bookworm-slim");
    expect(runtime.from).toMatch(/^gcr\.io\/distroless\/nodejs20-debian12:nonroot$/);
  });

  it("the build stage installs from the lock file, compiles, checks the compiled CLI and drops dev dependencies", () => {
    const run = all(build, "RUN")
      .map((i) => i.args)
      .join(" && ");
    expect(run).toMatch(/npm ci\b/);
    expect(run).toMatch(/npm run build/);
    expect(run).toMatch(/npm prune --omit=dev/);
    expect(run.indexOf("npm run build")).toBeLessThan(run.indexOf("npm prune"));
    expect(run).toMatch(/node bin\/cryptofunk\.js --help/);
    expect(all(build, "COPY")[0]?.args).toBe("package.json package-lock.json ./");
  });

  it("the runtime stage runs nothing (no shell needed) and installs nothing", () => {
    expect(all(runtime, "RUN")).toEqual([]);
    expect(runtime.instructions.map((i) => i.args).join("\n")).not.toMatch(/npm (install|ci)/);
  });

  it("ships compiled JavaScript, production node_modules, the built web UI and the launcher only, from the build stage", () => {
    const copies = all(runtime, "COPY").map((i) => i.args);
    expect(copies.every((c) => c.startsWith(`--from=${build.name} `))).toBe(true);
    const sources = copies.map((c) => c.split(/\s+/)[1]);
    expect(sources.sort()).toEqual([
      "/app/bin/cryptofunk.js",
      "/app/dist",
      "/app/node_modules",
      "/app/package.json",
      "/app/web/dist",
    ]);
  });

  it("runs as a non-root user", () => {
    const users = all(runtime, "USER").map((i) => i.args);
    expect(users).toHaveLength(1);
    const [user, group] = users[0]!.split(":");
    expect(Number(user)).toBeGreaterThan(0);
    expect(Number(group ?? user)).toBeGreaterThan(0);
  });

  it("ENTRYPOINT and CMD are exec form; the entrypoint is node on the launcher", () => {
    const entrypoint = JSON.parse(all(runtime, "ENTRYPOINT")[0]!.args) as string[];
    expect(entrypoint).toEqual(["/nodejs/bin/node", "/app/bin/cryptofunk.js"]);
    expect(Array.isArray(JSON.parse(all(runtime, "CMD")[0]!.args))).toBe(true);
  });

  it("production mode is the image's default", () => {
    expect(
      all(runtime, "ENV")
        .map((i) => i.args)
        .join(" "),
    ).toMatch(/CRYPTOFUNK_ENV=production/);
  });

  it("one image serves every role: each is a command of the CLI", async () => {
    const names = (await buildProgram()).commands.map((c) => c.name());
    for (const role of ["gateway", "projector", "worker", "migrate"]) expect(names).toContain(role);
  });

  it(".dockerignore admits what the build stage copies and keeps tests and local state out", () => {
    expect(dockerignore[0]).toBe("**");
    const copied = all(build, "COPY").flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    for (const path of copied) {
      expect(
        // A folder may be admitted whole or file by file (web/: its sources, not a local web/dist or e2e output).
        dockerignore.some((l) => l === `!${path}` || l.startsWith(`!${path}/`)),
        path,
      ).toBe(true);
    }
    expect(dockerignore).toEqual(expect.arrayContaining(["**/*.test.ts", "**/node_modules"]));
  });
});
