import { describe, expect, it } from "vitest";
import { ConcurrencyError, createEvent, ValidationError } from "../../events/index.ts";
import { createPassThroughLog } from "./pass-through-log.ts";

const ctx = { root: "cf", sessionId: "pt", writer: "feed" as const, recordedAt: "2024-01-01T00:00:00.000Z" };
const ended = (n: number) =>
  createEvent(ctx, { type: "MarketDataEnded", at: "2024-01-01T00:00:00.000Z", data: { bars: n } }, null, n);

describe("pass-through log", () => {
  it("numbers appends, keeps only the last batch and fences by the subject's last sequence", () => {
    const log = createPassThroughLog();
    const a = log.appendSync("cf.pt.feed", [ended(1), ended(2)], { expectedLastSeq: 0 });
    expect(a).toEqual({ seqs: [1, 2], lastSeq: 2, duplicates: 0 });
    expect(log.readAll("cf.pt.feed", 2).map((e) => e.seq)).toEqual([2]);
    log.appendSync("cf.pt.feed", [ended(3)], { expectedLastSeq: 2 });
    expect(log.readAll("cf.pt.feed", 1).map((e) => e.seq)).toEqual([3]);
    expect(log.readAll("cf.pt.>")).toEqual([]);
    expect(() => log.appendSync("cf.pt.feed", [ended(4)], { expectedLastSeq: 2 })).toThrow(ConcurrencyError);
    expect(log.size).toBe(3);
  });

  it("validates unless trusted", () => {
    const bad = { ...ended(1), data: { bars: -1 } };
    expect(() => createPassThroughLog().appendSync("cf.pt.feed", [bad])).toThrow(ValidationError);
    expect(() => createPassThroughLog().appendSync("cf.pt.other", [ended(1)])).toThrow(
      /appended to cf\.pt\.other/,
    );
    expect(createPassThroughLog({ trusted: true }).appendSync("cf.pt.feed", [bad]).lastSeq).toBe(1);
  });
});
