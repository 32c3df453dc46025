import { describe, expect, it } from "vitest";
import type { AnyEvent, NewEvent } from "../envelope/event-envelope.ts";
import { createEvent } from "../factory/create-event.ts";
import { clientOrderId } from "../ids/deterministic-id.ts";
import { sampleCandle } from "../testing/sample-candle.ts";
import { canonicalOrder, normaliseSession, sessionHash } from "./session-hash.ts";

/** A small session: a candle, an order caused by it, its acceptance, a stop. The same inputs every time. */
function session(sessionId: string, recordedAt = "2024-06-01T00:00:00.000Z", quantity = "0.5"): NewEvent[] {
  const ctx = (writer: "feed" | "exec" | "session") => ({ root: "cf", sessionId, writer, recordedAt });
  const candle = { ...sampleCandle("cf", sessionId, 0), recordedAt };
  const orderId = `${sessionId}-order-1`;
  const submitted = createEvent(
    ctx("exec"),
    {
      type: "OrderSubmitted",
      at: candle.at,
      data: {
        orderId,
        clientOrderId: clientOrderId(orderId),
        symbol: "BTC/USDT",
        side: "buy",
        type: "market",
        quantity,
        reduceOnly: false,
        venue: "paper",
      },
    },
    candle,
    0,
  );
  const accepted = createEvent(
    ctx("exec"),
    {
      type: "OrderAccepted",
      at: candle.at,
      data: { orderId, clientOrderId: clientOrderId(orderId), venueOrderId: `paper-${sessionId}-1` },
    },
    submitted,
    0,
  );
  const stopped = createEvent(
    ctx("session"),
    { type: "SessionStopped", at: candle.at, data: { reason: "done" } },
    null,
    0,
  );
  return [candle, submitted, accepted, stopped];
}

const stored = (events: readonly NewEvent[], seqs: readonly number[]): AnyEvent[] =>
  events.map((e, i) => ({ ...e, seq: seqs[i] ?? i + 1 }) as AnyEvent);

describe("sessionHash", () => {
  it("is a sha256 hex digest, the same for the same inputs", () => {
    const h = sessionHash(session("s1"));
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(sessionHash(session("s1"))).toBe(h);
  });

  it("ignores recordedAt and seq", () => {
    const a = stored(session("s1", "2024-06-01T00:00:00.000Z"), [1, 2, 3, 4]);
    const b = stored(session("s1", "2031-12-31T23:59:59.999Z"), [10, 20, 30, 40]);
    expect(sessionHash(a)).toBe(sessionHash(b));
  });

  it("is the same for two sessions with different ids run on the same inputs", () => {
    const a = session("run-a");
    const b = session("run-b");
    expect(a[1]?.id).not.toBe(b[1]?.id);
    expect(sessionHash(a)).toBe(sessionHash(b));
    const text = JSON.stringify(normaliseSession(b));
    expect(text).not.toContain("run-b");
    // The subject (root, session, writer) is not hashed: the root is configuration.
    expect(text).not.toContain('"subject"');
  });

  it("changes when any hashed field changes", () => {
    const base = sessionHash(session("s1"));
    expect(sessionHash(session("s1", undefined, "0.6"))).not.toBe(base);
    const moved = session("s1").map((e, i) => (i === 3 ? { ...e, at: "2024-01-01T00:05:00.000Z" } : e));
    expect(sessionHash(moved)).not.toBe(base);
    expect(sessionHash(session("s1").slice(0, 3))).not.toBe(base);
  });

  it("does not depend on how concurrent writers were interleaved", () => {
    const [candle, submitted, accepted, stopped] = session("s1") as [NewEvent, NewEvent, NewEvent, NewEvent];
    const one = stored([candle, submitted, accepted, stopped], [1, 2, 3, 4]);
    const other = stored([stopped, submitted, candle, accepted], [1, 2, 3, 4]);
    expect(sessionHash(one)).toBe(sessionHash(other));
    // …but the order within one writer does matter.
    const swapped = stored([candle, accepted, submitted, stopped], [1, 2, 3, 4]);
    expect(sessionHash(swapped)).not.toBe(sessionHash(one));
  });

  it("orders by writer, then by stream sequence", () => {
    const [candle, submitted, accepted, stopped] = session("s1") as [NewEvent, NewEvent, NewEvent, NewEvent];
    const events = stored([stopped, accepted, candle, submitted], [4, 9, 1, 2]);
    expect(canonicalOrder(events).map((e) => e.type)).toEqual([
      "OrderSubmitted",
      "OrderAccepted",
      "CandleClosed",
      "SessionStopped",
    ]);
  });

  it("replaces event ids by position and other ids by first appearance", () => {
    const norm = normaliseSession(session("s1")) as Record<string, unknown>[];
    expect(norm.map((e) => e.id)).toEqual(["#e0", "#e1", "#e2", "#e3"]);
    // Writers sort exec < feed < session: the order comes first, the candle that caused it third.
    expect(norm[2]).toMatchObject({
      type: "CandleClosed",
      causationId: null,
      correlationId: "#e2",
      sessionId: "#session",
    });
    expect(norm[0]).toMatchObject({ type: "OrderSubmitted", causationId: "#e2", correlationId: "#e2" });
    expect(norm[1]).toMatchObject({
      causationId: "#e0",
      data: { clientOrderId: "#i0", orderId: "#i1", venueOrderId: "#i2" },
    });
    expect(norm[0]).toMatchObject({ data: { orderId: "#i1" } });
    expect(norm[0]).not.toHaveProperty("recordedAt");
  });
});
