import { describe, expect, it } from "vitest";
import { type AnyEventDraft, createEmbeddedEventLog, UnavailableError } from "../../events/index.ts";
import { syntheticMarket } from "../market/synthetic-market.ts";
import { createSessionActors } from "../session/session-actors.ts";
import { defaultStrategy } from "../strategy/strategy-config.ts";
import { createMemorySnapshotStore } from "./actor-host.ts";
import { openSessionOnLog, runSessionOnLog } from "./log-session-runner.ts";

describe("runSessionOnLog", () => {
  it("stops when aborted even if the feed then just ends (as a live feed does), instead of waiting forever", async () => {
    const log = createEmbeddedEventLog({ root: "cf" });
    const sessionId = "aborted-1";
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
          source: { kind: "synthetic", ref: "seed:3;bars:100" },
        },
      },
      "2024-01-01T00:00:00.000Z",
    );
    const abort = new AbortController();
    // Five bars, then the operator interrupts: the feed stops and ends without MarketDataEnded.
    async function* feed(): AsyncGenerator<AnyEventDraft> {
      let bars = 0;
      for (const d of syntheticMarket({ seed: 3, bars: 100 })) {
        if (d.type === "CandleClosed" && ++bars > 5) {
          abort.abort();
          return;
        }
        yield d;
      }
    }
    const run = runSessionOnLog({
      log,
      sessionId,
      specs: createSessionActors({
        sessionId,
        mode: "paper",
        symbol: "BTC/USDT",
        timeframe: "1m",
        strategy: defaultStrategy,
        initialCash: "10000",
        quoteCurrency: "USDT",
      }),
      feed: feed(),
      snapshots: createMemorySnapshotStore(),
      recordedAt: () => "2024-01-01T00:00:00.000Z",
      signal: abort.signal,
    });
    const outcome = await Promise.race([
      run.then(
        () => "finished",
        (e) => e,
      ),
      new Promise((resolve) => setTimeout(() => resolve("still waiting after 5 s"), 5000)),
    ]);
    expect(outcome).toBeInstanceOf(UnavailableError);
    await log.close();
  });
});
