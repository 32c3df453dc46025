import { afterEach, describe, expect, it } from "vitest";
import {
  type AnyEvent,
  type AnyEventDraft,
  clientOrderId,
  createEmbeddedEventLog,
  createEvent,
  deterministicId,
  type EventData,
  type EventLog,
  sessionFilter,
  subjectFor,
} from "../../events/index.ts";
import { type FakeBinanceExchange, startFakeBinanceExchange } from "../testing/fake-binance-exchange.ts";
import { createExchange } from "./create-exchange.ts";
import { type LiveVenueGateway, startLiveVenueGateway } from "./live-venue-gateway.ts";

const KEY = "test-api-key";
const SECRET = "test-api-secret";
const SESSION = "live1";
const T0 = Date.parse("2024-01-01T00:00:00.000Z");
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

let fake: FakeBinanceExchange | undefined;
let gateways: LiveVenueGateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  gateways = [];
  await fake?.close();
  fake = undefined;
});

let now = T0;
async function exchangeAt(options: Partial<Parameters<typeof startFakeBinanceExchange>[0]> = {}) {
  now = T0 + 5_000;
  fake = await startFakeBinanceExchange({ apiKey: KEY, secret: SECRET, clock: () => now, ...options });
  return fake;
}

const client = (f: FakeBinanceExchange, timeoutMs = 2_000, secret = SECRET) =>
  createExchange({ id: "binance", apiKey: KEY, secret, baseUrl: f.baseUrl, timeoutMs });

async function gateway(log: EventLog, f: FakeBinanceExchange, timeoutMs = 2_000) {
  const g = await startLiveVenueGateway({
    log,
    sessionId: SESSION,
    exchange: client(f, timeoutMs),
    venue: "binance",
    quoteCurrency: "USDT",
    pollIntervalMs: 20,
    clock: () => now,
    policy: { timeoutMs, initialDelayMs: 5, maxDelayMs: 20, attempts: 4 },
  });
  gateways.push(g);
  return g;
}

/** What live execution appends on `exec`: the order intent. */
async function submit(
  log: EventLog,
  decisionId: string,
  extra: Partial<EventData<"OrderSubmitted">> = {},
  n = 0,
): Promise<EventData<"OrderSubmitted">> {
  const data: EventData<"OrderSubmitted"> = {
    orderId: deterministicId(decisionId, "order"),
    clientOrderId: clientOrderId(decisionId),
    decisionId,
    symbol: "BTC/USDT",
    side: "buy",
    type: "market",
    quantity: "0.5",
    reduceOnly: false,
    venue: "binance",
    ...extra,
  };
  const draft: AnyEventDraft = { type: "OrderSubmitted", at: at(n), data };
  const subject = subjectFor(log.root, SESSION, "exec");
  const e = createEvent(
    { root: log.root, sessionId: SESSION, writer: "exec", recordedAt: at(n) },
    draft,
    null,
    decisionId,
  );
  await log.append(subject, [e], { expectedLastSeq: await log.lastSeq(subject) });
  return data;
}

async function venueEvents(log: EventLog): Promise<AnyEvent[]> {
  const out: AnyEvent[] = [];
  for await (const e of log.read(subjectFor(log.root, SESSION, "venue"))) out.push(e);
  return out;
}

async function until(check: () => Promise<boolean> | boolean, ms = 5_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

const types = (events: AnyEvent[]) => events.map((e) => e.type);

describe("live venue gateway against a local Binance-format exchange", () => {
  it("accepts and fills a market order: OrderAccepted with the venue id, OrderFilled with the fee, client id sent", async () => {
    const log = createEmbeddedEventLog();
    const f = await exchangeAt({ marketPrice: () => "100.5" });
    const g = await gateway(log, f);
    const order = await submit(log, "d1");
    expect(await g.settled(5_000)).toBe(true);
    const events = await venueEvents(log);
    expect(types(events)).toEqual(["OrderAccepted", "OrderFilled"]);
    expect(events[0]?.data).toEqual({
      orderId: order.orderId,
      clientOrderId: order.clientOrderId,
      venueOrderId: "1001",
    });
    expect(events[1]?.data).toMatchObject({
      orderId: order.orderId,
      price: "100.5",
      quantity: "0.5",
      fee: "0.05025",
      feeCurrency: "USDT",
      liquidity: "taker",
      cumulativeQuantity: "0.5",
      remainingQuantity: "0",
      partial: false,
    });
    expect(events.every((e) => e.writer === "venue" && e.causationId !== null)).toBe(true);
    expect(events[0]?.at).toBe(at(5));
    expect(f.orders()[0]?.clientOrderId).toBe(order.clientOrderId);
    expect(f.orderPosts()).toBe(1);
  });

  it("records the exchange's refusal with its reason and does not retry it", async () => {
    const log = createEmbeddedEventLog();
    const f = await exchangeAt({
      refuse: () => ({ code: -2010, msg: "Account has insufficient balance for requested action." }),
    });
    const g = await gateway(log, f);
    const order = await submit(log, "d1");
    expect(await g.settled(5_000)).toBe(true);
    const events = await venueEvents(log);
    expect(types(events)).toEqual(["OrderRejected"]);
    expect(events[0]?.data).toEqual({
      orderId: order.orderId,
      clientOrderId: order.clientOrderId,
      reason: "Account has insufficient balance for requested action.",
    });
    expect(f.orderPosts()).toBe(1);
  });

  it("partial fills of a resting limit order: one OrderFilled per trade, then the rest cancelled", async () => {
    const log = createEmbeddedEventLog();
    const f = await exchangeAt();
    const g = await gateway(log, f);
    const order = await submit(log, "d1", { type: "limit", limitPrice: "99", quantity: "1" });
    await until(async () => (await venueEvents(log)).length === 1);
    f.trade(order.clientOrderId, "0.3", "99");
    await until(async () => (await venueEvents(log)).length === 2);
    now += 1_000;
    f.trade(order.clientOrderId, "0.2", "98.9");
    f.cancel(order.clientOrderId);
    expect(await g.settled(5_000)).toBe(true);
    const events = await venueEvents(log);
    expect(types(events)).toEqual(["OrderAccepted", "OrderFilled", "OrderFilled", "OrderCancelled"]);
    expect(events[1]?.data).toMatchObject({
      quantity: "0.3",
      cumulativeQuantity: "0.3",
      remainingQuantity: "0.7",
      partial: true,
      liquidity: "maker",
    });
    expect(events[2]?.data).toMatchObject({
      price: "98.9",
      quantity: "0.2",
      cumulativeQuantity: "0.5",
      remainingQuantity: "0.5",
      partial: true,
    });
    expect(events[2]?.at).toBe(at(6));
    expect(events[3]?.data).toMatchObject({ filledQuantity: "0.5", reason: "canceled by binance" });
    expect(f.requests.filter((r) => r.startsWith("GET /api/v3/order?")).length).toBeGreaterThan(1);
  });

  it("a network failure is retried with the same client order id; one order at the exchange", async () => {
    const log = createEmbeddedEventLog();
    const f = await exchangeAt();
    f.failNextPost("unavailable", 2);
    const g = await gateway(log, f);
    const order = await submit(log, "d1");
    expect(await g.settled(5_000)).toBe(true);
    const posts = f.requests.filter((r) => r.startsWith("POST /api/v3/order"));
    expect(posts).toHaveLength(3);
    expect(f.orders()).toHaveLength(1);
    expect(f.orders()[0]?.clientOrderId).toBe(order.clientOrderId);
    expect(types(await venueEvents(log))).toEqual(["OrderAccepted", "OrderFilled"]);
  });

  it("a lost acknowledgement (order made, answer never arrives): the retry finds it by client id, no second order", async () => {
    const log = createEmbeddedEventLog();
    const f = await exchangeAt();
    f.failNextPost("lost-response");
    const g = await gateway(log, f);
    const order = await submit(log, "d1");
    expect(await g.settled(5_000)).toBe(true);
    expect(f.orderPosts()).toBe(1);
    expect(f.orders()).toHaveLength(1);
    expect(
      f.requests.some(
        (r) => r.startsWith("GET /api/v3/order?") && r.includes(`origClientOrderId=${order.clientOrderId}`),
      ),
    ).toBe(true);
    expect(types(await venueEvents(log))).toEqual(["OrderAccepted", "OrderFilled"]);
  });

  it("a timed-out send is retried: the exchange already has it, nothing is sent twice", async () => {
    const log = createEmbeddedEventLog();
    const f = await exchangeAt({ slowMs: 800 });
    f.failNextPost("slow-response");
    const g = await gateway(log, f, 300);
    await submit(log, "d1");
    expect(await g.settled(5_000)).toBe(true);
    expect(f.orderPosts()).toBe(1);
    expect(types(await venueEvents(log))).toEqual(["OrderAccepted", "OrderFilled"]);
  });

  it("crash after sending, before the acknowledgement is recorded: the next gateway finds it by client id and does not send it again", async () => {
    const log = createEmbeddedEventLog();
    const f = await exchangeAt();
    // The first gateway dies between the exchange's answer and the append (its log refuses every venue write).
    const dying: EventLog = {
      root: log.root,
      append: async (subject, events, opts) => {
        if (subject.endsWith(".venue")) throw new Error("killed before recording the acknowledgement");
        return log.append(subject, events, opts);
      },
      read: (filter, opts) => log.read(filter, opts),
      subscribe: (filter, opts) => log.subscribe(filter, opts),
      lastSeq: (subject) => log.lastSeq(subject),
      close: async () => undefined,
    };
    const first = await gateway(dying, f);
    const order = await submit(log, "d1");
    const exit = await first.done;
    expect(exit.reason).toBe("failed");
    expect(f.orderPosts()).toBe(1);
    expect(await venueEvents(log)).toEqual([]);

    const second = await gateway(log, f);
    expect(await second.settled(5_000)).toBe(true);
    expect(f.orderPosts()).toBe(1); // exactly one POST /api/v3/order in all
    expect(
      f.requests.some(
        (r) => r.startsWith("GET /api/v3/order?") && r.includes(`origClientOrderId=${order.clientOrderId}`),
      ),
    ).toBe(true);
    const events = await venueEvents(log);
    expect(types(events)).toEqual(["OrderAccepted", "OrderFilled"]);
    expect(events[0]?.data).toMatchObject({ orderId: order.orderId, venueOrderId: "1001" });
  });

  it("on restart an order the exchange never saw is sent; answered ones are only polled", async () => {
    const log = createEmbeddedEventLog();
    const f = await exchangeAt();
    const first = await gateway(log, f);
    const open = await submit(log, "d1", { type: "limit", limitPrice: "90", quantity: "1" });
    await until(async () => (await venueEvents(log)).length === 1);
    await first.stop();
    await submit(log, "d2"); // appended while no gateway runs
    const second = await gateway(log, f);
    await until(async () => (await venueEvents(log)).length === 3);
    f.trade(open.clientOrderId, "1", "90");
    expect(await second.settled(5_000)).toBe(true);
    expect(f.orderPosts()).toBe(2);
    expect(types(await venueEvents(log))).toEqual([
      "OrderAccepted",
      "OrderAccepted",
      "OrderFilled",
      "OrderFilled",
    ]);
  });

  it("an intent older than the age limit is not sent after a restart: recorded as a stale rejection", async () => {
    const log = createEmbeddedEventLog();
    const f = await exchangeAt();
    await submit(log, "d1"); // decided at T0; no gateway ran then
    now = T0 + 10 * 60_000;
    const g = await startLiveVenueGateway({
      log,
      sessionId: SESSION,
      exchange: client(f),
      quoteCurrency: "USDT",
      pollIntervalMs: 20,
      clock: () => now,
      maxOrderAgeMs: 5 * 60_000,
    });
    gateways.push(g);
    expect(await g.settled(5_000)).toBe(true);
    const events = await venueEvents(log);
    expect(types(events)).toEqual(["OrderRejected"]);
    expect(events[0]?.data).toMatchObject({ reason: "stale: decided 600 s ago (limit 300 s), not sent" });
    expect(f.orderPosts()).toBe(0);
  });

  it("restarting over a complete record changes nothing: same ids, no calls that send", async () => {
    const log = createEmbeddedEventLog();
    const f = await exchangeAt();
    const first = await gateway(log, f);
    await submit(log, "d1");
    expect(await first.settled(5_000)).toBe(true);
    await first.stop();
    const before = await venueEvents(log);
    const second = await gateway(log, f);
    expect(second.outstanding()).toBe(0);
    expect(await second.settled(1_000)).toBe(true);
    expect(await venueEvents(log)).toEqual(before);
    expect(f.orderPosts()).toBe(1);
  });

  it("sends only orders addressed to its venue (a local refusal is never sent)", async () => {
    const log = createEmbeddedEventLog();
    const f = await exchangeAt();
    const g = await gateway(log, f);
    await submit(log, "d1", { venue: "local" });
    await submit(log, "d2");
    expect(await g.settled(5_000)).toBe(true);
    expect(f.orderPosts()).toBe(1);
    expect(f.orders()[0]?.clientOrderId).toBe(clientOrderId("d2"));
  });

  it("wrong credentials: the exchange's signature check refuses, recorded as a rejection", async () => {
    const log = createEmbeddedEventLog();
    const f = await exchangeAt();
    const g = await startLiveVenueGateway({
      log,
      sessionId: SESSION,
      exchange: client(f, 2_000, "not-the-secret"),
      quoteCurrency: "USDT",
      pollIntervalMs: 20,
      policy: { initialDelayMs: 5, timeoutMs: 2_000 },
    });
    gateways.push(g);
    await submit(log, "d1");
    expect(await g.settled(5_000)).toBe(true);
    const events = await venueEvents(log);
    expect(types(events)).toEqual(["OrderRejected"]);
    expect(events[0]?.data).toMatchObject({ reason: "Signature for this request is not valid." });
    expect(f.orders()).toHaveLength(0);
  });

  it("ends with the session once nothing is outstanding", async () => {
    const log = createEmbeddedEventLog();
    const f = await exchangeAt();
    const g = await gateway(log, f);
    await submit(log, "d1");
    const stopped = createEvent(
      { root: log.root, sessionId: SESSION, writer: "session", recordedAt: at(9) },
      { type: "SessionStopped", at: at(9), data: { reason: "market data ended" } } as AnyEventDraft,
      null,
      "stopped",
    );
    await log.append(subjectFor(log.root, SESSION, "session"), [stopped]);
    expect((await g.done).reason).toBe("session-ended");
    const all: AnyEvent[] = [];
    for await (const e of log.read(sessionFilter(log.root, SESSION))) all.push(e);
    expect(types(all).filter((t) => t.startsWith("Order"))).toEqual([
      "OrderSubmitted",
      "OrderAccepted",
      "OrderFilled",
    ]);
  });
});
