import {
  type DecisionView,
  type RiskVerdictView,
  toDecisionView,
  toVerdictView,
  toVoteView,
  type VoteView,
} from "./decisions-query.ts";
import { type FillView, getOrder, type OrderView, toFillView } from "./orders-query.ts";
import { isoTime, type ReadModelDb, toNumber } from "./read-model-db.ts";
import { type SignalView, toSignalView } from "./signals-query.ts";

export interface BarView {
  readonly eventId: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly openTime: string;
  readonly closeTime: string;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
  readonly seq: number;
}

export interface ExplainedVote extends VoteView {
  /** The signal behind the vote, with its features. */
  readonly signal: SignalView | null;
  /** The bar that caused the signal (the signal's causation id). */
  readonly bar: BarView | null;
}

export interface OrderExplanation {
  readonly order: OrderView;
  readonly fills: readonly FillView[];
  /** For a protective order (stop, take-profit) the chain runs through its parent. */
  readonly parent: OrderView | null;
  readonly verdict: RiskVerdictView | null;
  readonly decision: DecisionView | null;
  readonly votes: readonly ExplainedVote[];
  /** Event ids from the order back to the bars: order ← verdict ← decision ← signals ← bars. */
  readonly chain: readonly string[];
}

/**
 * Why an order exists, in one call: order ← risk verdict ← decision ← every vote ← each signal with its features ←
 * the bar it judged, followed through causation ids. Null when no order has this id (or client order id).
 */
export async function explainOrder(db: ReadModelDb, orderId: string): Promise<OrderExplanation | null> {
  const order = await getOrder(db, orderId);
  if (order === null) return null;
  const parent = order.parentOrderId === null ? null : await getOrder(db, order.parentOrderId);
  const root = parent ?? order;
  const fills = await db
    .selectFrom("fills")
    .selectAll()
    .where("order_id", "=", order.orderId)
    .orderBy("seq")
    .execute();
  // The order's cause is the approval; an order placed without one (a flatten) still names its decision.
  const byCause =
    root.causationId === null
      ? undefined
      : await db
          .selectFrom("risk_verdicts")
          .selectAll()
          .where("verdict_id", "=", root.causationId)
          .executeTakeFirst();
  const verdictRow =
    byCause ??
    (root.decisionId === null
      ? undefined
      : await db
          .selectFrom("risk_verdicts")
          .selectAll()
          .where("decision_id", "=", root.decisionId)
          .where("verdict", "=", "approved")
          .executeTakeFirst());
  const decisionId = verdictRow?.causation_id ?? verdictRow?.decision_id ?? root.decisionId;
  const decisionRow =
    decisionId === null || decisionId === undefined
      ? undefined
      : await db.selectFrom("decisions").selectAll().where("decision_id", "=", decisionId).executeTakeFirst();
  const voteRows =
    decisionRow === undefined
      ? []
      : await db
          .selectFrom("decision_votes")
          .selectAll()
          .where("decision_id", "=", decisionRow.decision_id)
          .orderBy("agent")
          .execute();
  const signalIds = voteRows.map((v) => v.signal_id);
  const signalRows =
    signalIds.length === 0
      ? []
      : await db.selectFrom("signals").selectAll().where("signal_id", "in", signalIds).execute();
  const barIds = [...new Set(signalRows.map((s) => s.causation_id).filter((c): c is string => c !== null))];
  const barRows =
    barIds.length === 0
      ? []
      : await db.selectFrom("candles").selectAll().where("event_id", "in", barIds).execute();
  const signals = new Map(signalRows.map((s) => [s.signal_id, toSignalView(s)]));
  const bars = new Map<string, BarView>(
    barRows.map((b) => [
      b.event_id,
      {
        eventId: b.event_id,
        symbol: b.symbol,
        timeframe: b.timeframe,
        openTime: isoTime(b.open_time),
        closeTime: isoTime(b.close_time),
        open: b.open,
        high: b.high,
        low: b.low,
        close: b.close,
        volume: b.volume,
        seq: toNumber(b.seq),
      },
    ]),
  );
  const votes = voteRows.map((v) => {
    const signal = signals.get(v.signal_id) ?? null;
    const bar = signal?.causationId ? (bars.get(signal.causationId) ?? null) : null;
    return { ...toVoteView(v), signal, bar };
  });
  const chain = [
    order.submittedEventId,
    ...(parent ? [parent.submittedEventId] : []),
    ...(verdictRow ? [verdictRow.verdict_id] : []),
    ...(decisionRow ? [decisionRow.decision_id] : []),
    ...votes.flatMap((v) => (v.signal ? [v.signal.signalId] : [])),
    ...[...bars.keys()].sort(),
  ];
  return {
    order,
    fills: fills.map(toFillView),
    parent,
    verdict: verdictRow === undefined ? null : toVerdictView(verdictRow),
    decision: decisionRow === undefined ? null : toDecisionView(decisionRow),
    votes,
    chain,
  };
}
