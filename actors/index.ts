// The public surface of actors/: machines, their specs and the runtime that drives them. Other modules import from
// here, never from deep files. (Helpers append their exports in the sections below.)

// strategy
export type {
  ArbitrageParams,
  ExecutionParams,
  OrchestratorParams,
  OrderbookParams,
  ReversionParams,
  RiskParams,
  SentimentParams,
  StrategyConfig,
  TechnicalParams,
  TrendParams,
} from "./strategy/strategy-config.ts";
export { defaultStrategy, fillModels, parseStrategy, strategyConfig } from "./strategy/strategy-config.ts";

// session
export type { SessionSetup } from "./session/session-setup.ts";

// runtime
export type { ActorSpec, MachineDriver, PersistedActor } from "./runtime/machine-driver.ts";
export { createMachineDriver } from "./runtime/machine-driver.ts";
export type { ActorHost, ActorHostOptions, HostCheckpoint, HostExit, SnapshotStore } from "./runtime/actor-host.ts";
export { createMemorySnapshotStore, startActorHost } from "./runtime/actor-host.ts";
export type { LogSessionOptions, LogSessionResult } from "./runtime/log-session-runner.ts";
export { runSessionOnLog } from "./runtime/log-session-runner.ts";
