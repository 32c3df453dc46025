import { Decimal } from "decimal.js";
import {
  type AgentName,
  type AnyEventDraft,
  type AnyNewEvent,
  clientOrderId,
  createEvent,
  type EventLog,
  type NewEvent,
  type Writer,
} from "../../events/index.ts";

// A synthetic but causally faithful session, as the actors would write it (feed → agents → orchestrator → risk →
// exec), for the read-model tests and the projection benchmark. Deterministic: same options, same events.

export interface SessionEventsOptions {
  readonly sessionId: string;
  readonly bars: number;
  readonly root?: string;
  readonly seed?: number;
  /** Add audit-trail events (control commands, a breaker trip, key and auth events) — default true. */
  readonly audit?: boolean;
  /** Add an event the read model cannot apply (OrderAccepted for an order never submitted). */
  readonly poison?: boolean;
  readonly agents?: readonly AgentName[];
}

const defaultAgents: readonly AgentName[] = ["reversion", "risk", "technical", "trend"];
const startMs = Date.UTC(2024, 0, 1);
const barMs = 3_600_000;
const qty = new Decimal("0.01");

interface Cause {
  readonly id: string;
  readonly correlationId: string;
}

/** Builds the events of one session in append order. */
export function buildSessionEvents(options: SessionEventsOptions): AnyNewEvent[] {
  const root = options.root ?? "cf";
  const { sessionId } = options;
  const agents = [...(options.agents ?? defaultAgents)].sort();
  const withAudit = options.audit ?? true;
  let seed = options.seed ?? 1;
  const rand = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const out: AnyNewEvent[] = [];
  const recordedAt = "2024-06-01T00:00:00.000Z";
  const emit: Emit = (writer, draft, cause, ordinal, sid = sessionId) => {
    const e = createEvent({ root, sessionId: sid, writer, recordedAt }, draft, cause, ordinal) as AnyNewEvent;
    out.push(e);
    return e;
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  const at0 = iso(startMs);

  const created = emit(
    "session",
    {
      type: "SessionCreated",
      at: at0,
      data: {
        mode: "backtest",
        symbols: ["BTC/USDT"],
        timeframe: "1h",
        initialCash: "10000",
        quoteCurrency: "USDT",
        strategy: { name: "test" },
        strategyVersion: "1",
        source: { kind: "synthetic", ref: `seed-${options.seed ?? 1}` },
        label: `test session ${sessionId}`,
      },
    },
    null,
    "created",
  );
  emit("session", { type: "SessionStarted", at: at0, data: {} }, created, 0);

  let price = new Decimal(40_000);
  let cash = new Decimal(10_000);
  let position = new Decimal(0);
  let entry: { price: Decimal; at: string } | null = null;
  let realized = new Decimal(0);
  let peak = new Decimal(10_000);
  let fees = new Decimal(0);
  let pendingOrder: { orderId: string; clientOrderId: string; side: "buy" | "sell" } | null = null;

  for (let i = 1; i <= options.bars; i++) {
    const close = iso(startMs + i * barMs);
    const open = price;
    price = price.mul(1 + (rand() - 0.5) * 0.02).toDecimalPlaces(2);
    const high = Decimal.max(open, price).mul(1.002).toDecimalPlaces(2);
    const low = Decimal.min(open, price).mul(0.998).toDecimalPlaces(2);
    const candle = emit(
      "feed",
      {
        type: "CandleClosed",
        at: close,
        data: {
          symbol: "BTC/USDT",
          timeframe: "1h",
          openTime: iso(startMs + (i - 1) * barMs),
          closeTime: close,
          open: open.toFixed(2),
          high: high.toFixed(2),
          low: low.toFixed(2),
          close: price.toFixed(2),
          volume: (10 + rand() * 5).toFixed(4),
          sourceBars: 1,
        },
      },
      null,
      `bar-${i}`,
    );

    // Exec on the new bar: fill the order decided on the previous bar at this bar's open, then mark to market.
    if (pendingOrder !== null) {
      const o = pendingOrder;
      pendingOrder = null;
      const fee = qty.mul(open).mul(0.001).toDecimalPlaces(8);
      fees = fees.plus(fee);
      const fillId = `${o.orderId}-f1`;
      const fill = emit(
        "exec",
        {
          type: "OrderFilled",
          at: close,
          data: {
            orderId: o.orderId,
            clientOrderId: o.clientOrderId,
            fillId,
            symbol: "BTC/USDT",
            side: o.side,
            price: open.toFixed(2),
            quantity: qty.toFixed(),
            fee: fee.toFixed(8),
            feeCurrency: "USDT",
            liquidity: "taker",
            cumulativeQuantity: qty.toFixed(),
            remainingQuantity: "0",
            partial: false,
            fillModel: "next-bar-open",
          },
        },
        candle,
        `fill-${o.orderId}`,
      );
      const signed = o.side === "buy" ? qty : qty.neg();
      cash = cash.minus(signed.mul(open)).minus(fee);
      const before = position;
      position = position.plus(signed);
      let closedTrade: NewEvent<"PositionChanged">["data"]["closedTrade"];
      let delta = fee.neg();
      if (!before.isZero() && position.isZero() && entry !== null) {
        const pnl = open.minus(entry.price).mul(before).minus(fee);
        delta = pnl;
        closedTrade = {
          entryPrice: entry.price.toFixed(2),
          exitPrice: open.toFixed(2),
          quantity: qty.toFixed(),
          side: before.isPositive() ? "long" : "short",
          pnl: pnl.toFixed(8),
          openedAt: entry.at,
          closedAt: close,
        };
        entry = null;
      } else {
        entry = { price: open, at: close };
      }
      realized = realized.plus(delta);
      emit(
        "exec",
        {
          type: "PositionChanged",
          at: close,
          data: {
            symbol: "BTC/USDT",
            quantity: position.toFixed(),
            averagePrice: entry === null ? "0" : entry.price.toFixed(2),
            realizedPnl: realized.toFixed(8),
            realizedDelta: delta.toFixed(8),
            cash: cash.toFixed(8),
            fillId,
            ...(closedTrade ? { closedTrade } : {}),
          },
        },
        fill,
        0,
      );
    }
    const equity = cash.plus(position.mul(price));
    peak = Decimal.max(peak, equity);
    emit(
      "exec",
      {
        type: "PortfolioValued",
        at: close,
        data: {
          bar: close,
          cash: cash.toFixed(8),
          equity: equity.toFixed(8),
          peakEquity: peak.toFixed(8),
          drawdown: peak.minus(equity).div(peak).toNumber(),
          exposure: position.abs().mul(price).toFixed(8),
          positions: position.isZero()
            ? []
            : [{ symbol: "BTC/USDT", quantity: position.toFixed(), markPrice: price.toFixed(2) }],
          realizedPnl: realized.toFixed(8),
          unrealizedPnl: entry === null ? "0" : price.minus(entry.price).mul(position).toFixed(8),
          fees: fees.toFixed(8),
        },
      },
      candle,
      "valued",
    );

    // Agents judge the bar; the risk agent vetoes now and then.
    const move = price.minus(open).div(open).toNumber();
    const signals = agents.map((agent, k) => {
      const lean = move + (rand() - 0.5) * 0.004;
      const action = Math.abs(lean) < 0.002 ? "HOLD" : lean > 0 ? "BUY" : "SELL";
      const veto = agent === "risk" && i % 13 === 0;
      return emit(
        `agent.${agent}`,
        {
          type: "SignalEmitted",
          at: close,
          data: {
            agent,
            symbol: "BTC/USDT",
            timeframe: "1h",
            bar: close,
            action: veto ? "HOLD" : action,
            confidence: Number((0.4 + rand() * 0.6).toFixed(3)),
            reasoning: veto ? "drawdown near limit: veto new entries" : `${agent} reading ${lean.toFixed(5)}`,
            features: { lean: Number(lean.toFixed(6)), ready: i > k, bar: i },
            ...(veto ? { veto: true } : {}),
          },
        },
        candle,
        0,
      ) as NewEvent<"SignalEmitted">;
    });
    const scores = { BUY: 0, SELL: 0, HOLD: 0 };
    for (const s of signals) scores[s.data.action] += s.data.confidence;
    const total = scores.BUY + scores.SELL + scores.HOLD;
    const best = (["BUY", "SELL", "HOLD"] as const).reduce((a, b) => (scores[b] > scores[a] ? b : a));
    const vetoed = signals.some((s) => s.data.veto === true);
    const action = vetoed ? "HOLD" : best;
    const decision = emit(
      "orchestrator",
      {
        type: "DecisionMade",
        at: close,
        data: {
          symbol: "BTC/USDT",
          timeframe: "1h",
          bar: close,
          action,
          consensus: total === 0 ? 0 : Number((scores[best] / total).toFixed(6)),
          scores,
          votes: signals.map((s) => ({
            agent: s.data.agent,
            action: s.data.action,
            confidence: s.data.confidence,
            weight: 1,
            signalId: s.id,
            ...(s.data.veto ? { veto: true } : {}),
          })),
          missing: [],
          price: price.toFixed(2),
          ruleVersion: "vote-v1",
          reasoning: `${action} with ${scores[best].toFixed(3)} of ${total.toFixed(3)}`,
        },
      },
      signals[signals.length - 1] ?? candle,
      0,
    );

    if (action !== "HOLD") {
      const side = action === "BUY" ? "buy" : "sell";
      const adds = (side === "buy" && position.isPositive()) || (side === "sell" && position.isNegative());
      if (adds || pendingOrder !== null) {
        emit(
          "risk",
          {
            type: "RiskRejected",
            at: close,
            data: {
              decisionId: decision.id,
              symbol: "BTC/USDT",
              action,
              reasons: [
                {
                  rule: "max_open_positions",
                  passed: false,
                  limit: "1",
                  actual: "1",
                  message: "one position at most",
                },
              ],
              tradingState: "ACTIVE",
            },
          },
          decision,
          0,
        );
      } else {
        const approved = emit(
          "risk",
          {
            type: "RiskApproved",
            at: close,
            data: {
              decisionId: decision.id,
              symbol: "BTC/USDT",
              side,
              quantity: qty.toFixed(),
              price: price.toFixed(2),
              notional: qty.mul(price).toFixed(4),
              reduceOnly: !position.isZero(),
              sizing: { method: "fixed", kellyFraction: 0.25, edge: 0.01, sampleSize: i, capsApplied: [] },
              stopLoss: price.mul(side === "buy" ? 0.98 : 1.02).toFixed(2),
              takeProfit: price.mul(side === "buy" ? 1.04 : 0.96).toFixed(2),
              checks: [{ rule: "max_notional", passed: true, limit: "1000", actual: "400", message: "ok" }],
            },
          },
          decision,
          0,
        );
        const orderId = `ord-${decision.id.slice(0, 8)}`;
        const coid = clientOrderId(decision.id);
        emit(
          "exec",
          {
            type: "OrderSubmitted",
            at: close,
            data: {
              orderId,
              clientOrderId: coid,
              decisionId: decision.id,
              symbol: "BTC/USDT",
              side,
              type: "market",
              quantity: qty.toFixed(),
              reduceOnly: !position.isZero(),
              venue: "paper",
            },
          },
          approved,
          0,
        );
        emit(
          "exec",
          {
            type: "OrderAccepted",
            at: close,
            data: { orderId, clientOrderId: coid, venueOrderId: `paper-${i}` },
          },
          approved,
          1,
        );
        pendingOrder = { orderId, clientOrderId: coid, side };
      }
    }

    if (withAudit) addAuditEvents(i, close, emit, decision, sessionId);
    if (options.poison && i === Math.min(2, options.bars)) {
      emit(
        "exec",
        {
          type: "OrderAccepted",
          at: close,
          data: { orderId: "ghost", clientOrderId: "cfghost", venueOrderId: "x" },
        },
        candle,
        "poison",
      );
    }
  }

  const end = iso(startMs + options.bars * barMs);
  const ended = emit("feed", { type: "MarketDataEnded", at: end, data: { bars: options.bars } }, null, "end");
  const stopping = emit(
    "session",
    { type: "SessionStopping", at: end, data: { reason: "market data ended" } },
    ended,
    0,
  );
  emit(
    "session",
    {
      type: "SessionStopped",
      at: end,
      data: { reason: "done", finalEquity: cash.plus(position.mul(price)).toFixed(8) },
    },
    stopping,
    0,
  );
  return out;
}

type Emit = (
  writer: Writer,
  draft: AnyEventDraft,
  cause: Cause | null,
  ordinal: number | string,
  sessionId?: string,
) => AnyNewEvent;

/** One of each audited kind, spread over the first bars. */
function addAuditEvents(i: number, at: string, emit: Emit, decision: Cause, sessionId: string): void {
  const command = (commandId: string, cmd: "pause" | "resume" | "start", by: string) =>
    emit(
      "control",
      { type: "CommandIssued", at, data: { commandId, command: cmd, issuedBy: by } },
      null,
      commandId,
    );
  if (i === 3) {
    const c = command("cmd-pause", "pause", "alice");
    emit(
      "session",
      {
        type: "CommandAccepted",
        at,
        data: { commandId: "cmd-pause", command: "pause", from: "running", to: "paused" },
      },
      c,
      0,
    );
    emit(
      "session",
      { type: "SessionPaused", at, data: { commandId: "cmd-pause", reason: "operator" } },
      c,
      1,
    );
  }
  if (i === 4) {
    const c = command("cmd-resume", "resume", "alice");
    emit(
      "session",
      {
        type: "CommandAccepted",
        at,
        data: { commandId: "cmd-resume", command: "resume", from: "paused", to: "running" },
      },
      c,
      0,
    );
    emit(
      "session",
      { type: "SessionResumed", at, data: { commandId: "cmd-resume", reason: "operator" } },
      c,
      1,
    );
  }
  if (i === 5) {
    const c = command("cmd-start", "start", "bob");
    emit(
      "session",
      {
        type: "CommandRejected",
        at,
        data: { commandId: "cmd-start", command: "start", status: "running", reason: "already running" },
      },
      c,
      0,
    );
    emit(
      "control",
      {
        type: "FeedbackGiven",
        at,
        data: { decisionId: decision.id, keyId: "key-1", rating: 1, tags: ["review"] },
      },
      decision,
      "feedback",
    );
  }
  if (i === 6) {
    const trip = emit(
      "risk",
      {
        type: "CircuitBreakerTripped",
        at,
        data: { breaker: "drawdown_halt", reason: "drawdown 12% > 10%", value: "0.12", threshold: "0.10" },
      },
      decision,
      "trip",
    );
    emit(
      "risk",
      { type: "TradingStateChanged", at, data: { from: "ACTIVE", to: "HALTED", reason: "drawdown halt" } },
      trip,
      0,
    );
  }
  if (i === 7) {
    const reset = emit(
      "risk",
      { type: "CircuitBreakerReset", at, data: { breaker: "drawdown_halt", reason: "operator reset" } },
      decision,
      "reset",
    );
    emit(
      "risk",
      { type: "TradingStateChanged", at, data: { from: "HALTED", to: "ACTIVE", reason: "breaker reset" } },
      reset,
      0,
    );
  }
  if (i === 8) {
    emit(
      "audit",
      { type: "ApiKeyIssued", at, data: { keyId: "key-2", name: "bot", role: "trader", issuedBy: "admin" } },
      null,
      `${sessionId}:key-issued`,
      "system",
    );
    emit(
      "audit",
      {
        type: "AuthFailed",
        at,
        data: { reason: "unknown_key", ip: "10.0.0.9", method: "GET", route: "/api/v1/sessions" },
      },
      null,
      `${sessionId}:auth-failed`,
      "system",
    );
    emit(
      "audit",
      {
        type: "RateLimited",
        at,
        data: { scope: "ip", ip: "10.0.0.9", method: "GET", route: "/api/v1/sessions", limit: 100 },
      },
      null,
      `${sessionId}:rate-limited`,
      "system",
    );
    emit(
      "audit",
      { type: "ApiKeyRevoked", at, data: { keyId: "key-2", revokedBy: "admin", reason: "rotated" } },
      null,
      `${sessionId}:key-revoked`,
      "system",
    );
  }
}

/** Appends events to a log subject by subject, in order (each subject's writer would do the same). */
export async function appendEvents(log: EventLog, events: readonly AnyNewEvent[]): Promise<void> {
  for (const e of events) await log.append(e.subject, [e]);
}
