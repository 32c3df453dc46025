import { describe, expect, it } from "vitest";
import { createEvent } from "../factory/create-event.ts";
import { clientOrderId, deterministicId, eventId } from "./deterministic-id.ts";

const uuid8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("deterministic ids", () => {
  it("derives the same UUID-shaped (version 8) id from the same parts", () => {
    const a = eventId("s1", "feed", null, 0);
    expect(a).toMatch(uuid8);
    expect(eventId("s1", "feed", null, 0)).toBe(a);
  });

  it("changes with every part, and does not confuse null, numbers and strings", () => {
    const base = eventId("s1", "feed", "c1", 0);
    expect(
      new Set([
        base,
        eventId("s2", "feed", "c1", 0),
        eventId("s1", "risk", "c1", 0),
        eventId("s1", "feed", "c2", 0),
        eventId("s1", "feed", "c1", 1),
        eventId("s1", "feed", null, 0),
        eventId("s1", "feed", "null", 0),
      ]).size,
    ).toBe(7);
    expect(deterministicId("a", "bc")).not.toBe(deterministicId("ab", "c"));
    expect(deterministicId(1)).toBe(deterministicId("1"));
  });

  it("makes venue-safe client order ids", () => {
    const id = clientOrderId("order-1");
    expect(id).toMatch(/^cf[0-9a-f]{30}$/);
    expect(clientOrderId("order-1")).toBe(id);
    expect(clientOrderId("order-1", 1)).not.toBe(id);
  });

  it("gives createEvent the same id and correlation for the same cause and ordinal", () => {
    const ctx = {
      root: "cf",
      sessionId: "s1",
      writer: "risk" as const,
      recordedAt: "2024-01-01T00:00:00.000Z",
    };
    const draft = { type: "SessionStarted" as const, data: {}, at: "2024-01-01T00:00:00.000Z" };
    const root = createEvent(ctx, draft, null, 0);
    expect(root.correlationId).toBe(root.id);
    expect(root.causationId).toBeNull();
    expect(root.subject).toBe("cf.s1.risk");
    const child = createEvent({ ...ctx, recordedAt: "2030-01-01T00:00:00.000Z" }, draft, root, 0);
    expect(child.id).toBe(createEvent(ctx, draft, root, 0).id);
    expect(child.correlationId).toBe(root.id);
    expect(child.causationId).toBe(root.id);
  });
});
