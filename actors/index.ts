// The public surface of actors/: machines, their specs and the runtime that drives them. Other modules import from
// here, never from deep files. (Helpers append their exports in the sections below.)

// agents (rule-based deciders, their registry and the bias checks)
export type { AgentInput, AgentLogic, AgentScope, Bar, Judgement } from "./agents/agent-machine.ts";
export { createAgentMachine, createAgentSpec } from "./agents/agent-machine.ts";
export { agentSpecFactories, createAgentSpecs } from "./agents/agent-registry.ts";
export { arbitrageAgent, arbitrageLogic, createArbitrageAgentSpec } from "./agents/arbitrage-agent.ts";
export type { BiasFinding, BiasOptions, BiasReport } from "./agents/check-bias.ts";
export { checkBias, runAgent, storedFeed } from "./agents/check-bias.ts";
export { cryptoTerms, scoreText } from "./agents/crypto-lexicon.ts";
export { createOrderbookAgentSpec, orderbookAgent, orderbookLogic } from "./agents/orderbook-agent.ts";
export { createReversionAgentSpec, reversionAgent, reversionLogic } from "./agents/reversion-agent.ts";
export { createSentimentAgentSpec, sentimentAgent, sentimentLogic } from "./agents/sentiment-agent.ts";
export { createTechnicalAgentSpec, technicalAgent, technicalLogic } from "./agents/technical-agent.ts";
export { createTrendAgentSpec, trendAgent, trendLogic } from "./agents/trend-agent.ts";
// execution (live venue: intents out, the venue gateway's answers in)
export type {
  LiveExecutionConfig,
  LiveExecutionState,
  LiveOrder,
  LiveProtection,
} from "./execution/live-execution.ts";
export {
  createLiveExecutionSpec,
  createLiveExecutionState,
  decideLiveExecution,
  liveExecutionAccepts,
  liveExecutionConfig,
  liveExecutionMachine,
  localVenue,
  venueWriter,
} from "./execution/live-execution.ts";
// execution (paper venue)
export {
  createPaperExecutionSpec,
  paperExecutionMachine,
  paperVenueConfig,
} from "./execution/paper-execution.ts";
export type { FillModelName, PaperVenueConfig, PaperVenueState } from "./execution/paper-venue.ts";
export { createPaperVenueState, decidePaperVenue } from "./execution/paper-venue.ts";
export type {
  ClosedTrade,
  LedgerFill,
  PortfolioLedger,
  PortfolioValuation,
  PositionChange,
} from "./execution/portfolio-ledger.ts";
export { applyFill, createPortfolioLedger, valuePortfolio } from "./execution/portfolio-ledger.ts";
// market (inputs as feed drafts; pure)
export { compareDecimalStrings, toDecimalString } from "./market/decimal-string.ts";
export {
  candleToDraft,
  fearGreedClassification,
  fearGreedToDraft,
  marketDataEndedDraft,
  newsToDraft,
  orderBookToDraft,
  quoteToDraft,
} from "./market/market-drafts.ts";
export type { MarketFeedInput } from "./market/market-feed.ts";
export { marketFeed } from "./market/market-feed.ts";
export type { Candle, FearGreedReading, NewsItem, OrderBook, Quote } from "./market/market-records.ts";
export type { CandleResampler, ResampleOptions } from "./market/resample-candles.ts";
export { createCandleResampler, resampleCandles } from "./market/resample-candles.ts";
export type { SeededRandom } from "./market/seeded-random.ts";
export { createSeededRandom } from "./market/seeded-random.ts";
export type { HeadlineTone } from "./market/synthetic-headlines.ts";
export { headlineTemplates, syntheticHeadline } from "./market/synthetic-headlines.ts";
export type {
  MarketRegime,
  SyntheticBar,
  SyntheticCandleOptions,
  SyntheticMarketOptions,
} from "./market/synthetic-market.ts";
export { marketRegimes, syntheticCandles, syntheticMarket } from "./market/synthetic-market.ts";
// metrics (canonical, freqtrade- and NautilusTrader-compatible blocks; pure)
export type { CanonicalMetrics, CanonicalOptions, EquityMark } from "./metrics/canonical-metrics.ts";
export { canonicalMetrics, dailyEquity, returnsOf } from "./metrics/canonical-metrics.ts";
export type { FreqtradeMetrics } from "./metrics/freqtrade-metrics.ts";
export { freqtradeMetrics } from "./metrics/freqtrade-metrics.ts";
export type { MetricFill, MetricsInput, MetricTrade, MetricValuation } from "./metrics/metrics-input.ts";
export { metricsInputFromEvents } from "./metrics/metrics-input.ts";
export type { MonthlyReturn } from "./metrics/monthly-returns.ts";
export { monthlyReturns } from "./metrics/monthly-returns.ts";
export type { NautilusMetrics } from "./metrics/nautilus-metrics.ts";
export { nautilusMetrics } from "./metrics/nautilus-metrics.ts";
export type { MetricsOptions, SessionMetrics } from "./metrics/session-metrics.ts";
export { computeMetrics, tradesFingerprint } from "./metrics/session-metrics.ts";
export type { AgentAccuracy } from "./metrics/vote-accuracy.ts";
export { voteAccuracy } from "./metrics/vote-accuracy.ts";
// orchestrator (weighted vote and the per-bar decision)
export type { OrchestratorContext, OrchestratorInput } from "./orchestrator/orchestrator-machine.ts";
export {
  createOrchestratorSpec,
  orchestratorInput,
  orchestratorMachine,
} from "./orchestrator/orchestrator-machine.ts";
export type { Vote, VoteOutcome, VoteRule } from "./orchestrator/weighted-vote.ts";
export { countVotes, voteRuleVersion } from "./orchestrator/weighted-vote.ts";
// replay (recorded inputs re-driven; output comparison; what-if comparison)
export type { Divergence, FieldDiff, ReplayVerdict } from "./replay/compare-replay.ts";
export { compareReplay, diffFields } from "./replay/compare-replay.ts";
export type { DecisionChange, SessionComparison, SessionSide } from "./replay/compare-sessions.ts";
export { compareSessions } from "./replay/compare-sessions.ts";
export type { RecordedInputs, RecordedStep } from "./replay/recorded-inputs.ts";
export { extractRecordedInputs, isOutputEvent } from "./replay/recorded-inputs.ts";
export type { ReplayOptions, ReplayRun } from "./replay/replay-session.ts";
export { replaySession } from "./replay/replay-session.ts";
// risk (rules shared by the risk agent and the risk engine; Kelly sizing; circuit breakers)
export type { ActiveBreaker, BreakerName, BreakerState } from "./risk/circuit-breakers.ts";
export { barRangePct, breakerNames } from "./risk/circuit-breakers.ts";
export type { KellyEstimate, Sizing as KellySizing, TradeStats } from "./risk/kelly-sizing.ts";
export { estimateKelly, sizeEntry } from "./risk/kelly-sizing.ts";
export type { RiskAgentContext, RiskAgentInput } from "./risk/risk-agent.ts";
export { createRiskAgentSpec, decideRiskAgent, riskAgentMachine } from "./risk/risk-agent.ts";
export type { RiskEngineContext, RiskEngineInput } from "./risk/risk-engine.ts";
export { createRiskEngineSpec, decideRiskEngine, riskEngineMachine } from "./risk/risk-engine.ts";
export type { PreTradeInput, PreTradeVerdict, TradingState, VetoJudgement } from "./risk/risk-rules.ts";
export { evaluatePreTrade, judgePortfolio, tradingStateForDrawdown } from "./risk/risk-rules.ts";
// runtime
export type {
  ActorHost,
  ActorHostOptions,
  HostCheckpoint,
  HostExit,
  SnapshotStore,
} from "./runtime/actor-host.ts";
export { createMemorySnapshotStore, startActorHost } from "./runtime/actor-host.ts";
export type {
  CommandOptions,
  InProcessLog,
  InProcessSession,
  InProcessSessionOptions,
  SessionSource,
} from "./runtime/in-process-scheduler.ts";
export { createInProcessSession } from "./runtime/in-process-scheduler.ts";
export type { LogSessionOptions, LogSessionResult, SessionProgress } from "./runtime/log-session-runner.ts";
export { openSessionOnLog, runSessionOnLog } from "./runtime/log-session-runner.ts";
export type { ActorSpec, MachineDriver, PersistedActor } from "./runtime/machine-driver.ts";
export { createMachineDriver } from "./runtime/machine-driver.ts";
export type { PassThroughLogOptions } from "./runtime/pass-through-log.ts";
export { createPassThroughLog } from "./runtime/pass-through-log.ts";
export type { InProcessRunResult, RunInProcessOptions } from "./runtime/run-in-process-session.ts";
export { runInProcessSession } from "./runtime/run-in-process-session.ts";
// session
export { createSessionActors } from "./session/session-actors.ts";
export type { SessionContext, SessionMachineInput } from "./session/session-machine.ts";
export { createSessionSpec, sessionMachine, sessionMachineInput } from "./session/session-machine.ts";
export type { SessionSetup } from "./session/session-setup.ts";
export type { SessionSummariser, SessionSummary } from "./session/session-summary.ts";
export { createSessionSummariser, summariseSession } from "./session/session-summary.ts";
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
