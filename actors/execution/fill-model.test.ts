import { describe, expect, it } from "vitest";
import { dec } from "./exact-decimal.ts";
import {
  barPath,
  type FillParams,
  feeFor,
  firstTouch,
  roundQuantity,
  slipPrice,
  slippageBpsFor,
  trailingTouch,
  volumeCap,
  walkBook,
} from "./fill-model.ts";

const bar = (open: string, high: string, low: string, close: string) => ({
  openTime: "2024-01-01T00:00:00.000Z",
  closeTime: "2024-01-01T00:01:00.000Z",
  open,
  high,
  low,
  close,
  volume: "100",
});
const texts = (xs: readonly { toFixed(): string }[]) => xs.map((x) => x.toFixed());
const params: FillParams = {
  slippageBps: 5,
  volumeImpactBps: 10,
  maxVolumeShare: 0.1,
  makerFeePct: 0.02,
  takerFeePct: 0.1,
  quantityDecimals: 3,
  priceDecimals: 2,
};

describe("fill model", () => {
  it("assumes the bar visits the extreme nearer its open first (a tie goes high first)", () => {
    expect(texts(barPath(bar("100", "103", "90", "95")))).toEqual(["100", "103", "90", "95"]);
    expect(texts(barPath(bar("100", "110", "98", "105")))).toEqual(["100", "98", "110", "105"]);
    expect(texts(barPath(bar("100", "105", "95", "100")))).toEqual(["100", "105", "95", "100"]);
  });

  it("finds the first touch of a level along the path, or the open when the bar gapped through it", () => {
    const path = barPath(bar("100", "104", "90", "95")); // 100 → 104 → 90 → 95
    expect(firstTouch(path, dec(102), "up")).toMatchObject({ position: 0.5, gap: false });
    expect(firstTouch(path, dec(97), "down")?.position).toBeCloseTo(1.5, 12);
    expect(firstTouch(path, dec(89), "down")).toBeNull();
    const gap = firstTouch(path, dec(101), "down");
    expect(gap).toMatchObject({ position: 0, gap: true });
    expect(gap?.price.toFixed()).toBe("100");
  });

  it("trails the best price: a sell trail rises with the highs and triggers pct below the best", () => {
    const up = trailingTouch(barPath(bar("100", "110", "99", "106")), "sell", dec(100), 5, 2);
    // 100 → 99 → 110 → 106: the stop rises to 104.5, the close stays above it.
    expect(up.touch).toBeNull();
    expect(up.anchor.toFixed()).toBe("110");
    const hit = trailingTouch(barPath(bar("109", "109.5", "100", "101")), "sell", dec(110), 5, 2);
    expect(hit.touch?.price.toFixed()).toBe("104.5");
    const buyTrail = trailingTouch(barPath(bar("90", "95", "80", "94")), "buy", dec(90), 10, 2);
    // 90 → 95 (stop 99 not reached) → 80 (best 80, stop 88) → 94 ≥ 88: triggered at 88.
    expect(buyTrail.touch?.price.toFixed()).toBe("88");
  });

  it("slips against the taker, with volume impact, rounding against the taker", () => {
    const bps = slippageBpsFor(params, dec(5), dec(100)); // 5 % of volume: 50 bps + 5
    expect(bps.toFixed()).toBe("55");
    expect(slipPrice(dec("100.01"), "buy", bps, 2).toFixed()).toBe("100.57"); // 100.560055 up
    expect(slipPrice(dec("100.01"), "sell", bps, 2).toFixed()).toBe("99.45"); // 99.459945 down
    expect(slippageBpsFor({ ...params, volumeImpactBps: 0 }, dec(5), dec(100)).toFixed()).toBe("5");
  });

  it("caps quantities by the bar's volume and the venue's precision; fees are exact", () => {
    expect(volumeCap(params, dec("12.3456"))?.toFixed()).toBe("1.234");
    expect(volumeCap({ ...params, maxVolumeShare: 0 }, dec(10))).toBeNull();
    expect(roundQuantity(dec("0.0019999"), 3).toFixed()).toBe("0.001");
    expect(feeFor(dec("0.123"), dec("43210.55"), 0.075).toFixed()).toBe("3.9861732375");
  });

  it("walks book levels best first and leaves the rest", () => {
    const w = walkBook(
      [
        ["100", "1"],
        ["101", "2"],
        ["102", "5"],
      ],
      dec("2.5"),
    );
    expect(w.filled.toFixed()).toBe("2.5");
    expect(w.notional.toFixed()).toBe("251.5");
    expect(w.rest).toEqual([
      ["101", "0.5"],
      ["102", "5"],
    ]);
    expect(walkBook([["100", "1"]], dec(3)).filled.toFixed()).toBe("1");
  });
});
