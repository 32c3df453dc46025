import type { Command } from "commander";
import type { FieldDiff, SessionComparison } from "../../../actors/index.ts";
import { extractRecordedInputs, parseStrategy } from "../../../actors/index.ts";
import { ValidationError } from "../../../events/index.ts";
import { openEventLog } from "../../connections/open-event-log.ts";
import {
  readRecordedSession,
  recordedBars,
  type VerifyResult,
  verifyRecorded,
  whatIfRecorded,
} from "../../replay/replay-recorded.ts";
import { createProgressReporter } from "../../session/progress-reporter.ts";
import { cliContext } from "../cli-context.ts";
import { readStrategyFile } from "./run-command.ts";

/**
 * `cryptofunk replay <sessionId> --verify | --what-if <strategy>`: re-drive a recorded session's inputs through the
 * machines; prove it reproduces (exit 0 with the hash, exit 1 naming the first divergent event), or ask what other
 * parameters would have done (a new linked session, recorded, compared side by side).
 */
export function registerReplayCommand(program: Command): void {
  program
    .command("replay <sessionId>")
    .description("verify a recorded session reproduces, or replay it with other parameters (--what-if)")
    .option("--verify", "re-drive the recorded inputs and compare every output event (the default)")
    .option(
      "--what-if <strategy>",
      "replay the same inputs with this strategy file into a new linked session",
    )
    .option("--embedded", "read the embedded log even when NATS is reachable")
    .option("--json", "print the result as one JSON object")
    .action(async (sessionId: string, opts, cmd: Command) => {
      const { config, logger } = cliContext(cmd);
      if (opts.verify === true && opts.whatIf !== undefined) {
        throw new ValidationError("give --verify or --what-if, not both", [
          { path: "--what-if", message: "exclusive with --verify" },
        ]);
      }
      const strategy = opts.whatIf === undefined ? undefined : parseStrategy(readStrategyFile(opts.whatIf));
      const opened = await openEventLog(config, logger, opts.embedded ? "embedded" : "auto");
      try {
        const events = await readRecordedSession(opened.log, sessionId);
        const bars = recordedBars(extractRecordedInputs(events));
        logger.info({ sessionId, events: events.length, bars, log: opened.kind }, "session read");
        const progress = createProgressReporter("replayed bars", bars, logger);
        if (strategy === undefined) {
          const result = verifyRecorded(events, { onProgress: (n) => progress.update(n) });
          progress.stop();
          process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : formatVerify(result));
          if (!result.verdict.match) process.exitCode = 1;
          return;
        }
        const r = await whatIfRecorded(opened.log, events, strategy, {
          onProgress: (n) => progress.update(n),
          label: `what-if ${opts.whatIf}`,
        });
        progress.stop();
        const out = {
          parentSessionId: r.parentSessionId,
          sessionId: r.sessionId,
          hash: r.run.hash,
          recordedEvents: r.recorded,
          comparison: r.comparison,
        };
        process.stdout.write(opts.json ? `${JSON.stringify(out)}\n` : formatWhatIf(out));
      } finally {
        await opened.close();
      }
    });
}

const show = (x: unknown) => (x === undefined ? "(absent)" : JSON.stringify(x));

/** The human form of a verification. */
export function formatVerify(r: VerifyResult): string {
  const v = r.verdict;
  const head = [
    `session       ${r.sessionId}`,
    `inputs        ${r.feedEvents} feed events, ${r.commands} operator commands (replayed in ${r.seconds.toFixed(1)} s)`,
    `compared      ${v.compared} output events`,
  ];
  if (v.match) {
    return [
      ...head,
      `result        MATCH: every output event reproduced`,
      `outputs hash  ${v.recordedHash}`,
      `session hash  ${r.sessionHash}`,
      "",
    ].join("\n");
  }
  const d = v.divergence;
  const lines = [...head, `result        DIVERGED`];
  if (d !== null) {
    lines.push(
      `first         ${d.position} (${d.kind})`,
      `recorded      ${d.recorded === null ? "—" : `${d.recorded.type} ${d.recorded.id} at ${d.recorded.at}`}`,
      `replayed      ${d.replayed === null ? "—" : `${d.replayed.type} ${d.replayed.id} at ${d.replayed.at}`}`,
      "fields:",
      ...d.diffs.slice(0, 20).map((f: FieldDiff) => `  ${f.path}: ${show(f.recorded)} → ${show(f.replayed)}`),
    );
    if (d.diffs.length > 20) lines.push(`  … ${d.diffs.length - 20} more`);
  }
  lines.push(`outputs hash  recorded ${v.recordedHash}`, `              replayed ${v.replayedHash}`, "");
  return lines.join("\n");
}

/** The human form of a what-if: the two sessions side by side, then the decisions that changed. */
export function formatWhatIf(r: {
  parentSessionId: string;
  sessionId: string;
  hash: string;
  recordedEvents: number;
  comparison: SessionComparison;
}): string {
  const { parent: a, child: b, decisionsChanged } = r.comparison;
  const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(2)} %`);
  const num = (x: number | null) => (x === null ? "—" : x.toFixed(3));
  const rows: [string, string, string][] = [
    ["session", r.parentSessionId, r.sessionId],
    [
      "decisions B/S/H",
      `${a.decisions.BUY}/${a.decisions.SELL}/${a.decisions.HOLD}`,
      `${b.decisions.BUY}/${b.decisions.SELL}/${b.decisions.HOLD}`,
    ],
    ["trades", `${a.trades} (${a.wins} won)`, `${b.trades} (${b.wins} won)`],
    ["P&L", a.pnl, b.pnl],
    ["final equity", a.finalEquity, b.finalEquity],
    ["fees", a.fees, b.fees],
    ["max drawdown", pct(a.maxDrawdown), pct(b.maxDrawdown)],
    ["win rate", pct(a.winRate), pct(b.winRate)],
    ["profit factor", num(a.profitFactor), num(b.profitFactor)],
  ];
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  const lines = rows.map(([k, x, y]) => `${k.padEnd(w0)}  ${x.padEnd(w1)}  ${y}`);
  lines.push(
    "",
    `decisions changed: ${decisionsChanged.count} of ${r.comparison.decisionsCompared}` +
      (r.comparison.sameTrades ? " (same trades)" : ""),
    ...decisionsChanged.list.slice(0, 30).map((d) => `  ${d.bar}  ${d.parent ?? "—"} → ${d.child ?? "—"}`),
  );
  if (decisionsChanged.count > 30) lines.push(`  … ${decisionsChanged.count - 30} more (--json lists all)`);
  lines.push(
    "",
    `what-if session ${r.sessionId} (parent ${r.parentSessionId}) ${r.recordedEvents > 0 ? `recorded: ${r.recordedEvents} events` : "already recorded"}`,
    `hash ${r.hash}`,
    "",
  );
  return lines.join("\n");
}
