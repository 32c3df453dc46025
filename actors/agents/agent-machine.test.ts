import { describe, expect, it } from "vitest";
import { createActor } from "xstate";
import { hasErrorCode } from "../../events/index.ts";
import { createMachineDriver } from "../runtime/machine-driver.ts";
import { randomBars, specSetup } from "./agent-fixtures.ts";
import { createAgentSpecs } from "./agent-registry.ts";
import { createTechnicalAgentSpec } from "./technical-agent.ts";

describe("agent machines and snapshots", () => {
  it("every rule-based agent's spec asks to be re-folded rather than restored", () => {
    const specs = createAgentSpecs(specSetup()).filter((s) => s.writer !== "agent.risk");
    expect(specs).toHaveLength(6);
    expect(specs.every((s) => s.refold === true)).toBe(true);
  });

  it("a driver given a checkpoint of an agent ignores it and starts from nothing", () => {
    const spec = createTechnicalAgentSpec(specSetup());
    const bars = randomBars(2, 300);
    const first = createMachineDriver(spec);
    for (const b of bars.slice(0, 250)) first.feed(b);
    const checkpoint = structuredClone(first.persist());
    const again = createMachineDriver(spec, checkpoint);
    expect(again.lastSeq).toBe(0);
    // Re-folded from the start, it says exactly what the uninterrupted actor says.
    for (const b of bars.slice(0, 250)) again.feed(b);
    for (const b of bars.slice(250)) expect(again.feed(b)).toEqual(first.feed(b));
  });

  it("a snapshot that went through structuredClone or JSON fails loudly instead of judging from empty indicators", () => {
    const spec = createTechnicalAgentSpec(specSetup());
    const bars = randomBars(3, 10);
    const live = createMachineDriver(spec);
    for (const b of bars.slice(0, 5)) live.feed(b);
    const cloned = JSON.parse(JSON.stringify(live.persist().snapshot));
    const restored = createActor(spec.machine, { input: spec.input, snapshot: cloned });
    let failure: unknown = null;
    restored.subscribe({ error: (e) => (failure = e) });
    restored.start();
    restored.send(bars[5] as never);
    expect(hasErrorCode(failure, "UNSUPPORTED")).toBe(true);
  });
});
