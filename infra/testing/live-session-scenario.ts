import { Decimal } from "decimal.js";
import { expect } from "vitest";
import {
  createMemorySnapshotStore,
  openSessionOnLog,
  parseStrategy,
  type SessionSetup,
  syntheticMarket,
} from "../../actors/index.ts";
import type { AnyEvent, AnyEventDraft, EventEnvelope, EventLog } from "../../events/index.ts";
import { createExchange } from "../execution/create-exchange.ts";
import { type LiveSessionResult, runLiveSession } from "../execution/live-session.ts";
import type { FakeBinanceExchange } from "./fake-binance-exchange.ts";

const of = <T extends AnyEvent["type"]>(events: AnyEvent[], type: T) =>
  events.filter((e): e is EventEnvelope<T> & AnyEvent => e.type === type);

/**
 * A live session of the default strategy over 150 synthetic bars (the seed trades from bar ~130), its orders sent
 * to `fake` (which must take the key `test-key` and the secret `test-secret`), the exchange trading at each bar's close.
 */
export async function runLiveScenario(
  log: EventLog,
  fake: FakeBinanceExchange,
  setPrice: (price: string) => void,
  sessionId = "live-e2e",
): Promise<{ setup: SessionSetup; result: LiveSessionResult }> {
  const setup: SessionSetup = {
    sessionId,
    mode: "live",
    symbol: "BTC/USDT",
    timeframe: "1m",
    strategy: parseStrategy({}),
    initialCash: "10000",
    quoteCurrency: "USDT",
  };
  await openSessionOnLog(
    log,
    sessionId,
    {
      type: "SessionCreated",
      at: "2024-01-01T00:00:00.000Z",
      data: {
        mode: "live",
        symbols: [setup.symbol],
        timeframe: setup.timeframe,
        initialCash: setup.initialCash,
        quoteCurrency: setup.quoteCurrency,
        strategy: setup.strategy as unknown as Record<string, unknown>,
        strategyVersion: "default",
        source: { kind: "exchange", ref: "binance" },
      },
    },
    "2024-01-01T00:00:00.000Z",
  );
  function* market(): Generator<AnyEventDraft> {
    for (const d of syntheticMarket({ seed: 42, bars: 150 })) {
      if (d.type === "CandleClosed") setPrice(d.data.close);
      yield d;
    }
  }
  const result = await runLiveSession({
    log,
    setup,
    exchange: createExchange({
      id: "binance",
      apiKey: "test-key",
      secret: "test-secret",
      baseUrl: fake.baseUrl,
    }),
    feed: market(),
    snapshots: createMemorySnapshotStore(),
    recordedAt: () => new Date().toISOString(),
    gateway: { pollIntervalMs: 20, policy: { initialDelayMs: 5, timeoutMs: 2_000 } },
    settleTimeoutMs: 5_000,
  });
  return { setup, result };
}

/**
 * What must hold after a live session: every approval became one intent; one order at the exchange per intent under
 * its client order id, each answered once; the recorded fills equal the exchange's executions, and the machine's
 * position and cash equal what those fills imply, to the last unit.
 */
export function expectLiveBooksAgree(
  setup: SessionSetup,
  events: AnyEvent[],
  fake: FakeBinanceExchange,
): void {
  expect(of(events, "SessionStopped")).toHaveLength(1);
  const approvals = of(events, "RiskApproved");
  expect(approvals.length).toBeGreaterThan(2);
  const decided = new Set(approvals.map((a) => a.data.decisionId));
  expect(of(events, "OrderSubmitted").filter((e) => decided.has(e.data.decisionId ?? ""))).toHaveLength(
    decided.size,
  );
  const intents = of(events, "OrderSubmitted").filter((e) => e.data.venue === "binance");
  expect(fake.orderPosts()).toBe(intents.length);
  expect(
    fake
      .orders()
      .map((o) => o.clientOrderId)
      .sort(),
  ).toEqual(intents.map((e) => e.data.clientOrderId).sort());
  for (const intent of intents) {
    const answers = events.filter(
      (e) =>
        e.writer === "venue" &&
        (e.type === "OrderAccepted" || e.type === "OrderRejected") &&
        e.data.orderId === intent.data.orderId,
    );
    expect(answers).toHaveLength(1);
  }
  const fills = of(events, "OrderFilled");
  expect(fills.length).toBeGreaterThan(2);
  expect(fills.length).toBe(fake.orders().filter((o) => o.executedQty !== "0").length);
  let qty = new Decimal(0);
  let cash = new Decimal(setup.initialCash);
  for (const f of fills) {
    const signed = new Decimal(f.data.quantity).mul(f.data.side === "buy" ? 1 : -1);
    qty = qty.add(signed);
    cash = cash.sub(signed.mul(f.data.price)).sub(f.data.fee);
    expect(f.data.fee).toBe(new Decimal(f.data.quantity).mul(f.data.price).mul("0.001").toFixed());
  }
  const exchangeNet = fake
    .orders()
    .reduce((s, o) => s.add(new Decimal(o.executedQty).mul(o.side === "BUY" ? 1 : -1)), new Decimal(0));
  expect(qty.eq(exchangeNet)).toBe(true);
  const changes = of(events, "PositionChanged");
  expect(changes).toHaveLength(fills.length);
  expect(new Decimal(changes.at(-1)?.data.quantity ?? "0").eq(qty)).toBe(true);
  expect(new Decimal(changes.at(-1)?.data.cash ?? "0").eq(cash)).toBe(true);
  expect(new Decimal(of(events, "PortfolioValued").at(-1)?.data.cash ?? "0").eq(cash)).toBe(true);
}
