import { describe, expect, it } from "vitest";
import type { AnyEvent } from "../../events/index.ts";
import { buildSessionEvents } from "../testing/session-events.ts";
import { isDataError, isTransientError } from "./projection-policy.ts";
import { deadLetterId, readModelFold } from "./read-model-fold.ts";
import { UnprojectableEventError } from "./unprojectable-event-error.ts";

const events = buildSessionEvents({ sessionId: "f1", bars: 12, poison: true }).map(
  (e, i) => ({ ...e, seq: i + 1 }) as AnyEvent,
);
const byType = (type: string) => events.filter((e) => e.type === type);

describe("readModelFold", () => {
  it("is pure: the same event folds to the same operations", () => {
    for (const e of events) expect(readModelFold(e)).toEqual(readModelFold(structuredClone(e)));
  });

  it("stamps every row with the session and the event's seq", () => {
    for (const e of events) {
      for (const op of readModelFold(e)) {
        const row = op.kind === "upsert" ? op.row : { ...op.key, ...op.set, seq: op.seq };
        if (op.table !== "sessions" || op.kind === "upsert") expect(row["seq"]).toBe(e.seq);
        if (op.kind === "upsert") expect(row["session_id"]).toBe(e.sessionId);
      }
    }
  });

  it("writes a decision and one vote row per vote", () => {
    const d = byType("DecisionMade")[0]!;
    const ops = readModelFold(d);
    expect(ops.map((o) => o.table)).toEqual(["decisions", ...Array(4).fill("decision_votes")]);
    expect(ops.every((o) => o.kind === "upsert" && o.update?.length === 0)).toBe(true);
  });

  it("counts signals per agent and audits a veto", () => {
    const veto = byType("SignalEmitted").find((e) => e.type === "SignalEmitted" && e.data.veto === true);
    const plain = byType("SignalEmitted")[0]!;
    expect(readModelFold(plain).map((o) => o.table)).toEqual(["signals", "agent_status"]);
    const status = readModelFold(plain)[1]!;
    expect(status.kind === "upsert" && status.increment).toEqual(["signals"]);
    if (veto) expect(readModelFold(veto).map((o) => o.table)).toContain("audit_trail");
  });

  it("keys a command's issue and its answer to one audit row", () => {
    const issued = readModelFold(byType("CommandIssued")[0]!)[0]!;
    const answered = readModelFold(byType("CommandAccepted")[0]!)[0]!;
    expect(issued.kind === "upsert" && issued.row["audit_id"]).toBe(
      answered.kind === "upsert" && answered.row["audit_id"],
    );
    expect(answered.kind === "upsert" && answered.update).toEqual(["outcome", "event_id", "seq"]);
  });

  it("turns order status changes into updates of an existing row", () => {
    const filled = readModelFold(byType("OrderFilled")[0]!);
    expect(filled.map((o) => [o.table, o.kind])).toEqual([
      ["fills", "upsert"],
      ["orders", "update"],
    ]);
    const ghost = events.find((e) => e.type === "OrderAccepted" && e.data.orderId === "ghost")!;
    expect(readModelFold(ghost)).toEqual([expect.objectContaining({ kind: "update", what: "order ghost" })]);
  });

  it("folds market inputs without a table to nothing", () => {
    expect(readModelFold(byType("MarketDataEnded")[0]!)).toEqual([]);
  });

  it("keys dead letters by the refused message when its sequence is known", () => {
    expect(deadLetterId("projector", "cf.s.exec", 7, "e1")).toBe("projector:cf.s.exec:7");
    expect(deadLetterId("host", "cf.s.exec", undefined, "e1")).toBe("e1");
  });
});

describe("projection policy", () => {
  it("tells an event's fault from an outage", () => {
    expect(isDataError(new UnprojectableEventError("x"))).toBe(true);
    expect(isDataError(Object.assign(new Error("bad"), { code: "22P02" }))).toBe(true);
    expect(isDataError(Object.assign(new Error("dup"), { code: "23505" }))).toBe(true);
    expect(isDataError(Object.assign(new Error("gone"), { code: "57P01" }))).toBe(false);
    expect(isTransientError(Object.assign(new Error("gone"), { code: "57P01" }))).toBe(true);
    expect(isTransientError(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isTransientError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isTransientError(Object.assign(new Error("no table"), { code: "42P01" }))).toBe(false);
  });
});

describe("feedback", () => {
  it("keeps one opinion per key and decision: an edit upserts the same row, the later seq wins", () => {
    const given = byType("FeedbackGiven")[0]!;
    const edit = {
      ...given,
      id: "edit",
      seq: given.seq + 100,
      data: { ...given.data, rating: 5 },
    } as AnyEvent;
    const [first] = readModelFold(given);
    const [second] = readModelFold(edit);
    expect(first?.kind).toBe("upsert");
    expect(second?.kind).toBe("upsert");
    if (first?.kind !== "upsert" || second?.kind !== "upsert") return;
    expect(second.row.feedback_id).toBe(first.row.feedback_id);
    expect(second.row.rating).toBe(5);
    expect(second.update).toBeUndefined();
    const otherKey = { ...given, id: "other", data: { ...given.data, keyId: "key-2" } } as AnyEvent;
    const [third] = readModelFold(otherKey);
    expect(third?.kind === "upsert" && third.row.feedback_id).not.toBe(first.row.feedback_id);
  });
});
