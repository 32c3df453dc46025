import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CorruptError } from "../errors/cryptofunk-error.ts";
import { sampleCandle } from "../testing/sample-candle.ts";
import type { RecoveryReport } from "./embedded-event-log.ts";
import { createEmbeddedEventLog } from "./embedded-event-log.ts";
import { eventLogContract } from "./event-log-contract.ts";

eventLogContract("embedded, in memory", async () => {
  const log = createEmbeddedEventLog({ root: "tmem" });
  return { log, dispose: () => log.close() };
});

eventLogContract("embedded, with a file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cf-embedded-"));
  const log = createEmbeddedEventLog({ root: "tfile", file: join(dir, "events.jsonl") });
  return {
    log,
    dispose: async () => {
      await log.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe("embedded event log file", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "cf-embedded-"));
    file = join(dir, "nested", "events.jsonl");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const events = Array.from({ length: 5 }, (_, i) => sampleCandle("cf", "s1", i));
  const subject = "cf.s1.feed";
  const write = async () => {
    const log = createEmbeddedEventLog({ file });
    await log.append(subject, events.slice(0, 2), { expectedLastSeq: 0 });
    await log.append(subject, events.slice(2), { expectedLastSeq: 2 });
    await log.close();
  };
  const reopen = () => {
    const reports: RecoveryReport[] = [];
    const log = createEmbeddedEventLog({ file, onRecovered: (r) => reports.push(r) });
    return { log, reports };
  };

  it("reloads what it wrote, seqs included, and goes on appending after it", async () => {
    await write();
    const { log, reports } = reopen();
    expect(reports).toEqual([]);
    expect(log.size).toBe(5);
    expect(await log.lastSeq(subject)).toBe(5);
    expect(log.readAll(subject).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    const retry = await log.append(subject, events.slice(0, 1), { expectedLastSeq: 0 });
    expect(retry.duplicates).toBe(1);
    await log.append(subject, [sampleCandle("cf", "s1", 5)], { expectedLastSeq: 5 });
    await log.close();
    expect(reopen().log.size).toBe(6);
  });

  it("cuts a last line torn mid-record, reports it, and keeps the rest", async () => {
    await write();
    const full = readFileSync(file, "utf8");
    const cut = full.length - 40;
    writeFileSync(file, full.slice(0, cut));
    const { log, reports } = reopen();
    expect(log.size).toBe(4);
    expect(reports).toEqual([
      {
        file,
        keptEvents: 4,
        cutBytes: Buffer.byteLength(full.slice(0, cut)) - statSize(full, 4),
        reason: expect.stringMatching(/torn write/),
      },
    ]);
    expect(statSync(file).size).toBe(statSize(full, 4));
    await log.append(subject, events.slice(4), { expectedLastSeq: 4 });
    await log.close();
    const again = reopen();
    expect(again.reports).toEqual([]);
    expect(again.log.readAll(subject).map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it("cuts a complete last line that is not JSON, or not a valid event", async () => {
    await write();
    appendFileSync(file, '{"seq":6,"ev\n');
    expect(reopen().reports[0]?.reason).toMatch(/not JSON/);
    const line = JSON.stringify({ seq: 6, event: { ...events[0], data: { broken: true } } });
    appendFileSync(file, `${line}\n`);
    const { log, reports } = reopen();
    expect(reports[0]?.reason).toMatch(/^last record is invalid: invalid CandleClosed/);
    expect(log.size).toBe(5);
  });

  it("refuses a file damaged before its last record (CorruptError), never guessing", async () => {
    await write();
    const lines = readFileSync(file, "utf8").split("\n");
    const broken = JSON.parse(lines[1]!);
    broken.event.type = "Unknown";
    writeFileSync(file, [lines[0], JSON.stringify(broken), ...lines.slice(2)].join("\n"));
    expect(() => reopen()).toThrow(CorruptError);
    const renumbered = JSON.parse(lines[1]!);
    renumbered.seq = 9;
    writeFileSync(file, [lines[0], JSON.stringify(renumbered), ...lines.slice(2)].join("\n"));
    expect(() => reopen()).toThrow(/expected seq 2, found 9/);
  });

  it("refuses appends after close", async () => {
    const log = createEmbeddedEventLog({ file });
    await log.close();
    await log.close();
    expect(() => log.appendSync(subject, events.slice(0, 1))).toThrow(/closed/);
  });
});

/** Bytes of the first `records` lines of `text`. */
function statSize(text: string, records: number): number {
  return Buffer.byteLength(`${text.split("\n").slice(0, records).join("\n")}\n`);
}
