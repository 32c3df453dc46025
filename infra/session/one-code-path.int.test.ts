import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createMemorySnapshotStore,
  createSessionActors,
  defaultStrategy,
  marketFeed,
  openSessionOnLog,
  runInProcessSession,
  runSessionOnLog,
  type SessionSetup,
} from "../../actors/index.ts";
import {
  type AnyEvent,
  type AnyEventDraft,
  canonicalJson,
  normaliseSession,
  sessionHash,
} from "../../events/index.ts";
import { loadCandleFile } from "../loaders/candle-file-loader.ts";
import { openTestJetStream, type TestJetStream } from "../testing/test-jetstream.ts";

// DESIGN §12 rule 2: a paper session over JetStream (every actor in its own host, the feed paced) and an in-process
// backtest of the same bars make identical decision, order and fill events.
const tradeTypes = new Set([
  "DecisionMade",
  "RiskApproved",
  "RiskRejected",
  "OrderSubmitted",
  "OrderAccepted",
  "OrderFilled",
  "OrderCancelled",
  "PositionChanged",
]);
const tradeHash = (events: readonly AnyEvent[]) => sessionHash(events.filter((e) => tradeTypes.has(e.type)));

let js: TestJetStream;
beforeAll(async () => {
  js = await openTestJetStream("one-code-path.int.test");
});
afterAll(async () => {
  await js?.dispose();
});

describe("one code path", () => {
  it("a JetStream paper session and an in-process backtest of the real week decide, order and fill alike", async () => {
    const { candles } = await loadCandleFile("../shared/data/btcusdt-1m-2021-02-19.csv");
    // The whole week at 15-minute bars (672 decisions) keeps the JetStream run within CI's time.
    const feed = (): AnyEventDraft[] => [...marketFeed({ symbol: "BTC/USDT", timeframe: "15m", candles })];
    const setup = (sessionId: string): SessionSetup => ({
      sessionId,
      mode: "paper",
      symbol: "BTC/USDT",
      timeframe: "15m",
      strategy: defaultStrategy,
      initialCash: "10000",
      quoteCurrency: "USDT",
    });
    const inProcess = runInProcessSession(setup("backtest1"), feed());
    const decisions = inProcess.events.filter((e) => e.type === "DecisionMade");
    expect(decisions.length).toBe(672);

    const live = setup("paper1");
    const drafts = feed();
    await openSessionOnLog(
      js.log,
      live.sessionId,
      {
        type: "SessionCreated",
        at: drafts[0]!.at,
        data: {
          mode: "paper",
          symbols: ["BTC/USDT"],
          timeframe: "15m",
          initialCash: "10000",
          quoteCurrency: "USDT",
          strategy: defaultStrategy as unknown as Record<string, unknown>,
          strategyVersion: "default",
          source: { kind: "file", ref: "btcusdt-1m-2021-02-19.csv" },
        },
      },
      new Date().toISOString(),
    );
    const result = await runSessionOnLog({
      log: js.log,
      sessionId: live.sessionId,
      specs: createSessionActors(live),
      feed: drafts,
      snapshots: createMemorySnapshotStore(),
      recordedAt: () => new Date().toISOString(),
    });
    expect(result.exits.every((x) => x.exit.reason === "session-ended")).toBe(true);
    const fills = result.events.filter((e) => e.type === "OrderFilled").length;
    expect(fills).toBe(inProcess.events.filter((e) => e.type === "OrderFilled").length);
    const a = normaliseSession(result.events.filter((e) => tradeTypes.has(e.type)));
    const b = normaliseSession(inProcess.events.filter((e) => tradeTypes.has(e.type)));
    const first = a.findIndex((x, i) => canonicalJson(x) !== canonicalJson(b[i]));
    expect(first === -1 ? null : { jetstream: a[first], inProcess: b[first] }).toBeNull();
    expect(tradeHash(result.events)).toBe(tradeHash(inProcess.events));
  }, 300_000);
});
