import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RecoveryReport } from "./embedded-event-log.ts";
import { createEmbeddedEventLog } from "./embedded-event-log.ts";

const root = resolve(import.meta.dirname, "../..");

/** Appends batches of 250 candles to the file until it is killed (shared with infra/faults/embedded-log-kill). */
const writer = resolve(root, "events/testing/embedded-log-writer.ts");

describe("embedded event log after kill -9", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("reopens with every complete record and no torn one, three kills in a row", async () => {
    dir = mkdtempSync(join(tmpdir(), "cf-kill-"));
    const file = join(dir, "events.jsonl");
    let previous = 0;
    let bytes = 0;
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, [resolve(root, "bin/run-ts.js"), writer, file, "1", "250"], {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (d) => {
        stderr += String(d);
      });
      const exited = new Promise<NodeJS.Signals | null>((r) =>
        child.on("exit", (_code, signal) => r(signal)),
      );
      // Let it get going, then kill it while it writes.
      const deadline = Date.now() + 10_000;
      while ((statSafe(file) ?? 0) < bytes + 500_000 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill("SIGKILL");
      expect(await exited, stderr).toBe("SIGKILL");

      const reports: RecoveryReport[] = [];
      const log = createEmbeddedEventLog({ file, onRecovered: (r) => reports.push(r) });
      const events = log.readAll("cf.>");
      expect(events.length).toBeGreaterThan(previous);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      for (const r of reports) expect(r.reason).toMatch(/torn write|invalid/);
      await log.close();
      previous = events.length;
      bytes = statSync(file).size;
    }
  }, 90_000);
});

function statSafe(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}
