import { setTimeout as sleep } from "node:timers/promises";
import { type Exchange, ExchangeError, type Order, OrderNotFound, type Trade } from "ccxt";
import type { IPolicy, IRetryContext } from "cockatiel";
import type { HostExit } from "../../actors/index.ts";
import {
  type AnyEvent,
  ConcurrencyError,
  createEvent,
  type EventEnvelope,
  type EventLog,
  FencedError,
  hasErrorCode,
  sessionFilter,
  subjectFor,
} from "../../events/index.ts";
import {
  answersFromExchange,
  createVenueOrderRecord,
  foldAnswer,
  rejectionFromExchange,
  type VenueOrderRecord,
} from "./venue-answers.ts";
import { createVenuePolicy, isNetworkFailure, type VenuePolicyOptions } from "./venue-policy.ts";

export interface LiveVenueGatewayOptions {
  readonly log: EventLog;
  readonly sessionId: string;
  /** A ccxt exchange with credentials (its API URLs may point at a testnet, a proxy or a local fake). */
  readonly exchange: Exchange;
  /** The venue name orders are addressed to (OrderSubmitted.venue; default the exchange's id). */
  readonly venue?: string;
  /** The session's quote currency (the fee currency when the exchange names none). */
  readonly quoteCurrency: string;
  readonly policy?: VenuePolicyOptions;
  /** Between polls of open and unknown orders (default 2 s). */
  readonly pollIntervalMs?: number;
  /**
   * An intent older than this (its event time against the wall clock) is never sent: recorded as rejected instead.
   * Guards a restart after an outage from sending yesterday's decisions at today's prices. Default: no limit.
   */
  readonly maxOrderAgeMs?: number;
  /** The wall clock (ms): answers the exchange gives no time for, order age, and `recordedAt`. */
  readonly clock?: () => number;
  /** An exchange call failed (after its retries); the gateway goes on. */
  readonly onError?: (error: unknown, orderId: string) => void;
}

/** How a gateway ends: as an actor host does (stopped, the session ended, fenced by another instance, failed). */
export type GatewayExit = HostExit;

export interface LiveVenueGateway {
  readonly done: Promise<GatewayExit>;
  /** Orders awaiting an answer or more fills. */
  outstanding(): number;
  /** Resolves true once every order intent on the log is read and none is outstanding; false after `timeoutMs`. */
  settled(timeoutMs?: number): Promise<boolean>;
  stop(): Promise<GatewayExit>;
}

/** How an exchange takes a client order id when creating and when looking up (Binance has its own names). */
function clientIdParams(exchange: Exchange, clientOrderId: string, purpose: "create" | "lookup") {
  if (exchange.id.startsWith("binance")) {
    return purpose === "create" ? { newClientOrderId: clientOrderId } : { origClientOrderId: clientOrderId };
  }
  return { clientOrderId };
}

/** Binance answers a second order with a known client id with "Duplicate order sent." (-2010). */
function isDuplicateOrder(error: unknown): boolean {
  return error instanceof ExchangeError && /duplicate/i.test(error.message);
}

/** The exchange's reason: its own message (Binance's `msg`), without ccxt's exchange-id prefix. */
function reasonOf(error: unknown, exchangeId: string): string {
  const text = error instanceof Error ? error.message : String(error);
  const json = /\{.*"msg"\s*:\s*"([^"]*)".*\}/.exec(text);
  const bare = text.startsWith(`${exchangeId} `) ? text.slice(exchangeId.length + 1) : text;
  return (json?.[1] ?? bare).slice(0, 500);
}

/**
 * The live venue gateway (DESIGN §8): follows a session's events, sends every OrderSubmitted addressed to its venue
 * with ccxt, and records every exchange answer on its own subject `venue` — OrderAccepted with the venue's order id,
 * OrderRejected with the exchange's reason, OrderFilled per trade with its fee, OrderCancelled — polling open orders
 * for fills. An answer's id follows from the order's event and the venue's trade, so one recorded twice is stored once.
 *
 * Never a double order: the client order id comes from the decision; a retried send first looks the order up by it
 * (and a duplicate refusal is answered by a lookup); on start, every order with no recorded answer is looked up by
 * its client id — the gateway may have died after sending and before recording — and sent only if the exchange does
 * not know it.
 */
export async function startLiveVenueGateway(options: LiveVenueGatewayOptions): Promise<LiveVenueGateway> {
  const { log, sessionId, exchange } = options;
  const venue = options.venue ?? exchange.id;
  const clock = options.clock ?? Date.now;
  const pollMs = options.pollIntervalMs ?? 2_000;
  const policy: IPolicy<IRetryContext> = createVenuePolicy(options.policy);
  const subject = subjectFor(log.root, sessionId, "venue");
  const filter = sessionFilter(log.root, sessionId);
  const records = new Map<string, VenueOrderRecord>();
  /** Unanswered orders: sent at once when they arrive live, looked up first when found on start or after a failure. */
  const pending = new Map<string, "send" | "lookup">();
  let ownLastSeq = await log.lastSeq(subject);
  let stopping = false;
  let sessionEnded = false;
  let wake: (() => void) | null = null;
  const wakeUp = () => {
    wake?.();
    wake = null;
  };

  const fold = (event: AnyEvent, live: boolean) => {
    if (event.type === "SessionStopped") sessionEnded = true;
    if (event.type === "OrderSubmitted") {
      if (event.data.venue !== venue || records.has(event.data.orderId)) return;
      records.set(event.data.orderId, createVenueOrderRecord(event as EventEnvelope<"OrderSubmitted">));
      pending.set(event.data.orderId, live ? "send" : "lookup");
      return;
    }
    if ("orderId" in event.data && typeof event.data.orderId === "string") {
      const record = records.get(event.data.orderId);
      if (record === undefined) return;
      foldAnswer(record, event);
      if (record.answered) pending.delete(event.data.orderId);
    }
  };

  // Catch up with what the log holds, then follow it live from there.
  let tail = 0;
  for await (const event of log.read(filter)) {
    fold(event, false);
    tail = event.seq;
  }
  let seenSeq = tail;
  const sub = log.subscribe(filter, { fromSeq: tail + 1 });
  const following = (async () => {
    for await (const event of sub) {
      fold(event, true);
      seenSeq = event.seq;
      if (event.type === "OrderSubmitted" || event.type === "SessionStopped") wakeUp();
    }
  })();

  const record = async (r: VenueOrderRecord, drafts: ReturnType<typeof answersFromExchange>) => {
    if (drafts.length === 0) return;
    const cause = { id: r.submitted.id, correlationId: r.submitted.correlationId };
    const ctx = {
      root: log.root,
      sessionId,
      writer: "venue" as const,
      recordedAt: new Date(clock()).toISOString(),
    };
    const events = drafts.map((d) => {
      const ordinal =
        d.type === "OrderAccepted" ? "accepted" : d.type === "OrderFilled" ? `fill:${d.data.fillId}` : "end";
      return createEvent(ctx, d, cause, ordinal);
    });
    try {
      const result = await log.append(subject, events, { expectedLastSeq: ownLastSeq });
      ownLastSeq = Math.max(ownLastSeq, result.lastSeq);
    } catch (error) {
      if (error instanceof ConcurrencyError || hasErrorCode(error, "CONCURRENCY")) {
        throw new FencedError(`${subject} is written by another gateway: this one stops`, { cause: error });
      }
      throw error;
    }
  };

  const symbolOf = (r: VenueOrderRecord) => r.submitted.data.symbol;

  /** The exchange's view of an order by its client id (null: the exchange does not know it). One call. */
  const findByClientId = async (r: VenueOrderRecord): Promise<Order | null> => {
    try {
      return await exchange.fetchOrder(
        r.venueOrderId ?? "",
        symbolOf(r),
        clientIdParams(exchange, r.submitted.data.clientOrderId, "lookup"),
      );
    } catch (error) {
      if (error instanceof OrderNotFound) return null;
      throw error;
    }
  };
  const lookup = (r: VenueOrderRecord) => policy.execute(() => findByClientId(r));

  const tradesOf = async (r: VenueOrderRecord, order: Order): Promise<Trade[]> => {
    if (!(Number(order.filled ?? 0) > Number(r.cumulative))) return [];
    const all = await policy.execute(() =>
      exchange.has["fetchOrderTrades"] === true
        ? exchange.fetchOrderTrades(String(order.id), symbolOf(r))
        : exchange.fetchMyTrades(symbolOf(r), undefined, undefined, { orderId: order.id }),
    );
    return all.filter((t) => t.order === undefined || String(t.order) === String(order.id));
  };

  const absorb = async (r: VenueOrderRecord, order: Order) => {
    const trades = await tradesOf(r, order);
    await record(
      r,
      answersFromExchange(r, order, trades, { venue, quoteCurrency: options.quoteCurrency, now: clock() }),
    );
  };

  /** Sends an order; a retry (or a duplicate refusal) first asks the exchange whether the order is already there. */
  const send = async (r: VenueOrderRecord) => {
    const d = r.submitted.data;
    if (d.type !== "market" && d.type !== "limit") {
      await record(r, [rejectionFromExchange(r, `${d.type} orders are not sent to ${venue}`, clock())]);
      return;
    }
    const age = clock() - Date.parse(r.submitted.at);
    if (options.maxOrderAgeMs !== undefined && age > options.maxOrderAgeMs) {
      pending.delete(d.orderId);
      const reason = `stale: decided ${Math.round(age / 1000)} s ago (limit ${options.maxOrderAgeMs / 1000} s), not sent`;
      await record(r, [rejectionFromExchange(r, reason, clock())]);
      return;
    }
    let order: Order;
    try {
      order = await policy.execute(async ({ attempt }) => {
        if (attempt > 0) {
          const found = await findByClientId(r);
          if (found !== null) return found;
        }
        try {
          return await exchange.createOrder(
            d.symbol,
            d.type,
            d.side,
            Number(d.quantity),
            d.limitPrice === undefined ? undefined : Number(d.limitPrice),
            clientIdParams(exchange, d.clientOrderId, "create"),
          );
        } catch (error) {
          if (!isDuplicateOrder(error)) throw error;
          const found = await findByClientId(r);
          if (found === null) throw error;
          return found;
        }
      });
    } catch (error) {
      if (isNetworkFailure(error)) {
        // Unknown outcome: the next pass looks it up by its client id before anything is sent again.
        pending.set(d.orderId, "lookup");
        options.onError?.(error, d.orderId);
        return;
      }
      pending.delete(d.orderId);
      await record(r, [rejectionFromExchange(r, reasonOf(error, exchange.id), clock())]);
      return;
    }
    pending.delete(d.orderId);
    await absorb(r, order);
  };

  const reconcile = async (r: VenueOrderRecord) => {
    const found = await lookup(r);
    if (found === null) return send(r);
    pending.delete(r.submitted.data.orderId);
    await absorb(r, found);
  };

  const refresh = async (r: VenueOrderRecord) => {
    const order = await policy.execute(() => exchange.fetchOrder(r.venueOrderId ?? "", symbolOf(r)));
    await absorb(r, order);
  };

  const outstanding = () => [...records.values()].filter((r) => !r.ended).length;

  /** One pass: new orders are sent, unknown ones reconciled, open ones polled for fills. */
  const pass = async () => {
    for (const [orderId, mode] of [...pending]) {
      const r = records.get(orderId);
      if (r === undefined || r.answered) {
        pending.delete(orderId);
        continue;
      }
      await guarded(orderId, () => (mode === "send" ? send(r) : reconcile(r)));
    }
    for (const r of records.values()) {
      if (r.answered && !r.ended && r.venueOrderId !== undefined) {
        await guarded(r.submitted.data.orderId, () => refresh(r));
      }
    }
  };

  /** An exchange failure of one order is reported and retried next pass; a log failure ends the gateway. */
  const guarded = async (orderId: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (error) {
      if (error instanceof FencedError || !(error instanceof ExchangeError || isNetworkFailure(error)))
        throw error;
      options.onError?.(error, orderId);
    }
  };

  const run = async (): Promise<GatewayExit> => {
    try {
      if (!exchange.markets) await policy.execute(() => exchange.loadMarkets());
      while (!stopping) {
        await pass();
        if (sessionEnded && outstanding() === 0) return { reason: "session-ended" };
        const nap = new AbortController();
        await Promise.race([
          new Promise<void>((resolve) => {
            wake = resolve;
          }),
          sleep(pollMs, undefined, { signal: nap.signal }).catch(() => undefined),
        ]);
        nap.abort();
      }
      return { reason: "stopped" };
    } catch (error) {
      if (error instanceof FencedError) return { reason: "fenced", error };
      return { reason: "failed", error };
    } finally {
      await sub.close().catch(() => undefined);
      await following.catch(() => undefined);
    }
  };

  const done = run();
  return {
    done,
    outstanding,
    async settled(timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      const orders = subjectFor(log.root, sessionId, "exec");
      // Settled means: every order intent on the log so far has been read, and none awaits anything.
      while (outstanding() > 0 || seenSeq < (await log.lastSeq(orders))) {
        if (Date.now() > until) return false;
        await sleep(Math.min(50, pollMs));
      }
      return true;
    },
    async stop() {
      stopping = true;
      wakeUp();
      return done;
    },
  };
}
