import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEmbeddedEventLog, type EmbeddedEventLog } from "../../events/index.ts";
import { createProjector } from "../projector/projector.ts";
import {
  closeReadModelDatabases,
  readModelDatabases,
  type TestReadModel,
} from "../testing/read-model-databases.ts";
import { appendEvents, buildSessionEvents } from "../testing/session-events.ts";
import { listAuditTrail } from "./audit-query.ts";
import { listDeadLetters } from "./dead-letters-query.ts";
import { getDecision, listDecisions } from "./decisions-query.ts";
import { explainOrder } from "./explain-order.ts";
import { decisionsNeedingReview } from "./feedback-query.ts";
import { getOrder, listFills, listOrders } from "./orders-query.ts";
import { equityCurve, listPositions, listTrades, metricsSummary } from "./portfolio-query.ts";
import { tradingState } from "./risk-state-query.ts";
import { getSession, listSessions } from "./sessions-query.ts";
import { agentStatus, listSignals } from "./signals-query.ts";

afterAll(closeReadModelDatabases);

const bars = 40;

describe.each(readModelDatabases)("read model on $engine", (database) => {
  let rm: TestReadModel;
  let log: EmbeddedEventLog;

  beforeEach(async () => {
    rm = await database.open();
    log = createEmbeddedEventLog();
    await appendEvents(log, buildSessionEvents({ sessionId: "s1", bars, poison: true }));
    await appendEvents(log, buildSessionEvents({ sessionId: "s2", bars: 5, seed: 7, audit: false }));
    await createProjector({ db: rm.db, layout: rm.layout, log, batchSize: 64 }).catchUp();
  });
  afterEach(async () => {
    await rm.dispose();
    await log.close();
  });

  it("lists sessions with the same JS types on both engines", async () => {
    const page = await listSessions(rm.read, { limit: 10 });
    expect(page.total).toBe(2);
    expect(typeof page.total).toBe("number");
    const s1 = await getSession(rm.read, "s1");
    expect(s1).toMatchObject({
      status: "stopped",
      initialCash: "10000",
      mode: "backtest",
      symbols: ["BTC/USDT"],
    });
    expect(typeof s1?.finalEquity).toBe("string");
    expect(s1?.createdAt).toBe("2024-01-01T00:00:00.000Z");
    expect(typeof s1?.seq).toBe("number");
    expect((await listSessions(rm.read, { status: "running" })).total).toBe(0);
    expect(await getSession(rm.read, "nope")).toBeNull();
  });

  it("pages and filters decisions, and returns one with its votes and verdict", async () => {
    const all = await listDecisions(rm.read, { sessionId: "s1", limit: 10 });
    expect(all.total).toBe(bars);
    expect(all.items).toHaveLength(10);
    expect(all.items[0]!.bar > all.items[9]!.bar).toBe(true);
    const page2 = await listDecisions(rm.read, { sessionId: "s1", limit: 10, offset: 10, order: "asc" });
    expect(page2.items[0]!.bar).toBe("2024-01-01T11:00:00.000Z");
    const buys = await listDecisions(rm.read, { sessionId: "s1", action: "BUY", limit: 500 });
    expect(buys.items.every((d) => d.action === "BUY")).toBe(true);
    const window = await listDecisions(rm.read, {
      sessionId: "s1",
      from: "2024-01-01T05:00:00.000Z",
      to: "2024-01-01T10:00:00.000Z",
    });
    expect(window.total).toBe(5);
    const d = await getDecision(rm.read, all.items[0]!.decisionId);
    expect(d?.votes.map((v) => v.agent)).toEqual(["reversion", "risk", "technical", "trend"]);
    expect(typeof d?.price).toBe("string");
    expect(typeof d?.consensus).toBe("number");
    const acted =
      buys.items[0] ?? (await listDecisions(rm.read, { sessionId: "s1", action: "SELL" })).items[0];
    expect((await getDecision(rm.read, acted!.decisionId))?.verdict?.verdict).toMatch(/approved|rejected/);
    expect(await getDecision(rm.read, "missing")).toBeNull();
  });

  it("serves signals, agent status, orders, fills, positions, trades, equity and metrics", async () => {
    const signals = await listSignals(rm.read, { sessionId: "s1", agent: "trend", limit: 500 });
    expect(signals.total).toBe(bars);
    expect(signals.items[0]!.features).toHaveProperty("lean");
    const status = await agentStatus(rm.read, "s1");
    expect(status.map((a) => [a.agent, a.signals])).toEqual([
      ["reversion", bars],
      ["risk", bars],
      ["technical", bars],
      ["trend", bars],
    ]);
    expect(status[0]!.bar).toBe("2024-01-02T16:00:00.000Z");
    const orders = await listOrders(rm.read, { sessionId: "s1", limit: 500 });
    expect(orders.total).toBeGreaterThan(2);
    expect(orders.items.filter((o) => o.status !== "filled").length).toBeLessThanOrEqual(1);
    const fills = await listFills(rm.read, { sessionId: "s1", limit: 500 });
    const filled = orders.items.filter((o) => o.status === "filled").length;
    expect(fills.total).toBe(filled);
    expect(await getOrder(rm.read, orders.items[0]!.clientOrderId)).toEqual(orders.items[0]);
    const positions = await listPositions(rm.read, "s1");
    expect(positions).toHaveLength(1);
    expect(typeof positions[0]!.quantity).toBe("string");
    const trades = await listTrades(rm.read, "s1", { limit: 500 });
    expect(trades.total).toBeGreaterThan(0);
    const curve = await equityCurve(rm.read, "s1");
    expect(curve).toHaveLength(bars);
    expect(curve[0]!.bar < curve[1]!.bar).toBe(true);
    expect(typeof curve[0]!.equity).toBe("string");
    const metrics = await metricsSummary(rm.read, "s1");
    expect(metrics).toMatchObject({ bars, trades: trades.total, fills: fills.total, orders: orders.total });
    expect(metrics.wins + metrics.losses).toBeLessThanOrEqual(metrics.trades);
    expect(metrics.decisions.BUY + metrics.decisions.SELL + metrics.decisions.HOLD).toBe(bars);
    expect(metrics.equity).toBe(curve.at(-1)!.equity);
    expect(typeof metrics.totalReturn).toBe("string");
  });

  it("keeps the trading state and the breakers", async () => {
    const state = await tradingState(rm.read, "s1");
    expect(state).toMatchObject({ state: "ACTIVE", previous: "HALTED" });
    expect(state.breakers).toEqual([
      expect.objectContaining({
        breaker: "drawdown_halt",
        tripped: false,
        trips: 1,
        reason: "operator reset",
      }),
    ]);
    expect((await tradingState(rm.read, "s2")).state).toBe("ACTIVE");
  });

  it("records every audited kind with its correlation id", async () => {
    const events = log.readAll("cf.>");
    const find = async (kind: string, outcome: string) => {
      const page = await listAuditTrail(rm.read, { kind, outcome, limit: 500 });
      expect(page.items.length, `${kind}/${outcome}`).toBeGreaterThan(0);
      const row = page.items[0]!;
      const source = events.find((e) => e.id === row.eventId);
      expect(source, `${kind} source event`).toBeDefined();
      expect(row.correlationId).toBe(source!.correlationId);
      const byCorrelation = await listAuditTrail(rm.read, { correlationId: row.correlationId });
      expect(byCorrelation.items.map((i) => i.auditId)).toContain(row.auditId);
      return row;
    };
    const accepted = await find("control_command", "accepted");
    // Newest first: the resume (bar 4) before the pause (bar 3). Issue and answer share one row.
    expect(accepted).toMatchObject({ actor: "alice", action: "resume", sessionId: "s1" });
    expect(accepted.details).toMatchObject({ commandId: "cmd-resume", from: "paused", to: "running" });
    const rejected = await find("control_command", "rejected");
    expect(rejected).toMatchObject({ actor: "bob", action: "start", reason: "already running" });
    expect((await find("risk_rejected", "rejected")).reason).toContain("one position at most");
    expect((await find("risk_veto", "vetoed")).actor).toBe("agent.risk");
    expect((await find("breaker_tripped", "tripped")).action).toBe("drawdown_halt");
    await find("breaker_reset", "reset");
    expect(await find("api_key_issued", "issued")).toMatchObject({ sessionId: "system", actor: "admin" });
    await find("api_key_revoked", "revoked");
    expect((await find("auth_failed", "failed")).details).toMatchObject({ ip: "10.0.0.9" });
    expect((await find("rate_limited", "limited")).reason).toBe("ip limit 100");
    expect((await listAuditTrail(rm.read, { sessionId: "s2", kind: "control_command" })).total).toBe(0);
  });

  it("dead-letters an event it cannot apply, on the table and the log, and goes on", async () => {
    const dead = await listDeadLetters(rm.read, { sessionId: "s1" });
    expect(dead.total).toBe(1);
    expect(dead.items[0]).toMatchObject({ refusedBy: "projector", reason: "order ghost does not exist" });
    const dlq = log.readAll("cf.s1.dlq");
    expect(dlq).toHaveLength(1);
    expect(dlq[0]!.type).toBe("DeadLettered");
    expect(dead.items[0]!.seq).toBe(dlq[0]!.seq);
    expect(dead.items[0]!.originalSeq).toBe(
      log.readAll("cf.s1.exec").find((e) => e.type === "OrderAccepted" && e.data.orderId === "ghost")!.seq,
    );
    // Everything after the poison event was still projected.
    expect((await getSession(rm.read, "s1"))?.status).toBe("stopped");
  });

  it("explains an order back to the bars through causation ids", async () => {
    const order = (await listOrders(rm.read, { sessionId: "s1", status: "filled" })).items[0]!;
    const why = await explainOrder(rm.read, order.orderId);
    expect(why).not.toBeNull();
    const events = new Map(log.readAll("cf.>").map((e) => [e.id, e]));
    expect(why!.verdict?.verdictId).toBe(order.causationId);
    expect(why!.decision?.decisionId).toBe(why!.verdict?.decisionId);
    expect(why!.votes).toHaveLength(4);
    for (const v of why!.votes) {
      expect(v.signal?.signalId).toBe(v.signalId);
      expect(v.signal?.features).toHaveProperty("lean");
      expect(v.bar?.eventId).toBe(v.signal?.causationId);
      expect(v.bar?.closeTime).toBe(why!.decision?.bar);
    }
    expect(why!.fills).toHaveLength(1);
    // Every link of the chain is a real event, and each one's cause is the next.
    expect(why!.chain.every((id) => events.has(id))).toBe(true);
    expect(events.get(order.submittedEventId)?.causationId).toBe(why!.verdict?.verdictId);
    expect(events.get(why!.verdict!.verdictId)?.causationId).toBe(why!.decision?.decisionId);
    expect(await explainOrder(rm.read, "nope")).toBeNull();
  });

  it("lists decisions people flagged for review", async () => {
    const review = await decisionsNeedingReview(rm.read, { sessionId: "s1" });
    expect(review.total).toBe(1);
    expect(review.items[0]!.feedback).toMatchObject({ count: 1, averageRating: 1, lowestRating: 1 });
    expect((await decisionsNeedingReview(rm.read, { sessionId: "s2" })).total).toBe(0);
  });
});
