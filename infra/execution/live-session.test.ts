import { Decimal } from "decimal.js";
import { afterEach, describe, expect, it } from "vitest";
import {
  createMemorySnapshotStore,
  openSessionOnLog,
  parseStrategy,
  type SessionSetup,
  syntheticMarket,
} from "../../actors/index.ts";
import {
  type AnyEvent,
  type AnyEventDraft,
  createEmbeddedEventLog,
  type EventEnvelope,
} from "../../events/index.ts";
import { type FakeBinanceExchange, startFakeBinanceExchange } from "../testing/fake-binance-exchange.ts";
import { createExchange } from "./create-exchange.ts";
import { runLiveSession } from "./live-session.ts";

let fake: FakeBinanceExchange | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const of = <T extends AnyEvent["type"]>(events: AnyEvent[], type: T) =>
  events.filter((e): e is EventEnvelope<T> & AnyEvent => e.type === type);

describe("a live session end to end (embedded log, local Binance-format exchange)", () => {
  it("decisions become orders at the exchange, its answers become fills and positions; nothing sent twice", async () => {
    let price = "100";
    fake = await startFakeBinanceExchange({
      apiKey: "test-key",
      secret: "test-secret",
      marketPrice: () => price,
    });
    const setup: SessionSetup = {
      sessionId: "live-e2e",
      mode: "live",
      symbol: "BTC/USDT",
      timeframe: "1m",
      strategy: parseStrategy({}),
      initialCash: "10000",
      quoteCurrency: "USDT",
    };
    const log = createEmbeddedEventLog();
    await openSessionOnLog(
      log,
      setup.sessionId,
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
    // The exchange trades at the market the feed shows.
    function* market(): Generator<AnyEventDraft> {
      for (const d of syntheticMarket({ seed: 42, bars: 150 })) {
        if (d.type === "CandleClosed") price = d.data.close;
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
    const events = result.events;
    expect(of(events, "SessionStopped")).toHaveLength(1);
    const approvals = of(events, "RiskApproved");
    const intents = of(events, "OrderSubmitted").filter((e) => e.data.venue === "binance");
    expect(approvals.length).toBeGreaterThan(2);
    // Every approval became one intent, with the client order id derived from its decision.
    const decided = new Set(approvals.map((a) => a.data.decisionId));
    expect(of(events, "OrderSubmitted").filter((e) => decided.has(e.data.decisionId ?? ""))).toHaveLength(
      decided.size,
    );
    expect(of(events, "OrderFilled").length).toBeGreaterThan(2);

    // Exactly one order at the exchange per intent, under the intent's client order id.
    expect(fake.orderPosts()).toBe(intents.length);
    expect(
      fake
        .orders()
        .map((o) => o.clientOrderId)
        .sort(),
    ).toEqual(intents.map((e) => e.data.clientOrderId).sort());
    for (const intent of intents) {
      const answers = events.filter(
        (e) => e.writer === "venue" && "orderId" in e.data && e.data.orderId === intent.data.orderId,
      );
      expect(answers.filter((e) => e.type === "OrderAccepted" || e.type === "OrderRejected")).toHaveLength(1);
    }

    // The books agree: the exchange's executions, the recorded fills, the machine's position and cash.
    const fills = of(events, "OrderFilled");
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
    const last = of(events, "PortfolioValued").at(-1);
    expect(new Decimal(last?.data.cash ?? "0").eq(cash)).toBe(true);
    expect(result.gateway.reason).toMatch(/session-ended|stopped/);
  }, 120_000);
});
