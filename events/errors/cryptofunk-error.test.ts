import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ConcurrencyError,
  ConfigError,
  CorruptError,
  CryptoFunkError,
  errorCodes,
  FencedError,
  hasErrorCode,
  issuesFromZod,
  NotFoundError,
  UnavailableError,
  UnsupportedError,
  ValidationError,
} from "./cryptofunk-error.ts";

describe("the error hierarchy", () => {
  it("gives every class its stable code and name, and keeps the cause", () => {
    const cause = new Error("root");
    const cases: [CryptoFunkError, string, string][] = [
      [new ConcurrencyError("x", { cause }), "CONCURRENCY", "ConcurrencyError"],
      [new FencedError("x"), "FENCED", "FencedError"],
      [new ValidationError("x", [{ path: "a", message: "b" }]), "VALIDATION", "ValidationError"],
      [new NotFoundError("x"), "NOT_FOUND", "NotFoundError"],
      [new ConfigError("x", [{ path: "PORT", message: "bad" }]), "CONFIG", "ConfigError"],
      [new UnavailableError("x"), "UNAVAILABLE", "UnavailableError"],
      [new UnsupportedError("x"), "UNSUPPORTED", "UnsupportedError"],
      [new CorruptError("x"), "CORRUPT", "CorruptError"],
    ];
    for (const [e, code, name] of cases) {
      expect(e).toBeInstanceOf(CryptoFunkError);
      expect(e.code).toBe(code);
      expect(e.name).toBe(name);
      expect(errorCodes).toContain(code);
    }
    expect(cases[0]?.[0].cause).toBe(cause);
    expect(new ConfigError("x", [{ path: "PORT", message: "bad" }]).details).toEqual({
      issues: [{ path: "PORT", message: "bad" }],
    });
  });

  it("matches by code, across realms too", () => {
    expect(hasErrorCode(new ConcurrencyError("x"))).toBe(true);
    expect(hasErrorCode(new ConcurrencyError("x"), "CONCURRENCY")).toBe(true);
    expect(hasErrorCode(new ConcurrencyError("x"), "FENCED")).toBe(false);
    expect(hasErrorCode({ code: "CONCURRENCY", message: "from a worker" }, "CONCURRENCY")).toBe(true);
    expect(hasErrorCode({ code: "ENOENT" })).toBe(false);
    expect(hasErrorCode({ code: "CORRUPT" })).toBe(true);
    expect(hasErrorCode(null)).toBe(false);
    expect(hasErrorCode(new Error("plain"))).toBe(false);
  });

  it("turns zod issues into field paths", () => {
    const r = z.object({ a: z.object({ b: z.number() }) }).safeParse({ a: { b: "x" } });
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(issuesFromZod(r.error.issues)).toEqual([{ path: "a.b", message: expect.any(String) }]);
    expect(issuesFromZod([{ path: [], message: "m" }])).toEqual([{ path: "(root)", message: "m" }]);
  });
});
