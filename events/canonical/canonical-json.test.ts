import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors/cryptofunk-error.ts";
import { canonicalJson } from "./canonical-json.ts";

describe("canonicalJson", () => {
  it("sorts object keys by UTF-16 code units at every depth, without whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, B: true })).toBe(
      '{"B":true,"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    // Code-unit order, not locale order: "é" (U+00E9) after "z", the surrogate pair after both.
    expect(canonicalJson({ é: 1, z: 2, "😀": 3, a: 4 })).toBe('{"a":4,"z":2,"é":1,"😀":3}');
    // U+FFFF sorts after the surrogate pair of U+1F600 by code units (it would sort before it by code points).
    expect(canonicalJson({ "\uffff": 1, "😀": 2 })).toBe('{"😀":2,"\uffff":1}');
  });

  it("writes the same text whatever order the keys were inserted in", () => {
    const a = { x: 1, y: [1, 2], z: { p: "q", o: "n" } };
    const b = { z: { o: "n", p: "q" }, y: [1, 2], x: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });

  it("formats numbers in ECMAScript shortest form", () => {
    expect(canonicalJson(1e21)).toBe("1e+21");
    expect(canonicalJson(1e20)).toBe("100000000000000000000");
    expect(canonicalJson(0.1)).toBe("0.1");
    expect(canonicalJson(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(canonicalJson(1e-7)).toBe("1e-7");
    expect(canonicalJson(-0)).toBe("0");
    expect(canonicalJson(-1.5)).toBe("-1.5");
    expect(canonicalJson(10n)).toBe("10");
  });

  it("refuses NaN and Infinity instead of writing null, naming the path", () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(ValidationError);
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow("$.a[1]");
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow(/not representable/);
    expect(() => canonicalJson({ f: Symbol("x") })).toThrow(/not JSON/);
  });

  it("drops undefined members and functions, writes undefined array items as null, dates as ISO strings", () => {
    expect(canonicalJson({ a: undefined, b: () => 1, c: [undefined, 1] })).toBe('{"c":[null,1]}');
    expect(canonicalJson(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)))).toBe('"2024-01-02T03:04:05.006Z"');
    expect(canonicalJson('a"\n\u2028')).toBe(JSON.stringify('a"\n\u2028'));
    expect(canonicalJson(false)).toBe("false");
  });
});
