import { z } from "zod";
import { createEvent, type EmbeddedEventLog, issuesFromZod, subjectFor } from "../../events/index.ts";
import type { LaunchSpec, SessionLauncher } from "../ports/session-launcher.ts";
import type { StrategyValidator } from "../ports/strategy-validator.ts";

// A stand-in for the actors' strategy schema (gateway tests may not import actors/): same port, simpler rules.
const testStrategy = z
  .object({
    name: z.string().min(1),
    orchestrator: z
      .object({ threshold: z.number().min(0).max(1).default(0.6) })
      .strict()
      .default({ threshold: 0.6 }),
  })
  .strict();

export const testStrategyValidator: StrategyValidator = {
  validate(raw) {
    const r = testStrategy.safeParse(raw);
    return r.success ? { ok: true, config: r.data } : { ok: false, issues: issuesFromZod(r.error.issues) };
  },
};

/**
 * An in-process launcher: appends SessionCreated and the runner's start command to the log, the way the
 * runtime does, and remembers what it was asked.
 */
export function createInProcessLauncher(
  log: EmbeddedEventLog,
): SessionLauncher & { readonly launched: LaunchSpec[] } {
  const launched: LaunchSpec[] = [];
  let n = 0;
  return {
    launched,
    async launch(spec) {
      launched.push(spec);
      const sessionId = spec.sessionId ?? `s${++n}`;
      const at = "2024-01-01T00:00:00.000Z";
      const ctx = { root: log.root, sessionId, recordedAt: at };
      const created = createEvent(
        { ...ctx, writer: "session" },
        {
          type: "SessionCreated",
          data: {
            mode: spec.mode,
            symbols: spec.symbols,
            timeframe: spec.timeframe,
            initialCash: spec.initialCash,
            quoteCurrency: spec.quoteCurrency,
            strategy: { ...(spec.strategy?.config ?? {}) },
            strategyVersion:
              spec.strategy === undefined ? "default" : `${spec.strategy.name}@${spec.strategy.version}`,
            source: spec.source,
          },
          at,
        },
        null,
        0,
      );
      await log.append(subjectFor(log.root, sessionId, "session"), [created], { expectedLastSeq: 0 });
      const start = createEvent(
        { ...ctx, writer: "control" },
        {
          type: "CommandIssued",
          data: { commandId: `start-${sessionId}`, command: "start", issuedBy: "runner" },
          at,
        },
        null,
        0,
      );
      await log.append(subjectFor(log.root, sessionId, "control"), [start]);
      return { sessionId };
    },
  };
}
