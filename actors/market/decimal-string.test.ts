import { describe, expect, it } from "vitest";
import { compareDecimalStrings, toDecimalString } from "./decimal-string.ts";

describe("toDecimalString", () => {
  it.each([
    ["5.0E-4", "0.0005"],
    ["1e3", "1000"],
    ["51552.61000000", "51552.61"],
    ["134.98921800", "134.989218"],
    ["0.00000000", "0"],
    ["12", "12"],
    [" 7.50 ", "7.5"],
    ["-0.0", "0"],
    [".5", "0.5"],
    [0.1, "0.1"],
    [0.1 + 0.2, "0.30000000000000004"],
    [1e-7, "0.0000001"],
    [51552.61, "51552.61"],
  ])("%s → %s", (input, expected) => {
    expect(toDecimalString(input)).toBe(expected);
  });

  it.each(["abc", "", "1.2.3", "NaN"])("refuses %j", (input) => {
    expect(() => toDecimalString(input)).toThrow(/not a decimal number/);
  });
  it("refuses non-finite numbers", () => {
    expect(() => toDecimalString(Number.POSITIVE_INFINITY)).toThrow();
  });
});

describe("compareDecimalStrings", () => {
  it.each([
    ["1", "2", -1],
    ["10", "9", 1],
    ["9.99", "10", -1],
    ["1.5", "1.50", 0],
    ["1.05", "1.5", -1],
    ["0.0001", "0", 1],
    ["51657.05", "51657.05", 0],
    ["100.1", "100.09", 1],
  ])("%s vs %s", (a, b, expected) => {
    expect(compareDecimalStrings(a, b)).toBe(expected);
    expect(compareDecimalStrings(b, a)).toBe(-expected || 0);
  });
});
