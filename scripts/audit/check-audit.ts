// `npm run audit:prod [-- --strict]`: runs `npm audit --omit=dev --json` and fails (exit 1) on a high or critical
// advisory that docs/security.md does not list by its GHSA id (each one there is explained and tracked).
// When the registry's audit endpoint does not answer (offline, or a mirror without the audit API), it says so plainly
// and exits 0 with UNVERIFIED — nothing was checked — or 2 with --strict.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseAuditOutput, untrackedSevere } from "./audit-findings.ts";

const { values: args } = parseArgs({ options: { strict: { type: "boolean", default: false } } });
const root = fileURLToPath(new URL("../../", import.meta.url));
const trackingDoc = readFileSync(`${root}docs/security.md`, "utf8");

// npm audit exits 1 when it finds anything: its JSON on stdout is what counts, not the exit code.
const stdout = await new Promise<string>((resolve) => {
  execFile(
    "npm",
    ["audit", "--omit=dev", "--json"],
    { cwd: root, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
    (_error, out) => resolve(String(out)),
  );
});
const outcome = parseAuditOutput(stdout);
if (outcome.kind === "unreachable") {
  console.log(
    `UNVERIFIED: the registry's audit endpoint was unreachable, so nothing was checked (${outcome.reason})`,
  );
  process.exit(args.strict ? 2 : 0);
}
const c = outcome.counts;
console.log(
  `npm audit --omit=dev: ${c.total} vulnerable packages (critical ${c.critical}, high ${c.high}, ` +
    `moderate ${c.moderate}, low ${c.low}, info ${c.info}); ${outcome.advisories.length} advisories`,
);
for (const a of outcome.advisories)
  console.log(`  ${a.severity.padEnd(8)} ${a.id} ${a.packageName} ${a.range}: ${a.title}`);
const untracked = untrackedSevere(outcome.advisories, trackingDoc);
if (untracked.length > 0) {
  console.log(
    `FAILED: ${untracked.length} high/critical advisories are not tracked in docs/security.md: ` +
      untracked.map((a) => `${a.id} (${a.packageName})`).join(", "),
  );
  process.exit(1);
}
console.log("ok: every high/critical advisory is tracked in docs/security.md (or there is none)");
