import { describe, expect, it } from "vitest";
import { eventCatalog } from "../catalog/event-catalog.ts";
import type { NewEvent } from "../envelope/event-envelope.ts";
import { ValidationError } from "../errors/cryptofunk-error.ts";
import { createEvent } from "../factory/create-event.ts";
import { sampleCandle } from "../testing/sample-candle.ts";
import {
  decodeEvent,
  encodeEvent,
  eventHeaders,
  maxEventBytes,
  upcast,
  validateNewEvent,
} from "./event-codec.ts";

const candle = sampleCandle("cf", "s1", 0);
const json = (value: unknown) => JSON.stringify(value);
const reasonOf = (payload: Uint8Array | string, subject = candle.subject) => {
  const r = decodeEvent(payload, 7, subject);
  return r.ok ? "decoded" : r.reason;
};

describe("encodeEvent / decodeEvent", () => {
  it("round-trips an event, mirrors the envelope in headers and sets seq", () => {
    const caused = createEvent(
      { root: "cf", sessionId: "s1", writer: "session", recordedAt: candle.recordedAt },
      { type: "SessionStarted", at: candle.at, data: {} },
      candle,
      0,
    );
    const enc = encodeEvent(caused);
    expect(enc.subject).toBe("cf.s1.session");
    expect(enc.headers).toEqual({
      [eventHeaders.id]: caused.id,
      [eventHeaders.type]: "SessionStarted",
      [eventHeaders.v]: "1",
      [eventHeaders.correlation]: candle.id,
      [eventHeaders.causation]: candle.id,
    });
    expect(encodeEvent(candle).headers).not.toHaveProperty(eventHeaders.causation);
    const dec = decodeEvent(enc.payload, 42, enc.subject);
    expect(dec).toEqual({ ok: true, event: { ...caused, seq: 42 } });
  });

  it("refuses an event larger than the log's message limit", () => {
    const big = { ...candle, data: { ...candle.data, symbol: "x".repeat(maxEventBytes) } } as NewEvent;
    expect(() => encodeEvent(big)).toThrow(ValidationError);
  });

  it("says why a stored message does not decode, and never throws", () => {
    expect(reasonOf(new Uint8Array([0x7b, 0xff, 0xfe]))).toBe("payload is not valid UTF-8");
    expect(reasonOf("{nope")).toMatch(/^payload is not JSON/);
    expect(reasonOf(json({ hello: "world" }))).toMatch(/^invalid envelope: id: /);
    expect(reasonOf(json({ ...candle, at: "yesterday" }))).toMatch(/^invalid envelope: at: /);
    expect(reasonOf(json(candle), "cf.s1.risk")).toMatch(/does not match the message subject cf\.s1\.risk/);
    expect(reasonOf(json({ ...candle, type: "CandleOpened" }))).toBe('unknown event type "CandleOpened"');
    expect(reasonOf(json({ ...candle, v: 3 }))).toBe("CandleClosed v3 is newer than this build knows (v2)");
    expect(reasonOf(json({ ...candle, data: { ...candle.data, close: 1 } }))).toMatch(
      /^invalid CandleClosed v2: data\.close: /,
    );
    expect(reasonOf(json(candle))).toBe("decoded");
  });
});

describe("the CandleClosed v1 → v2 upcaster", () => {
  const { closeTime: _c, sourceBars: _s, ...v1 } = candle.data as Record<string, unknown>;

  it("derives the close time from the open time and timeframe, and counts one source bar", () => {
    const stored = { ...candle, v: 1, data: { ...v1, timeframe: "1h" } };
    const r = decodeEvent(json(stored), 3, candle.subject);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.event.v).toBe(2);
    expect(r.event.data).toEqual({
      ...v1,
      timeframe: "1h",
      closeTime: "2024-01-01T01:00:00.000Z",
      sourceBars: 1,
    });
  });

  it("reports v1 data that is invalid, and data that is invalid after upcasting", () => {
    expect(upcast("CandleClosed", 1, { ...v1, close: "ten" })).toEqual({
      ok: false,
      reason: expect.stringMatching(/^CandleClosed v1 data is invalid: close: /),
    });
    expect(upcast("CandleClosed", 2, v1)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^invalid CandleClosed v2: data\.closeTime: /),
    });
    expect(upcast("CandleClosed", 2, candle.data)).toEqual({ ok: true, data: candle.data });
  });

  it("keeps the v1 schema in the catalog history", () => {
    expect(eventCatalog.CandleClosed.v).toBe(2);
    expect(Object.keys(eventCatalog.CandleClosed.history ?? {})).toEqual(["1"]);
  });
});

describe("validateNewEvent", () => {
  it("returns the event with its data as parsed (unknown keys dropped)", () => {
    const extra = { ...candle, data: { ...candle.data, surplus: true } } as unknown as NewEvent;
    expect(validateNewEvent(extra)).toEqual(candle);
  });

  it("names the failing field", () => {
    const bad = (patch: Record<string, unknown>) => () =>
      validateNewEvent({ ...candle, ...patch } as NewEvent);
    expect(bad({ data: { ...candle.data, close: 101.25 } })).toThrow(/data\.close/);
    expect(bad({ data: { ...candle.data, high: undefined } })).toThrow(/data\.high/);
    expect(bad({ type: "Nope" })).toThrow(/unknown event type "Nope"/);
    expect(bad({ v: 1 })).toThrow(/CandleClosed must be appended at v2, got v1/);
    expect(bad({ sessionId: "a.b" })).toThrow(/sessionId/);
    expect(bad({ writer: "stranger" })).toThrow(/writer: unknown writer/);
    try {
      bad({ data: { ...candle.data, close: 101.25 } })();
    } catch (e) {
      expect((e as ValidationError).issues[0]?.path).toBe("data.close");
    }
  });
});
