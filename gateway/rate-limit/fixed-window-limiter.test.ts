import { describe, expect, it } from "vitest";
import { createFixedWindowLimiter } from "./fixed-window-limiter.ts";

describe("fixed-window limiter", () => {
  it("allows `limit` requests per window, then refuses with the seconds left, flagging the first refusal", () => {
    const l = createFixedWindowLimiter({ limit: 3, windowMs: 60_000 });
    expect([0, 1, 2].map((t) => l.hit("k", t).allowed)).toEqual([true, true, true]);
    const refused = l.hit("k", 30_000);
    expect(refused).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 30, firstRefusal: true });
    expect(l.hit("k", 30_001).firstRefusal).toBe(false);
    expect(l.hit("other", 30_001).allowed).toBe(true);
    expect(l.hit("k", 60_001).allowed).toBe(true);
  });

  it("keeps memory bounded when keys keep coming", () => {
    const l = createFixedWindowLimiter({ limit: 1, windowMs: 60_000, maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) l.hit(`ip-${i}`, i);
    // A key seen long ago may be forgotten (fresh window), never a crash; recent keys are still limited.
    expect(l.hit("ip-9999", 10_000).allowed).toBe(false);
  });
});
