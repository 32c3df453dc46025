import { describe, expect, it } from "vitest";
import { createSseParser } from "./sse-parser.ts";

describe("SSE parser", () => {
  it("parses id, event and data fields and dispatches on a blank line", () => {
    const p = createSseParser();
    const out = p.push('id: 7\nevent: DecisionMade\ndata: {"a":1}\n\n');
    expect(out).toEqual([{ id: "7", event: "DecisionMade", data: '{"a":1}' }]);
    expect(p.lastEventId).toBe("7");
  });

  it("keeps state across arbitrary chunk splits, \\r\\n split between chunks included", () => {
    const text = "id: 1\r\nevent: a\r\ndata: x\r\n\r\nid: 2\r\ndata: y\r\n\r\n";
    for (let cut = 0; cut <= text.length; cut++) {
      const p = createSseParser();
      const out = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))];
      expect(out).toEqual([
        { id: "1", event: "a", data: "x" },
        { id: "2", event: "message", data: "y" },
      ]);
    }
  });

  it("joins multi-line data, ignores comments and fields without data, and strips one leading space only", () => {
    const p = createSseParser();
    const out = p.push(": heartbeat\n\nevent: heartbeat\n\ndata:  two\ndata:three\n\n");
    expect(out).toEqual([{ id: undefined, event: "message", data: " two\nthree" }]);
  });

  it("does not dispatch an event whose blank line has not arrived yet", () => {
    const p = createSseParser();
    expect(p.push("data: partial\n")).toEqual([]);
    expect(p.push("\n")).toEqual([{ id: undefined, event: "message", data: "partial" }]);
  });
});
