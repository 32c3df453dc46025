import type { Command } from "commander";
import { type AnyEvent, sessionFilter, sessionHash } from "../../../events/index.ts";
import { openEventLog } from "../../connections/open-event-log.ts";
import { cliContext } from "../cli-context.ts";

/** A readable one-line form of an event. */
export function formatEvent(e: AnyEvent): string {
  const d = e.data as Record<string, unknown>;
  const brief = Object.entries(d)
    .filter(([, v]) => v === null || ["string", "number", "boolean"].includes(typeof v))
    .slice(0, 6)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ");
  return `${String(e.seq).padStart(8)} ${e.at} ${e.writer.padEnd(16)} ${e.type.padEnd(22)} ${brief}`;
}

/** `cryptofunk log tail|hash`: the event stream's first command-line client. */
export function registerLogCommand(program: Command): void {
  const log = program.command("log").description("read the event log");
  log
    .command("tail")
    .description("print a session's events, one per line")
    .requiredOption("--session <id>", "session id")
    .option("--follow", "keep printing new events until interrupted")
    .option("--json", "print each event as JSON")
    .option("--from <seq>", "first stream sequence", "1")
    .option("--embedded", "read the embedded log even when NATS is reachable")
    .action(async (opts, cmd: Command) => {
      const { config, logger } = cliContext(cmd);
      const opened = await openEventLog(config, logger, opts.embedded ? "embedded" : "auto");
      const filter = sessionFilter(config.nats.root, opts.session);
      const print = (e: AnyEvent) =>
        process.stdout.write(`${opts.json ? JSON.stringify(e) : formatEvent(e)}\n`);
      const fromSeq = Number(opts.from);
      try {
        if (opts.follow) {
          const sub = opened.log.subscribe(filter, { fromSeq });
          const stop = () => void sub.close();
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
          for await (const e of sub) print(e);
        } else {
          for await (const e of opened.log.read(filter, { fromSeq })) print(e);
        }
      } finally {
        await opened.close();
      }
    });
  log
    .command("hash")
    .description("print a session's hash (sha256 over its canonical events; ids replaced by position)")
    .requiredOption("--session <id>", "session id")
    .option("--embedded", "read the embedded log even when NATS is reachable")
    .action(async (opts, cmd: Command) => {
      const { config, logger } = cliContext(cmd);
      const opened = await openEventLog(config, logger, opts.embedded ? "embedded" : "auto");
      try {
        const events: AnyEvent[] = [];
        for await (const e of opened.log.read(sessionFilter(config.nats.root, opts.session))) events.push(e);
        if (events.length === 0) {
          process.stderr.write(`no events for session ${opts.session} in ${opened.where}\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`${sessionHash(events)}\n`);
      } finally {
        await opened.close();
      }
    });
}
