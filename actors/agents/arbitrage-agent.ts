import type { SessionSetup } from "../session/session-setup.ts";
import type { ArbitrageParams } from "../strategy/strategy-config.ts";
import { type AgentLogic, createAgentMachine, createAgentSpec } from "./agent-machine.ts";
import { cannotJudge, fmt } from "./signal-score.ts";

interface Quote {
  readonly venue: string;
  readonly bid: number;
  readonly ask: number;
  readonly quotedMs: number;
  readonly atMs: number;
  /** Taker fee as a fraction, when the venue told us. */
  readonly takerFee: number | null;
}

interface ArbitrageState {
  /** The last few quotes per venue, newest last. */
  readonly quotes: Map<string, Quote[]>;
}

/** One way round: buy at `buy`'s ask, sell at `sell`'s bid. Net edge as a fraction of the buy price. */
export interface Leg {
  readonly buyVenue: string;
  readonly sellVenue: string;
  readonly gross: number;
  readonly net: number;
}

function leg(buy: Quote, sell: Quote, p: ArbitrageParams): Leg {
  const fee = (q: Quote) => q.takerFee ?? p.defaultTakerFeePct / 100;
  const gross = (sell.bid - buy.ask) / buy.ask;
  return {
    buyVenue: buy.venue,
    sellVenue: sell.venue,
    gross,
    net: gross - fee(buy) - fee(sell) - p.transferCostPct / 100,
  };
}

const pct = (x: number | null) => (x === null ? "n/a" : `${fmt(x * 100, 3)} %`);

export const arbitrageLogic: AgentLogic<ArbitrageParams, ArbitrageState> = {
  name: "arbitrage",
  version: "arbitrage-v1",
  inputs: ["VenueQuote"],
  init: () => ({ quotes: new Map() }),
  observe(s, event, { symbol }) {
    if (event.type !== "VenueQuote" || event.data.symbol !== symbol) return;
    const d = event.data;
    const q: Quote = {
      venue: d.venue,
      bid: Number(d.bid),
      ask: Number(d.ask),
      quotedMs: Date.parse(d.quotedAt),
      atMs: Date.parse(event.at),
      takerFee: d.takerFee === undefined ? null : Number(d.takerFee),
    };
    const list = s.quotes.get(d.venue) ?? [];
    list.push(q);
    if (list.length > 4) list.shift();
    s.quotes.set(d.venue, list);
  },
  judge(s, bar, { params: p }) {
    // Per venue, the newest quote known at the close and no older than maxQuoteAgeMs (event time).
    const fresh: Quote[] = [];
    for (const list of s.quotes.values()) {
      let best: Quote | null = null;
      for (const q of list) {
        const visible = q.atMs <= bar.closeMs && q.quotedMs <= bar.closeMs;
        if (visible && bar.closeMs - q.quotedMs <= p.maxQuoteAgeMs && q.bid > 0 && q.ask > 0) {
          if (best === null || q.quotedMs >= best.quotedMs) best = q;
        }
      }
      if (best !== null) fresh.push(best);
    }
    fresh.sort((a, b) => (a.venue < b.venue ? -1 : a.venue > b.venue ? 1 : 0));
    const home = fresh.find((q) => q.venue === p.homeVenue);
    const base = { venues: fresh.length, homeBid: home?.bid ?? null, homeAsk: home?.ask ?? null };
    if (home === undefined)
      return cannotJudge(`no quote from ${p.homeVenue} in the last ${p.maxQuoteAgeMs / 1000} s`, base);
    if (fresh.length < p.minVenues) {
      return cannotJudge(
        `${fresh.length} venue(s) quoted in the last ${p.maxQuoteAgeMs / 1000} s, need ${p.minVenues}`,
        base,
      );
    }
    const others = fresh.filter((q) => q !== home);
    // BUY: buy here, sell at the best bid elsewhere. SELL: sell here, buy back at the best ask elsewhere.
    const bestLeg = (legs: Leg[]) => legs.reduce((m, l) => (l.net > m.net ? l : m));
    const buy = bestLeg(others.map((o) => leg(home, o, p)));
    const sell = bestLeg(others.map((o) => leg(o, home, p)));
    const min = p.minNetEdgePct / 100;
    const features = {
      ready: true,
      ...base,
      buyNetEdgePct: buy.net * 100,
      buyGrossEdgePct: buy.gross * 100,
      buyElsewhere: buy.sellVenue,
      sellNetEdgePct: sell.net * 100,
      sellGrossEdgePct: sell.gross * 100,
      sellElsewhere: sell.buyVenue,
      minNetEdgePct: p.minNetEdgePct,
    };
    const legText = (l: Leg) =>
      `buy ${l.buyVenue} / sell ${l.sellVenue}: gross ${pct(l.gross)}, net ${pct(l.net)}`;
    const pick =
      buy.net >= sell.net ? { action: "BUY" as const, l: buy } : { action: "SELL" as const, l: sell };
    if (pick.l.net <= 0 || pick.l.net < min) {
      return {
        action: "HOLD",
        confidence: 0,
        reasoning: `HOLD: no edge after fees and transfer (best ${legText(pick.l)} < ${pct(min)}; ${fresh.length} venues)`,
        features,
      };
    }
    // 0.5 at the minimum edge, 1 at twice the minimum.
    const confidence = Math.min(1, 0.5 + (0.5 * (pick.l.net - min)) / Math.max(min, 1e-9));
    return {
      action: pick.action,
      confidence,
      reasoning: `${pick.action}: ${legText(pick.l)} ≥ ${pct(min)} after taker fees both sides and ${p.transferCostPct} % transfer`,
      features,
    };
  },
  minActConfidence: () => 0.5,
};

/** The arbitrage agent's machine: cross-venue edge net of fees and transfer costs (DESIGN §5). */
export const arbitrageAgent = createAgentMachine(arbitrageLogic);

/** The arbitrage agent's ActorSpec for a session. */
export function createArbitrageAgentSpec(setup: SessionSetup) {
  return createAgentSpec(arbitrageLogic, arbitrageAgent, setup, setup.strategy.agents.arbitrage);
}
