import { createAgentSpecs } from "../agents/agent-registry.ts";
import { createPaperExecutionSpec } from "../execution/paper-execution.ts";
import { createOrchestratorSpec } from "../orchestrator/orchestrator-machine.ts";
import { createRiskEngineSpec } from "../risk/risk-engine.ts";
import type { ActorSpec } from "../runtime/machine-driver.ts";
import { createSessionSpec } from "./session-machine.ts";
import type { SessionSetup } from "./session-setup.ts";

/**
 * Every actor of a paper or backtest session, in the fixed dispatch order of the flow contract: session, the enabled
 * agents by name, orchestrator, risk engine, execution. The in-process scheduler offers each event to them in this
 * order; hosts over JetStream run one each.
 */
export function createSessionActors(setup: SessionSetup): ActorSpec[] {
  return [
    createSessionSpec(setup),
    ...createAgentSpecs(setup),
    createOrchestratorSpec(setup),
    createRiskEngineSpec(setup),
    createPaperExecutionSpec(setup),
  ];
}
