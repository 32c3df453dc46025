import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors/cryptofunk-error.ts";
import {
  assertToken,
  auditSubject,
  deadLetterSubject,
  parseSubject,
  rootFilter,
  sessionFilter,
  subjectFor,
  subjectMatches,
} from "./subjects.ts";

describe("subjects", () => {
  it("builds one subject per writer under the root", () => {
    expect(subjectFor("cf", "s-1", "agent.trend")).toBe("cf.s-1.agent.trend");
    expect(sessionFilter("cf", "s-1")).toBe("cf.s-1.>");
    expect(rootFilter("t42")).toBe("t42.>");
    expect(deadLetterSubject("cf", "s-1")).toBe("cf.s-1.dlq");
    expect(auditSubject("cf")).toBe("cf.system.audit");
  });

  it("refuses session ids that are not subject-safe tokens", () => {
    for (const bad of ["", "a.b", "a*", "a>", "a b", "x".repeat(65)]) {
      expect(() => subjectFor("cf", bad, "feed")).toThrow(ValidationError);
    }
    expect(() => sessionFilter("cf", "a.b")).toThrow(/session id "a\.b"/);
    expect(() => assertToken("writer", "ok_1-2")).not.toThrow();
  });

  it("parses a subject back into session and writer", () => {
    expect(parseSubject("cf", "cf.s1.agent.trend")).toEqual({ sessionId: "s1", writer: "agent.trend" });
    expect(parseSubject("cf", "cf.s1.feed")).toEqual({ sessionId: "s1", writer: "feed" });
    expect(parseSubject("cf", "other.s1.feed")).toBeNull();
    expect(parseSubject("cf", "cf.s1")).toBeNull();
    expect(parseSubject("cf", "cf.s1.")).toBeNull();
    expect(parseSubject("cf", "cf.$bad.feed")).toBeNull();
  });

  it("matches NATS wildcards: * one token, > one or more", () => {
    expect(subjectMatches("cf.s1.>", "cf.s1.feed")).toBe(true);
    expect(subjectMatches("cf.s1.>", "cf.s1.agent.trend")).toBe(true);
    expect(subjectMatches("cf.s1.>", "cf.s1")).toBe(false);
    expect(subjectMatches("cf.*.feed", "cf.s2.feed")).toBe(true);
    expect(subjectMatches("cf.*.feed", "cf.s2.risk")).toBe(false);
    expect(subjectMatches("cf.*", "cf.s2.feed")).toBe(false);
    expect(subjectMatches("cf.s1.feed", "cf.s1.feed")).toBe(true);
    expect(subjectMatches("cf.s1.feed.x", "cf.s1.feed")).toBe(false);
  });
});
