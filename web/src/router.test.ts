import { describe, expect, it } from "vitest";
import { href, parseRoute } from "./router.ts";

describe("hash router", () => {
  it("maps the hashes of the four pages", () => {
    expect(parseRoute("")).toEqual({ page: "sessions" });
    expect(parseRoute("#/")).toEqual({ page: "sessions" });
    expect(parseRoute("#/sessions/demo-1")).toEqual({ page: "session", sessionId: "demo-1" });
    expect(parseRoute("#/sessions/demo-1/")).toEqual({ page: "session", sessionId: "demo-1" });
    expect(parseRoute("#/sessions/demo-1/decisions/d-9")).toEqual({
      page: "decision",
      sessionId: "demo-1",
      decisionId: "d-9",
    });
    expect(parseRoute("#/sessions/demo-1/what-if")).toEqual({ page: "what-if", sessionId: "demo-1" });
  });

  it("refuses other paths and malformed escapes", () => {
    expect(parseRoute("#/nope").page).toBe("not-found");
    expect(parseRoute("#/sessions/a/decisions").page).toBe("not-found");
    expect(parseRoute("#/sessions/a/what-if/x").page).toBe("not-found");
    expect(parseRoute("#/sessions/%E0%A4%A").page).toBe("not-found");
  });

  it("reads back what href builds, odd ids included", () => {
    const id = "a b/c?d";
    expect(parseRoute(href.session(id))).toEqual({ page: "session", sessionId: id });
    expect(parseRoute(href.decision(id, "x#y"))).toEqual({
      page: "decision",
      sessionId: id,
      decisionId: "x#y",
    });
    expect(parseRoute(href.whatIf(id))).toEqual({ page: "what-if", sessionId: id });
  });
});
