import type { AgentName } from "../../events/index.ts";
import { createRiskAgentSpec } from "../risk/risk-agent.ts";
import type { ActorSpec } from "../runtime/machine-driver.ts";
import type { SessionSetup } from "../session/session-setup.ts";
import { createArbitrageAgentSpec } from "./arbitrage-agent.ts";
import { createOrderbookAgentSpec } from "./orderbook-agent.ts";
import { createReversionAgentSpec } from "./reversion-agent.ts";
import { createSentimentAgentSpec } from "./sentiment-agent.ts";
import { createTechnicalAgentSpec } from "./technical-agent.ts";
import { createTrendAgentSpec } from "./trend-agent.ts";

/** The ActorSpec factory of every agent, by name. */
export const agentSpecFactories: Readonly<Record<AgentName, (setup: SessionSetup) => ActorSpec>> = {
  arbitrage: createArbitrageAgentSpec,
  orderbook: createOrderbookAgentSpec,
  reversion: createReversionAgentSpec,
  risk: createRiskAgentSpec,
  sentiment: createSentimentAgentSpec,
  technical: createTechnicalAgentSpec,
  trend: createTrendAgentSpec,
};

/**
 * The specs of the session's enabled agents, sorted by name: the fixed order in which the in-process scheduler
 * offers them each event (the flow contract), so a run does not depend on how the strategy listed them.
 */
export function createAgentSpecs(setup: SessionSetup): ActorSpec[] {
  const enabled = [...new Set(setup.strategy.enabledAgents)].sort();
  return enabled.map((name) => agentSpecFactories[name](setup));
}
