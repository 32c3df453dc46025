import type { Selectable } from "kysely";
import type { Decisions, DecisionVotes, RiskVerdicts } from "../schema/database.ts";
import {
  isoTime,
  type Page,
  type PageQuery,
  pageBounds,
  type ReadModelDb,
  toNumber,
} from "./read-model-db.ts";

export interface DecisionView {
  readonly decisionId: string;
  readonly sessionId: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly bar: string;
  readonly action: string;
  readonly consensus: number;
  readonly scores: { readonly BUY: number; readonly SELL: number; readonly HOLD: number };
  readonly missing: readonly string[];
  readonly price: string;
  readonly ruleVersion: string;
  readonly reasoning: string;
  readonly at: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly seq: number;
}

export interface VoteView {
  readonly agent: string;
  readonly action: string;
  readonly confidence: number;
  readonly weight: number;
  readonly signalId: string;
  readonly veto: boolean;
}

export interface RiskVerdictView {
  readonly verdictId: string;
  readonly decisionId: string;
  readonly verdict: "approved" | "rejected";
  readonly symbol: string;
  readonly action: string | null;
  readonly side: string | null;
  readonly quantity: string | null;
  readonly price: string | null;
  readonly notional: string | null;
  readonly reduceOnly: boolean | null;
  readonly sizing: unknown;
  readonly stopLoss: string | null;
  readonly takeProfit: string | null;
  readonly trailingPct: number | null;
  readonly checks: unknown;
  readonly tradingState: string | null;
  readonly at: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly seq: number;
}

export interface DecisionWithVotes extends DecisionView {
  readonly votes: readonly VoteView[];
  readonly verdict: RiskVerdictView | null;
}

export interface DecisionFilter extends PageQuery {
  readonly sessionId: string;
  readonly action?: "BUY" | "SELL" | "HOLD";
  readonly symbol?: string;
  /** Bars at or after (ISO). */
  readonly from?: string;
  /** Bars before (ISO). */
  readonly to?: string;
  /** Newest first (default) or oldest first. */
  readonly order?: "asc" | "desc";
}

export function toDecisionView(r: Selectable<Decisions>): DecisionView {
  return {
    decisionId: r.decision_id,
    sessionId: r.session_id,
    symbol: r.symbol,
    timeframe: r.timeframe,
    bar: isoTime(r.bar),
    action: r.action,
    consensus: r.consensus,
    scores: { BUY: r.score_buy, SELL: r.score_sell, HOLD: r.score_hold },
    missing: r.missing as string[],
    price: r.price,
    ruleVersion: r.rule_version,
    reasoning: r.reasoning,
    at: isoTime(r.at),
    correlationId: r.correlation_id,
    causationId: r.causation_id,
    seq: toNumber(r.seq),
  };
}

export function toVoteView(r: Selectable<DecisionVotes>): VoteView {
  return {
    agent: r.agent,
    action: r.action,
    confidence: r.confidence,
    weight: r.weight,
    signalId: r.signal_id,
    veto: r.veto,
  };
}

export function toVerdictView(r: Selectable<RiskVerdicts>): RiskVerdictView {
  return {
    verdictId: r.verdict_id,
    decisionId: r.decision_id,
    verdict: r.verdict as RiskVerdictView["verdict"],
    symbol: r.symbol,
    action: r.action,
    side: r.side,
    quantity: r.quantity,
    price: r.price,
    notional: r.notional,
    reduceOnly: r.reduce_only,
    sizing: r.sizing,
    stopLoss: r.stop_loss,
    takeProfit: r.take_profit,
    trailingPct: r.trailing_pct,
    checks: r.checks,
    tradingState: r.trading_state,
    at: isoTime(r.at),
    correlationId: r.correlation_id,
    causationId: r.causation_id,
    seq: toNumber(r.seq),
  };
}

/** A session's decisions, paginated, filtered by action, symbol and bar time. */
export async function listDecisions(db: ReadModelDb, filter: DecisionFilter): Promise<Page<DecisionView>> {
  const { limit, offset } = pageBounds(filter);
  let q = db.selectFrom("decisions").where("session_id", "=", filter.sessionId);
  if (filter.action) q = q.where("action", "=", filter.action);
  if (filter.symbol) q = q.where("symbol", "=", filter.symbol);
  if (filter.from) q = q.where("bar", ">=", new Date(filter.from));
  if (filter.to) q = q.where("bar", "<", new Date(filter.to));
  const order = filter.order ?? "desc";
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy("bar", order).orderBy("seq", order).limit(limit).offset(offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toDecisionView), total: toNumber(count.n), limit, offset };
}

/** One decision with every vote (sorted by agent) and its risk verdict, or null. */
export async function getDecision(db: ReadModelDb, decisionId: string): Promise<DecisionWithVotes | null> {
  const [d, votes, verdict] = await Promise.all([
    db.selectFrom("decisions").selectAll().where("decision_id", "=", decisionId).executeTakeFirst(),
    db
      .selectFrom("decision_votes")
      .selectAll()
      .where("decision_id", "=", decisionId)
      .orderBy("agent")
      .execute(),
    db
      .selectFrom("risk_verdicts")
      .selectAll()
      .where("decision_id", "=", decisionId)
      .orderBy("seq")
      .executeTakeFirst(),
  ]);
  if (d === undefined) return null;
  return {
    ...toDecisionView(d),
    votes: votes.map(toVoteView),
    verdict: verdict === undefined ? null : toVerdictView(verdict),
  };
}
