import { defaultStrategy, openSessionOnLog, type SessionSetup } from "../../actors/index.ts";
import { type EventEnvelope, type EventLog, subjectFor } from "../../events/index.ts";

/** The setup of the sessions below: paper, BTC/USDT on 1m bars, the default strategy, 10,000 USDT. */
export function syntheticPaperSetup(sessionId: string): SessionSetup {
  return {
    sessionId,
    mode: "paper",
    symbol: "BTC/USDT",
    timeframe: "1m",
    strategy: defaultStrategy,
    initialCash: "10000",
    quoteCurrency: "USDT",
  };
}

/** Opens a paper session on the seeded synthetic market (1m bars, default strategy) and returns its SessionCreated. */
export async function openSyntheticSession(
  log: EventLog,
  sessionId: string,
  seed: number,
  bars: number,
): Promise<EventEnvelope<"SessionCreated">> {
  await openSessionOnLog(
    log,
    sessionId,
    {
      type: "SessionCreated",
      at: "2024-01-01T00:00:00.000Z",
      data: {
        mode: "paper",
        symbols: ["BTC/USDT"],
        timeframe: "1m",
        initialCash: "10000",
        quoteCurrency: "USDT",
        strategy: defaultStrategy as unknown as Record<string, unknown>,
        strategyVersion: "default",
        source: { kind: "synthetic", ref: `seed:${seed};bars:${bars}` },
      },
    },
    new Date().toISOString(),
  );
  for await (const e of log.read(subjectFor(log.root, sessionId, "control"))) {
    if (e.type === "SessionCreated") return e as EventEnvelope<"SessionCreated">;
  }
  throw new Error(`session ${sessionId} has no SessionCreated`);
}
