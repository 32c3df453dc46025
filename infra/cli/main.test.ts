import { describe, expect, it } from "vitest";
import { buildProgram, commandWord } from "./main.ts";

describe("the CLI loads only the command it runs", () => {
  it("finds the command word after the global options", () => {
    const argv = (...a: string[]) => ["node", "cryptofunk", ...a];
    expect(commandWord(argv("worker", "--health-port", "8081"))).toBe("worker");
    expect(commandWord(argv("--config", "c.yaml", "--log-level", "warn", "gateway", "--port", "1"))).toBe(
      "gateway",
    );
    expect(commandWord(argv("--log-level=warn", "projector"))).toBe("projector");
    expect(commandWord(argv("--help"))).toBeUndefined();
    expect(commandWord(argv())).toBeUndefined();
  });

  it("registers just that command when it is known, every command otherwise", async () => {
    expect((await buildProgram("worker")).commands.map((c) => c.name())).toEqual(["worker"]);
    const all = (await buildProgram("no-such-command")).commands.map((c) => c.name());
    expect(all).toEqual(
      expect.arrayContaining(["demo", "worker", "projector", "gateway", "replay", "optimize"]),
    );
    expect(all.length).toBe(13);
  });
});
