import {
  type AnyEventDraft,
  createEvent,
  type EventLog,
  subjectFor,
  type Writer,
} from "../../events/index.ts";

export const seedAt = "2024-01-01T00:00:00.000Z";

/** Appends a session's SessionCreated (what makes it exist for the gateway). */
export async function seedSession(log: EventLog, sessionId: string): Promise<void> {
  await appendDrafts(log, sessionId, "session", [
    {
      type: "SessionCreated",
      data: {
        mode: "backtest",
        symbols: ["BTC/USDT"],
        timeframe: "1h",
        initialCash: "10000",
        quoteCurrency: "USDT",
        strategy: {},
        strategyVersion: "test",
        source: { kind: "synthetic", ref: "seed:1" },
      },
      at: seedAt,
    },
  ]);
}

/** Appends drafts as one writer's events (optimistic concurrency from the subject's last sequence). */
export async function appendDrafts(
  log: EventLog,
  sessionId: string,
  writer: Writer,
  drafts: readonly AnyEventDraft[],
): Promise<number[]> {
  const subject = subjectFor(log.root, sessionId, writer);
  const last = await log.lastSeq(subject);
  const events = drafts.map((d, i) =>
    createEvent({ root: log.root, sessionId, writer, recordedAt: d.at }, d, null, `${writer}:${last}:${i}`),
  );
  const result = await log.append(subject, events, writer === "control" ? {} : { expectedLastSeq: last });
  return [...result.seqs];
}
