import { describe, expect, it } from "vitest";
import type { ArithmeticTask } from "./fixtures/arithmetic-thread.ts";
import { createThreadPool } from "./thread-pool.ts";

type Answer = { value: number; threadId: number };
const pool = (size: number) =>
  createThreadPool<ArithmeticTask, Answer>({
    callerUrl: new URL("./fixtures/", import.meta.url).href,
    entry: "arithmetic-thread",
    size,
  });

describe("a thread pool", () => {
  it("answers every task, on no more threads than its size, reusing them", async () => {
    const p = pool(2);
    try {
      const answers = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => p.submit({ square: n })));
      expect(answers.map((a) => a.value)).toEqual([1, 4, 9, 16, 25, 36]);
      expect(new Set(answers.map((a) => a.threadId)).size).toBe(2);
      const again = await p.submit({ square: 7 });
      expect(answers.map((a) => a.threadId)).toContain(again.threadId); // kept, not started anew
    } finally {
      await p.close();
    }
  });

  it("fails only the task whose handler threw, or whose thread died; the next task runs on a new thread", async () => {
    const p = pool(1);
    try {
      await expect(p.submit({ fail: "no such market" })).rejects.toThrow(/arithmetic-thread: no such market/);
      const before = await p.submit({ square: 2 });
      await expect(p.submit({ die: 3 })).rejects.toThrow(/exited \(code 3\) before its result/);
      const after = await p.submit({ square: 3 });
      expect(after.value).toBe(9);
      expect(after.threadId).not.toBe(before.threadId);
    } finally {
      await p.close();
    }
  });

  it("rejects the tasks still waiting when closed, and every task after", async () => {
    const p = pool(1);
    const first = p.submit({ square: 1 });
    const waiting = p.submit({ square: 2 });
    await p.close();
    await expect(waiting).rejects.toThrow(/pool closed/);
    await expect(first).rejects.toThrow(); // its thread was stopped under it
    await expect(p.submit({ square: 3 })).rejects.toThrow(/pool closed/);
  });
});
