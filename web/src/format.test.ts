import { describe, expect, it } from "vitest";
import { formatDecimal, formatPercent, formatSigned, formatTime, subtractDecimal } from "./format.ts";

describe("formatting", () => {
  it("rounds decimal strings half away from zero, exactly, with separators", () => {
    expect(formatDecimal("1234.5")).toBe("1,234.50");
    expect(formatDecimal("0.005")).toBe("0.01");
    expect(formatDecimal("-0.005")).toBe("-0.01");
    expect(formatDecimal("-0.004")).toBe("0.00");
    expect(formatDecimal("999.995")).toBe("1,000.00");
    expect(formatDecimal("12345678901234567890.129")).toBe("12,345,678,901,234,567,890.13");
    expect(formatDecimal("42", 0)).toBe("42");
    expect(formatDecimal(null)).toBe("—");
    expect(formatDecimal("not a number")).toBe("not a number");
  });

  it("signs amounts, and percentages and times read the same everywhere", () => {
    expect(formatSigned("12.3")).toBe("+12.30");
    expect(formatSigned("-4")).toBe("-4.00");
    expect(formatSigned("0")).toBe("0.00");
    expect(formatPercent(0.12345)).toBe("12.35%");
    expect(formatPercent(Number.NaN)).toBe("—");
    expect(formatTime("2024-01-02T03:04:05.000Z")).toBe("2024-01-02 03:04");
    expect(formatTime(null)).toBe("—");
  });

  it("subtracts decimal strings without floating point error", () => {
    expect(subtractDecimal("10000.3", "10000.1")).toBe("0.2");
    expect(subtractDecimal("9500", "10000.25")).toBe("-500.25");
    expect(subtractDecimal("0.1", "0.3")).toBe("-0.2");
    expect(subtractDecimal("5", "5")).toBe("0");
  });
});
