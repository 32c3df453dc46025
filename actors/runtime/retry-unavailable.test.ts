import { describe, expect, it } from "vitest";
import { UnavailableError, ValidationError } from "../../events/index.ts";
import { retryUnavailable } from "./retry-unavailable.ts";

const fast = { initialDelayMs: 1, maxDelayMs: 2 };

describe("retryUnavailable", () => {
  it("retries UNAVAILABLE until the call succeeds, passing the attempt number", async () => {
    const attempts: number[] = [];
    const retried: number[] = [];
    const result = await retryUnavailable(
      async (n) => {
        attempts.push(n);
        if (n < 3) throw new UnavailableError("NATS is restarting");
        return "stored";
      },
      { ...fast, onRetry: (_e, n) => retried.push(n) },
    );
    expect(result).toBe("stored");
    expect(attempts).toEqual([1, 2, 3]);
    expect(retried).toEqual([1, 2]);
  });

  it("rethrows any other error at once", async () => {
    let calls = 0;
    const failing = retryUnavailable(async () => {
      calls++;
      throw new ValidationError("bad event", []);
    }, fast);
    await expect(failing).rejects.toBeInstanceOf(ValidationError);
    expect(calls).toBe(1);
  });

  it("gives up when stopped, or after the give-up time, with the last failure", async () => {
    let stopped = false;
    let calls = 0;
    const stopping = retryUnavailable(
      async () => {
        if (++calls === 2) stopped = true;
        throw new UnavailableError(`down ${calls}`);
      },
      { ...fast, stopped: () => stopped },
    );
    await expect(stopping).rejects.toThrow("down 2");
    const late = retryUnavailable(
      async () => {
        throw new UnavailableError("still down");
      },
      { ...fast, giveUpAfterMs: 20 },
    );
    await expect(late).rejects.toThrow("still down");
  });
});
