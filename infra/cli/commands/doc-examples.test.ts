import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseStrategy } from "../../../actors/index.ts";
import { candlesOnlyStrategy } from "../../backtest/backtest-fixtures.ts";
import { applyParameters, gridCandidates, parseSearchSpace } from "../../optimize/search-space.ts";
import { readStrategyFile } from "./run-command.ts";

// docs/replay.md's worked examples run these files; this keeps them valid and equal to what the tests run.
const example = (name: string) => fileURLToPath(new URL(`../../../docs/examples/${name}`, import.meta.url));

describe("docs/examples", () => {
  it("candles-only.yaml is the strategy the backtest tests use", () => {
    expect(readStrategyFile(example("candles-only.yaml"))).toEqual(candlesOnlyStrategy);
  });

  it("cautious.yaml changes only the consensus threshold", () => {
    const cautious = readStrategyFile(example("cautious.yaml"));
    const defaults = parseStrategy({}) as unknown as Record<string, unknown>;
    expect((cautious.orchestrator as { minConsensus: number }).minConsensus).toBe(0.8);
    expect({ ...cautious, orchestrator: defaults.orchestrator }).toEqual(defaults);
  });

  it("space.yaml is a nine-candidate grid that applies to the candles-only strategy", () => {
    const space = parseSearchSpace(parseYaml(readFileSync(example("space.yaml"), "utf8")));
    const grid = gridCandidates(space);
    expect(grid).toHaveLength(9);
    const applied = applyParameters(candlesOnlyStrategy, grid[0] ?? {});
    expect(applied.agents.trend.emaFast).toBe(grid[0]?.["agents.trend.emaFast"]);
  });
});
