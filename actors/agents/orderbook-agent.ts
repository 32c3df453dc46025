import type { AnyEvent } from "../../events/index.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import type { OrderbookParams } from "../strategy/strategy-config.ts";
import { type AgentLogic, createAgentMachine, createAgentSpec } from "./agent-machine.ts";
import { actOnScore, cannotJudge, clamp, fmt, signed } from "./signal-score.ts";

type Level = readonly [price: number, qty: number];

interface Book {
  readonly venue: string;
  readonly atMs: number;
  /** Best first. */
  readonly bids: readonly Level[];
  readonly asks: readonly Level[];
}

interface Spoof {
  readonly atMs: number;
  readonly side: "bid" | "ask";
  readonly price: number;
  readonly qty: number;
}

interface OrderbookState {
  /** The last few books by arrival; the judge takes the newest at or before the bar's close. */
  books: Book[];
  readonly lastByVenue: Map<string, Book>;
  /** Vanished large orders not yet judged. */
  spoofs: Spoof[];
}

const sum = (levels: readonly Level[]): number => levels.reduce((s, l) => s + l[1], 0);
const ratio = (a: number, b: number): number => (a + b > 0 ? (a - b) / (a + b) : 0);

function parseBook(event: AnyEvent & { type: "OrderBookSnapshot" }): Book {
  const toLevels = (side: readonly (readonly [string, string])[]): Level[] =>
    side.map(([p, q]) => [Number(p), Number(q)] as const);
  return {
    venue: event.data.venue,
    atMs: Date.parse(event.at),
    bids: toLevels(event.data.bids),
    asks: toLevels(event.data.asks),
  };
}

function meanLevelSize(book: Book): number {
  const n = book.bids.length + book.asks.length;
  return n > 0 ? (sum(book.bids) + sum(book.asks)) / n : 0;
}

/**
 * Large orders of `prev` (≥ multiple × its mean level size) that are gone from `cur` (less than half left) while the
 * price was not reached: for a bid, the best bid is still at or above it and the book still shows that depth. An order
 * the market traded through was filled, not pulled.
 */
export function vanishedLargeOrders(prev: Book, cur: Book, multiple: number): Spoof[] {
  const large = multiple * meanLevelSize(prev);
  const out: Spoof[] = [];
  const check = (side: "bid" | "ask", before: readonly Level[], after: readonly Level[]) => {
    const best = after[0]?.[0];
    const deepest = after[after.length - 1]?.[0];
    if (best === undefined || deepest === undefined) return;
    for (const [price, qty] of before) {
      if (large <= 0 || qty < large) continue;
      const untouched =
        side === "bid" ? best >= price && deepest <= price : best <= price && deepest >= price;
      if (!untouched) continue;
      const left = after.find((l) => l[0] === price)?.[1] ?? 0;
      if (left < qty / 2) out.push({ atMs: cur.atMs, side, price, qty });
    }
  };
  check("bid", prev.bids, cur.bids);
  check("ask", prev.asks, cur.asks);
  return out;
}

export const orderbookLogic: AgentLogic<OrderbookParams, OrderbookState> = {
  name: "orderbook",
  version: "orderbook-v1",
  inputs: ["OrderBookSnapshot"],
  init: () => ({ books: [], lastByVenue: new Map(), spoofs: [] }),
  observe(s, event, { symbol, params: p }) {
    if (event.type !== "OrderBookSnapshot" || event.data.symbol !== symbol) return;
    const book = parseBook(event);
    const prev = s.lastByVenue.get(book.venue);
    // Spoofing is judged between consecutive snapshots of one venue no more than spoofWindowMs apart (event time).
    if (prev !== undefined && book.atMs >= prev.atMs && book.atMs - prev.atMs <= p.spoofWindowMs) {
      s.spoofs.push(...vanishedLargeOrders(prev, book, p.largeOrderMultiple));
    }
    s.lastByVenue.set(book.venue, book);
    s.books.push(book);
    if (s.books.length > 8) s.books.shift();
  },
  judge(s, bar, { params: p }) {
    let book: Book | null = null;
    for (const b of s.books) if (b.atMs <= bar.closeMs && (book === null || b.atMs >= book.atMs)) book = b;
    const spoofs = s.spoofs.filter((x) => x.atMs <= bar.closeMs);
    s.spoofs = s.spoofs.filter((x) => x.atMs > bar.closeMs);
    if (book === null) return cannotJudge("no order book yet", { bookAgeMs: null });
    const bookAgeMs = bar.closeMs - book.atMs;
    if (bookAgeMs > p.maxBookAgeMs) {
      return cannotJudge(
        `the latest book is ${Math.round(bookAgeMs / 1000)} s old (max ${p.maxBookAgeMs / 1000} s)`,
        { bookAgeMs },
      );
    }
    const bestBid = book.bids[0]?.[0];
    const bestAsk = book.asks[0]?.[0];
    if (bestBid === undefined || bestAsk === undefined) return cannotJudge("one-sided book", { bookAgeMs });
    const mid = (bestBid + bestAsk) / 2;

    const imbalance = ratio(sum(book.bids.slice(0, p.levels)), sum(book.asks.slice(0, p.levels)));
    // Support and resistance: resting size within wallDistancePct of the mid, and the biggest level there.
    const near = (l: Level) => Math.abs(l[0] - mid) <= (mid * p.wallDistancePct) / 100;
    const supportLevels = book.bids.filter(near);
    const resistanceLevels = book.asks.filter(near);
    const biggest = (levels: readonly Level[]) =>
      levels.reduce<Level | null>((m, l) => (m === null || l[1] > m[1] ? l : m), null);
    const support = biggest(supportLevels);
    const resistance = biggest(resistanceLevels);
    const walls = ratio(sum(supportLevels), sum(resistanceLevels));
    const large = p.largeOrderMultiple * meanLevelSize(book);
    const largeBids = sum(book.bids.filter((l) => l[1] >= large));
    const largeAsks = sum(book.asks.filter((l) => l[1] >= large));
    const largeScore = ratio(largeBids, largeAsks);
    // A pulled bid was fake support (bearish), a pulled ask fake resistance (bullish).
    const spoofBids = spoofs.filter((x) => x.side === "bid").reduce((t, x) => t + x.qty, 0);
    const spoofAsks = spoofs.filter((x) => x.side === "ask").reduce((t, x) => t + x.qty, 0);
    const spoofScore = ratio(spoofAsks, spoofBids);
    const imbalanceScore =
      p.imbalanceThreshold > 0 ? clamp(imbalance / p.imbalanceThreshold) : Math.sign(imbalance);

    const w = p.weights;
    const totalWeight = w.imbalance + w.walls + w.large + w.spoof;
    const score =
      totalWeight > 0
        ? (w.imbalance * imbalanceScore + w.walls * walls + w.large * largeScore + w.spoof * spoofScore) /
          totalWeight
        : 0;
    const { action, confidence } = actOnScore(score, p.actThreshold);
    const parts = [
      `imbalance ${signed(imbalance)} over ${p.levels} levels ${signed(imbalanceScore)}`,
      `support ${fmt(support?.[0] ?? null)} (${fmt(support?.[1] ?? null, 3)}) vs resistance ${fmt(resistance?.[0] ?? null)} (${fmt(resistance?.[1] ?? null, 3)}) within ${p.wallDistancePct} % ${signed(walls)}`,
      `large orders bid ${fmt(largeBids, 3)} / ask ${fmt(largeAsks, 3)} ${signed(largeScore)}`,
      `pulled orders bid ${fmt(spoofBids, 3)} / ask ${fmt(spoofAsks, 3)} ${signed(spoofScore)}`,
    ];
    return {
      action,
      confidence,
      reasoning: `${action}: score ${signed(score)} vs ±${fmt(p.actThreshold)} (${parts.join("; ")}; ${book.venue} book ${Math.round(bookAgeMs / 1000)} s old)`,
      features: {
        ready: true,
        bookAgeMs,
        mid,
        spread: bestAsk - bestBid,
        imbalance,
        supportPrice: support?.[0] ?? null,
        supportQty: support?.[1] ?? null,
        resistancePrice: resistance?.[0] ?? null,
        resistanceQty: resistance?.[1] ?? null,
        wallScore: walls,
        largeBidQty: largeBids,
        largeAskQty: largeAsks,
        largeScore,
        spoofedBidQty: spoofBids,
        spoofedAskQty: spoofAsks,
        spoofScore,
        score,
      },
    };
  },
  minActConfidence: (p) => p.actThreshold,
};

/** The orderbook agent's machine: imbalance, walls, large orders and spoofing (DESIGN §5). */
export const orderbookAgent = createAgentMachine(orderbookLogic);

/** The orderbook agent's ActorSpec for a session. */
export function createOrderbookAgentSpec(setup: SessionSetup) {
  return createAgentSpec(orderbookLogic, orderbookAgent, setup, setup.strategy.agents.orderbook);
}
