// Prints line coverage per top-level folder from vitest's json-summary (run after `vitest run --coverage`).
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";

interface Totals {
  lines: { total: number; covered: number };
}
if (!existsSync("coverage/coverage-summary.json")) {
  // vitest writes no coverage when a test failed: the failure is what to read, not a stack trace from here.
  console.log(
    "line coverage by folder: no coverage/coverage-summary.json (a test failed, or --coverage was off)",
  );
  process.exit(0);
}
const summary = JSON.parse(readFileSync("coverage/coverage-summary.json", "utf8")) as Record<string, Totals>;
const folders = new Map<string, { total: number; covered: number }>();
for (const [file, t] of Object.entries(summary)) {
  if (file === "total") continue;
  const top = relative(process.cwd(), file).split("/")[0] ?? "?";
  const f = folders.get(top) ?? { total: 0, covered: 0 };
  f.total += t.lines.total;
  f.covered += t.lines.covered;
  folders.set(top, f);
}
console.log("line coverage by folder");
for (const [name, f] of [...folders].sort()) {
  const pct = f.total === 0 ? 100 : (100 * f.covered) / f.total;
  console.log(`  ${name.padEnd(12)} ${pct.toFixed(1).padStart(5)} %  (${f.covered}/${f.total} lines)`);
}
