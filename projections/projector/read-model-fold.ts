import type { AnyEvent, EventEnvelope, EventType } from "../../events/index.ts";
import type { Row, RowOp, UpdateOp, UpsertOp } from "./row-op.ts";

// The fold: one event in, the row operations it implies out. Pure — no I/O, no clock; everything written comes
// from the event, so a rebuild from sequence 1 writes the very same rows as the incremental projector.

type Of<T extends EventType> = EventEnvelope<T>;

const json = (value: unknown): string => JSON.stringify(value);

/**
 * Postgres text cannot hold U+0000, which a foreign payload (and the parse error quoting it) may carry: without this
 * the dead letter itself would fail to project and be dead-lettered again.
 */
function pgText(s: string): string {
  return s.replaceAll("\u0000", "\uFFFD");
}

/** The columns every row of an event gets: which session, and which event (id + stream sequence) wrote it. */
function stamp(e: AnyEvent): { session_id: string; event_id: string; seq: number } {
  return { session_id: e.sessionId, event_id: e.id, seq: e.seq };
}

function upsert(
  table: UpsertOp["table"],
  key: readonly string[],
  row: Row,
  options: Pick<UpsertOp, "update" | "increment" | "merge"> = {},
): UpsertOp {
  return { kind: "upsert", table, key, row, ...options };
}

/** Insert once: a redelivery (same key) keeps the stored row. */
function insertOnce(table: UpsertOp["table"], key: readonly string[], row: Row): UpsertOp {
  return upsert(table, key, row, { update: [] });
}

function updateSession(e: AnyEvent, set: Row): UpdateOp {
  return {
    kind: "update",
    table: "sessions",
    key: { session_id: e.sessionId },
    set: { ...set, updated_at: e.at, event_id: e.id },
    seq: e.seq,
    what: `session ${e.sessionId}`,
  };
}

function updateOrder(e: AnyEvent, orderId: string, set: Row): UpdateOp {
  return {
    kind: "update",
    table: "orders",
    key: { order_id: orderId },
    set: { ...set, updated_at: e.at, event_id: e.id },
    seq: e.seq,
    what: `order ${orderId}`,
  };
}

interface AuditEntry {
  readonly auditId?: string;
  readonly kind: string;
  readonly actor: string | null;
  readonly action: string;
  readonly outcome: string;
  readonly reason: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

function audit(e: AnyEvent, entry: AuditEntry, update?: readonly string[]): UpsertOp {
  const row: Row = {
    audit_id: entry.auditId ?? e.id,
    session_id: e.sessionId,
    kind: entry.kind,
    actor: entry.actor,
    action: entry.action,
    outcome: entry.outcome,
    reason: entry.reason,
    details: json(entry.details),
    at: e.at,
    recorded_at: e.recordedAt,
    correlation_id: e.correlationId,
    causation_id: e.causationId,
    event_id: e.id,
    seq: e.seq,
  };
  return update === undefined
    ? insertOnce("audit_trail", ["audit_id"], row)
    : upsert("audit_trail", ["audit_id"], row, { update, merge: ["details"] });
}

/** A control command's issue and its answer share one audit row: who and what from the one, the outcome from the other. */
const commandAuditId = (sessionId: string, commandId: string) => `command:${sessionId}:${commandId}`;

/** A dead letter's key: the refused message (subject + sequence, per refuser) when known, else the event. */
export function deadLetterId(
  refusedBy: string,
  originalSubject: string,
  originalSeq: number | undefined,
  eventId: string,
) {
  return originalSeq === undefined ? eventId : `${refusedBy}:${originalSubject}:${originalSeq}`;
}

const breakerKey = ["session_id", "breaker"];

type Folds = { readonly [T in EventType]?: (e: Of<T>) => readonly RowOp[] };

const folds: Folds = {
  SessionCreated: (e) => [
    upsert("sessions", ["session_id"], {
      ...stamp(e),
      mode: e.data.mode,
      symbols: json(e.data.symbols),
      timeframe: e.data.timeframe,
      initial_cash: e.data.initialCash,
      quote_currency: e.data.quoteCurrency,
      strategy: json(e.data.strategy),
      strategy_version: e.data.strategyVersion,
      source: json(e.data.source),
      parent_session_id: e.data.parentSessionId ?? null,
      label: e.data.label ?? null,
      status: "created",
      status_reason: null,
      created_at: e.at,
      started_at: null,
      stopped_at: null,
      final_equity: null,
      updated_at: e.at,
    }),
  ],
  SessionStarted: (e) => [updateSession(e, { status: "running", status_reason: null, started_at: e.at })],
  SessionPaused: (e) => [updateSession(e, { status: "paused", status_reason: e.data.reason })],
  SessionResumed: (e) => [updateSession(e, { status: "running", status_reason: e.data.reason })],
  SessionHalted: (e) => [updateSession(e, { status: "halted", status_reason: e.data.reason })],
  SessionStopping: (e) => [updateSession(e, { status: "stopping", status_reason: e.data.reason })],
  SessionStopped: (e) => [
    updateSession(e, {
      status: "stopped",
      status_reason: e.data.reason,
      stopped_at: e.at,
      final_equity: e.data.finalEquity ?? null,
    }),
  ],

  CommandIssued: (e) => [
    audit(
      e,
      {
        auditId: commandAuditId(e.sessionId, e.data.commandId),
        kind: "control_command",
        actor: e.data.issuedBy,
        action: e.data.command,
        outcome: "pending",
        reason: null,
        details: { commandId: e.data.commandId, requestReason: e.data.reason ?? null },
      },
      ["actor", "action"],
    ),
  ],
  CommandAccepted: (e) => [
    audit(
      e,
      {
        auditId: commandAuditId(e.sessionId, e.data.commandId),
        kind: "control_command",
        actor: null,
        action: e.data.command,
        outcome: "accepted",
        reason: null,
        details: { commandId: e.data.commandId, from: e.data.from, to: e.data.to },
      },
      ["outcome", "event_id", "seq"],
    ),
  ],
  CommandRejected: (e) => [
    audit(
      e,
      {
        auditId: commandAuditId(e.sessionId, e.data.commandId),
        kind: "control_command",
        actor: null,
        action: e.data.command,
        outcome: "rejected",
        reason: e.data.reason,
        details: { commandId: e.data.commandId, status: e.data.status },
      },
      ["outcome", "reason", "event_id", "seq"],
    ),
  ],

  CandleClosed: (e) => [
    upsert("candles", ["session_id", "symbol", "timeframe", "close_time"], {
      ...stamp(e),
      symbol: e.data.symbol,
      timeframe: e.data.timeframe,
      open_time: e.data.openTime,
      close_time: e.data.closeTime,
      open: e.data.open,
      high: e.data.high,
      low: e.data.low,
      close: e.data.close,
      volume: e.data.volume,
      source_bars: e.data.sourceBars,
    }),
  ],

  SignalEmitted: (e) => {
    const ops: RowOp[] = [
      insertOnce("signals", ["signal_id"], {
        signal_id: e.id,
        session_id: e.sessionId,
        agent: e.data.agent,
        symbol: e.data.symbol,
        timeframe: e.data.timeframe,
        bar: e.data.bar,
        action: e.data.action,
        confidence: e.data.confidence,
        reasoning: e.data.reasoning,
        features: json(e.data.features),
        veto: e.data.veto ?? false,
        at: e.at,
        correlation_id: e.correlationId,
        causation_id: e.causationId,
        seq: e.seq,
      }),
      upsert(
        "agent_status",
        ["session_id", "agent"],
        {
          session_id: e.sessionId,
          agent: e.data.agent,
          signal_id: e.id,
          bar: e.data.bar,
          action: e.data.action,
          confidence: e.data.confidence,
          reasoning: e.data.reasoning,
          ready: e.data.features["ready"] !== false,
          signals: 1,
          seq: e.seq,
        },
        { increment: ["signals"] },
      ),
    ];
    if (e.data.veto === true) {
      ops.push(
        audit(e, {
          kind: "risk_veto",
          actor: `agent.${e.data.agent}`,
          action: e.data.action,
          outcome: "vetoed",
          reason: e.data.reasoning,
          details: { symbol: e.data.symbol, bar: e.data.bar, signalId: e.id },
        }),
      );
    }
    return ops;
  },

  DecisionMade: (e) => [
    insertOnce("decisions", ["decision_id"], {
      decision_id: e.id,
      session_id: e.sessionId,
      symbol: e.data.symbol,
      timeframe: e.data.timeframe,
      bar: e.data.bar,
      action: e.data.action,
      consensus: e.data.consensus,
      score_buy: e.data.scores.BUY,
      score_sell: e.data.scores.SELL,
      score_hold: e.data.scores.HOLD,
      missing: json(e.data.missing),
      price: e.data.price,
      rule_version: e.data.ruleVersion,
      reasoning: e.data.reasoning,
      at: e.at,
      correlation_id: e.correlationId,
      causation_id: e.causationId,
      seq: e.seq,
    }),
    ...e.data.votes.map((v) =>
      insertOnce("decision_votes", ["decision_id", "agent"], {
        decision_id: e.id,
        agent: v.agent,
        session_id: e.sessionId,
        action: v.action,
        confidence: v.confidence,
        weight: v.weight,
        signal_id: v.signalId,
        veto: v.veto ?? false,
        event_id: e.id,
        seq: e.seq,
      }),
    ),
  ],

  RiskApproved: (e) => [
    insertOnce("risk_verdicts", ["verdict_id"], {
      verdict_id: e.id,
      session_id: e.sessionId,
      decision_id: e.data.decisionId,
      verdict: "approved",
      symbol: e.data.symbol,
      action: e.data.side === "buy" ? "BUY" : "SELL",
      side: e.data.side,
      quantity: e.data.quantity,
      price: e.data.price,
      notional: e.data.notional,
      reduce_only: e.data.reduceOnly,
      sizing: json(e.data.sizing),
      stop_loss: e.data.stopLoss ?? null,
      take_profit: e.data.takeProfit ?? null,
      trailing_pct: e.data.trailingPct ?? null,
      checks: json(e.data.checks),
      trading_state: null,
      at: e.at,
      correlation_id: e.correlationId,
      causation_id: e.causationId,
      seq: e.seq,
    }),
  ],
  RiskRejected: (e) => [
    insertOnce("risk_verdicts", ["verdict_id"], {
      verdict_id: e.id,
      session_id: e.sessionId,
      decision_id: e.data.decisionId,
      verdict: "rejected",
      symbol: e.data.symbol,
      action: e.data.action,
      side: null,
      quantity: null,
      price: null,
      notional: null,
      reduce_only: null,
      sizing: null,
      stop_loss: null,
      take_profit: null,
      trailing_pct: null,
      checks: json(e.data.reasons),
      trading_state: e.data.tradingState,
      at: e.at,
      correlation_id: e.correlationId,
      causation_id: e.causationId,
      seq: e.seq,
    }),
    audit(e, {
      kind: "risk_rejected",
      actor: "risk",
      action: e.data.action,
      outcome: "rejected",
      reason: e.data.reasons.map((r) => r.message).join("; "),
      details: { decisionId: e.data.decisionId, symbol: e.data.symbol, tradingState: e.data.tradingState },
    }),
  ],
  TradingStateChanged: (e) => [
    upsert("trading_state", ["session_id"], {
      ...stamp(e),
      state: e.data.to,
      previous: e.data.from,
      reason: e.data.reason,
      at: e.at,
    }),
  ],
  CircuitBreakerTripped: (e) => [
    upsert(
      "circuit_breakers",
      breakerKey,
      {
        ...stamp(e),
        breaker: e.data.breaker,
        tripped: true,
        reason: e.data.reason,
        value: e.data.value ?? null,
        threshold: e.data.threshold ?? null,
        until: e.data.until ?? null,
        trips: 1,
        at: e.at,
      },
      { increment: ["trips"] },
    ),
    audit(e, {
      kind: "breaker_tripped",
      actor: "risk",
      action: e.data.breaker,
      outcome: "tripped",
      reason: e.data.reason,
      details: {
        value: e.data.value ?? null,
        threshold: e.data.threshold ?? null,
        until: e.data.until ?? null,
      },
    }),
  ],
  CircuitBreakerReset: (e) => [
    upsert(
      "circuit_breakers",
      breakerKey,
      {
        ...stamp(e),
        breaker: e.data.breaker,
        tripped: false,
        reason: e.data.reason,
        value: null,
        threshold: null,
        until: null,
        trips: 0,
        at: e.at,
      },
      { increment: ["trips"] },
    ),
    audit(e, {
      kind: "breaker_reset",
      actor: "risk",
      action: e.data.breaker,
      outcome: "reset",
      reason: e.data.reason,
      details: {},
    }),
  ],

  OrderSubmitted: (e) => [
    upsert("orders", ["order_id"], {
      ...stamp(e),
      order_id: e.data.orderId,
      client_order_id: e.data.clientOrderId,
      decision_id: e.data.decisionId ?? null,
      parent_order_id: e.data.parentOrderId ?? null,
      symbol: e.data.symbol,
      side: e.data.side,
      type: e.data.type,
      quantity: e.data.quantity,
      limit_price: e.data.limitPrice ?? null,
      stop_price: e.data.stopPrice ?? null,
      trailing_pct: e.data.trailingPct ?? null,
      reduce_only: e.data.reduceOnly,
      venue: e.data.venue,
      status: "submitted",
      venue_order_id: null,
      filled_quantity: "0",
      status_reason: null,
      submitted_at: e.at,
      updated_at: e.at,
      submitted_event_id: e.id,
      correlation_id: e.correlationId,
      causation_id: e.causationId,
    }),
  ],
  OrderAccepted: (e) => [
    updateOrder(e, e.data.orderId, { status: "accepted", venue_order_id: e.data.venueOrderId }),
  ],
  OrderRejected: (e) => [
    updateOrder(e, e.data.orderId, { status: "rejected", status_reason: e.data.reason }),
  ],
  OrderCancelled: (e) => [
    updateOrder(e, e.data.orderId, {
      status: "cancelled",
      status_reason: e.data.reason,
      filled_quantity: e.data.filledQuantity,
    }),
  ],
  OrderFilled: (e) => [
    insertOnce("fills", ["fill_id"], {
      ...stamp(e),
      fill_id: e.data.fillId,
      order_id: e.data.orderId,
      client_order_id: e.data.clientOrderId,
      symbol: e.data.symbol,
      side: e.data.side,
      price: e.data.price,
      quantity: e.data.quantity,
      fee: e.data.fee,
      fee_currency: e.data.feeCurrency,
      liquidity: e.data.liquidity,
      cumulative_quantity: e.data.cumulativeQuantity,
      remaining_quantity: e.data.remainingQuantity,
      partial: e.data.partial,
      fill_model: e.data.fillModel,
      at: e.at,
      correlation_id: e.correlationId,
      causation_id: e.causationId,
    }),
    updateOrder(e, e.data.orderId, {
      status: e.data.partial ? "partially_filled" : "filled",
      filled_quantity: e.data.cumulativeQuantity,
    }),
  ],
  PositionChanged: (e) => {
    const ops: RowOp[] = [
      upsert("positions", ["session_id", "symbol"], {
        ...stamp(e),
        symbol: e.data.symbol,
        quantity: e.data.quantity,
        average_price: e.data.averagePrice,
        realized_pnl: e.data.realizedPnl,
        cash: e.data.cash,
        fill_id: e.data.fillId,
        updated_at: e.at,
      }),
    ];
    const t = e.data.closedTrade;
    if (t !== undefined) {
      ops.push(
        insertOnce("trades", ["trade_id"], {
          trade_id: e.id,
          session_id: e.sessionId,
          symbol: e.data.symbol,
          side: t.side,
          entry_price: t.entryPrice,
          exit_price: t.exitPrice,
          quantity: t.quantity,
          pnl: t.pnl,
          opened_at: t.openedAt,
          closed_at: t.closedAt,
          fill_id: e.data.fillId,
          seq: e.seq,
        }),
      );
    }
    return ops;
  },
  PortfolioValued: (e) => [
    upsert("equity", ["session_id", "bar"], {
      ...stamp(e),
      bar: e.data.bar,
      cash: e.data.cash,
      equity: e.data.equity,
      peak_equity: e.data.peakEquity,
      drawdown: e.data.drawdown,
      exposure: e.data.exposure,
      realized_pnl: e.data.realizedPnl,
      unrealized_pnl: e.data.unrealizedPnl,
      fees: e.data.fees,
      positions: json(e.data.positions),
    }),
  ],

  // One opinion per key and decision: an edit replaces the earlier rating (the upsert keeps the later seq).
  FeedbackGiven: (e) => [
    upsert("feedback", ["feedback_id"], {
      feedback_id: `${e.data.decisionId}:${e.data.keyId}`,
      session_id: e.sessionId,
      decision_id: e.data.decisionId,
      key_id: e.data.keyId,
      rating: e.data.rating,
      comment: e.data.comment ?? null,
      tags: json(e.data.tags),
      at: e.at,
      seq: e.seq,
    }),
  ],
  DeadLettered: (e) => [
    upsert("dead_letters", ["dead_letter_id"], {
      ...stamp(e),
      dead_letter_id: deadLetterId(e.data.refusedBy, e.data.originalSubject, e.data.originalSeq, e.id),
      reason: pgText(e.data.reason),
      original_subject: e.data.originalSubject,
      original_seq: e.data.originalSeq ?? null,
      refused_by: e.data.refusedBy,
      payload: pgText(e.data.payload),
      payload_bytes: e.data.payloadBytes,
      at: e.at,
    }),
  ],
  ApiKeyIssued: (e) => [
    audit(e, {
      kind: "api_key_issued",
      actor: e.data.issuedBy,
      action: "issue_key",
      outcome: "issued",
      reason: null,
      details: { keyId: e.data.keyId, name: e.data.name, role: e.data.role },
    }),
  ],
  ApiKeyRevoked: (e) => [
    audit(e, {
      kind: "api_key_revoked",
      actor: e.data.revokedBy,
      action: "revoke_key",
      outcome: "revoked",
      reason: e.data.reason ?? null,
      details: { keyId: e.data.keyId },
    }),
  ],
  AuthFailed: (e) => [
    audit(e, {
      kind: "auth_failed",
      actor: e.data.keyId ?? null,
      action: `${e.data.method} ${e.data.route}`,
      outcome: "failed",
      reason: e.data.reason,
      details: { ip: e.data.ip, keyId: e.data.keyId ?? null },
    }),
  ],
  RateLimited: (e) => [
    audit(e, {
      kind: "rate_limited",
      actor: e.data.keyId ?? null,
      action: `${e.data.method} ${e.data.route}`,
      outcome: "limited",
      reason: `${e.data.scope} limit ${e.data.limit}`,
      details: { ip: e.data.ip, scope: e.data.scope, limit: e.data.limit, keyId: e.data.keyId ?? null },
    }),
  ],
};

/**
 * The read model's fold: the row operations one event implies. Market inputs other than candles (books, news,
 * quotes, fear and greed), MarketDataEnded and LLM answers change no table and fold to nothing.
 */
export function readModelFold(event: AnyEvent): readonly RowOp[] {
  const fold = folds[event.type] as ((e: AnyEvent) => readonly RowOp[]) | undefined;
  return fold === undefined ? [] : fold(event);
}
