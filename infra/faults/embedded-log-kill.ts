import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect } from "vitest";
import { createEmbeddedEventLog, type RecoveryReport } from "../../events/index.ts";
import { sampleCandle } from "../../events/testing/sample-candle.ts";

const root = resolve(import.meta.dirname, "../..");
/** The kill -9 writer the events/ test uses too: appends seeded batches, prints `ack <lastSeq>` after each. */
const writer = resolve(root, "events/testing/embedded-log-writer.ts");
const subject = "cf.s1.feed";

export interface EmbeddedLogKillOptions {
  readonly rounds: number;
  readonly seed: number;
  /** Largest batch the writer appends at once (larger batches make a kill mid-write likelier). */
  readonly maxBatch: number;
}

export interface EmbeddedLogKillFigures {
  readonly test: "embedded-log-kill";
  readonly rounds: number;
  readonly seed: number;
  /** Events in the log at the end, and the acknowledged appends they include. */
  readonly events: number;
  readonly acknowledgedAppends: number;
  /** Rounds whose kill left a torn tail that the reopen cut, and the bytes cut in all. */
  readonly tornTails: number;
  readonly cutBytes: number;
  /** Events kept beyond the last acknowledgement the test read (written whole before the kill). */
  readonly unacknowledgedKept: number;
  /** Rounds whose simulated cut-short write left a torn record (the rest ended on a record boundary). */
  readonly simulatedTornWrites: number;
  /** Reopen time of the final file, in ms. */
  readonly reopenMs: number;
  readonly totalMs: number;
}

/**
 * A child appends to an embedded log file and is SIGKILLed at a seeded random point, `rounds` times. After each kill
 * the file is reopened: every acknowledged append is there, in order and intact; a torn tail (if the kill fell
 * mid-write) is cut and reported, to the byte; the log accepts an append again, which survives another reopen. Each
 * round then simulates a write cut short (a seeded prefix of the next batch's records) and retries that batch.
 */
export async function runEmbeddedLogKill(options: EmbeddedLogKillOptions): Promise<EmbeddedLogKillFigures> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), "cf-embedded-kill-"));
  const file = join(dir, "events.jsonl");
  let seed = options.seed;
  const rand = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  let acknowledgedAppends = 0;
  let tornTails = 0;
  let cutBytes = 0;
  let unacknowledgedKept = 0;
  let simulatedTornWrites = 0;
  let events = 0;
  try {
    for (let round = 0; round < options.rounds; round++) {
      const killAfterAcks = 1 + Math.floor(rand() * 20);
      const extraDelayMs = Math.floor(rand() * 15);
      const { acked, stderr } = await writeUntilKilled(
        file,
        String(1 + Math.floor(rand() * 1_000_000)),
        options.maxBatch,
        killAfterAcks,
        extraDelayMs,
      );
      acknowledgedAppends += acked.length;
      const lastAcked = acked.at(-1) ?? events;

      // What the kill left: complete lines, maybe a torn tail.
      const before = readFileSync(file);
      const torn = before.length > 0 && before[before.length - 1] !== 0x0a;
      const completeBytes = torn ? before.lastIndexOf(0x0a) + 1 : before.length;

      const reports: RecoveryReport[] = [];
      const log = createEmbeddedEventLog({ file, onRecovered: (r) => reports.push(r) });
      const stored = log.readAll("cf.>");
      const where = `round ${round} (kill after ${killAfterAcks} acks + ${extraDelayMs} ms)\n${stderr}`;
      // Every acknowledged append is there, and every event is the one the writer appended at that position.
      expect(stored.length, `${where}: events vs last acknowledged seq`).toBeGreaterThanOrEqual(lastAcked);
      expect(
        stored.map((e) => e.seq),
        where,
      ).toEqual(stored.map((_, i) => i + 1));
      expect(
        stored.map((e) => e.id),
        where,
      ).toEqual(stored.map((_, i) => sampleCandle("cf", "s1", i).id));
      unacknowledgedKept += stored.length - lastAcked;
      // A torn tail is cut to the last complete record, and reported; a clean end is left alone.
      const after = readFileSync(file);
      if (torn) {
        tornTails++;
        expect(reports, where).toHaveLength(1);
        expect(reports[0]?.reason, where).toMatch(/torn write/);
        expect(reports[0]?.cutBytes, where).toBe(before.length - completeBytes);
        cutBytes += reports[0]?.cutBytes ?? 0;
      } else {
        expect(reports, where).toEqual([]);
      }
      expect(after.length, where).toBe(completeBytes);
      // It accepts appends again, durably: one more candle, then a reopen finds it.
      const next = sampleCandle("cf", "s1", stored.length);
      const appended = log.appendSync(subject, [next], { expectedLastSeq: stored.length });
      expect(appended.seqs, where).toEqual([stored.length + 1]);
      await log.close();

      // A kill inside the write itself is rare by chance (the write is a short part of an append), so it is also made
      // happen: the file gets a seeded prefix of the next batch's records — what a write cut short leaves.
      const size = stored.length + 1;
      const m = 2 + Math.floor(rand() * 40);
      const batch = Array.from({ length: m }, (_, k) => sampleCandle("cf", "s1", size + k));
      // The log's record format: one line per event, `{"seq":…,"event":…}`.
      const records = Buffer.from(
        batch.map((e, k) => `${JSON.stringify({ seq: size + k + 1, event: e })}\n`).join(""),
      );
      const cutAt = 1 + Math.floor(rand() * (records.length - 1));
      appendFileSync(file, records.subarray(0, cutAt));
      const whole = records.subarray(0, cutAt).toString("utf8").split("\n").length - 1;
      const simulated: RecoveryReport[] = [];
      const reopened = createEmbeddedEventLog({ file, onRecovered: (r) => simulated.push(r) });
      const w = `${where}, write cut at byte ${cutAt} of ${records.length}`;
      expect(reopened.size, w).toBe(size + whole);
      const tornBytes = cutAt - (records.subarray(0, cutAt).lastIndexOf(0x0a) + 1);
      expect(
        simulated.map((r) => r.cutBytes),
        w,
      ).toEqual(tornBytes === 0 ? [] : [tornBytes]);
      // The writer, restarted, appends the same batch with the same expectation: the whole records it finds stored
      // count as duplicates, the rest is appended.
      const retry = reopened.appendSync(subject, batch, { expectedLastSeq: size });
      expect(retry, w).toEqual({
        seqs: batch.map((_, k) => size + k + 1),
        lastSeq: size + m,
        duplicates: whole,
      });
      await reopened.close();
      simulatedTornWrites += tornBytes === 0 ? 0 : 1;

      const again = createEmbeddedEventLog({ file });
      const all = again.readAll("cf.>");
      expect(
        all.map((e) => e.id),
        w,
      ).toEqual(all.map((_, i) => sampleCandle("cf", "s1", i).id));
      events = again.size;
      await again.close();
    }
    const t = performance.now();
    const last = createEmbeddedEventLog({ file });
    const reopenMs = Math.round(performance.now() - t);
    expect(last.size).toBe(events);
    await last.close();
    return {
      test: "embedded-log-kill",
      rounds: options.rounds,
      seed: options.seed,
      events,
      acknowledgedAppends,
      tornTails,
      cutBytes,
      unacknowledgedKept,
      simulatedTornWrites,
      reopenMs,
      totalMs: Date.now() - started,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the writer until `killAfterAcks` appends were acknowledged (+ `extraDelayMs`), then SIGKILLs it. */
async function writeUntilKilled(
  file: string,
  seed: string,
  maxBatch: number,
  killAfterAcks: number,
  extraDelayMs: number,
): Promise<{ acked: number[]; stderr: string }> {
  const child = spawn(
    process.execPath,
    [resolve(root, "bin/run-ts.js"), writer, file, seed, String(maxBatch)],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const acked: number[] = [];
  let stderr = "";
  let partial = "";
  let killing = false;
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once("exit", (_c, signal) => r(signal)));
  child.stderr.on("data", (d) => {
    stderr += String(d);
  });
  child.stdout.on("data", (chunk: Buffer) => {
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) if (line.startsWith("ack ")) acked.push(Number(line.slice(4)));
    if (!killing && acked.length >= killAfterAcks) {
      killing = true;
      setTimeout(() => child.kill("SIGKILL"), extraDelayMs);
    }
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const signal = await exited;
  clearTimeout(timer);
  expect(signal, `the writer died before it was killed:\n${stderr}`).toBe("SIGKILL");
  expect(acked.length, `the writer acknowledged nothing:\n${stderr}`).toBeGreaterThanOrEqual(killAfterAcks);
  return { acked, stderr };
}
