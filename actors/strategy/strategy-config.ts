import { z } from "zod";
import { agentNames, issuesFromZod, ValidationError } from "../../events/index.ts";

const weight = z.number().min(0).max(10);
const fraction = z.number().min(0).max(1);
const period = z.number().int().min(1).max(1000);

/** technical: RSI, MACD, Bollinger, EMA trend and volume, combined by weight (DESIGN §5). */
export const technicalParams = z
  .object({
    rsiPeriod: period.default(14),
    rsiOversold: z.number().min(0).max(100).default(30),
    rsiOverbought: z.number().min(0).max(100).default(70),
    macdFast: period.default(12),
    macdSlow: period.default(26),
    macdSignal: period.default(9),
    bollingerPeriod: period.default(20),
    bollingerStdDev: z.number().positive().default(2),
    emaPeriods: z.tuple([period, period, period, period]).default([9, 21, 50, 200]),
    volumePeriod: period.default(20),
    weights: z
      .object({
        rsi: weight.default(0.25),
        macd: weight.default(0.25),
        bollinger: weight.default(0.2),
        ema: weight.default(0.2),
        volume: weight.default(0.1),
      })
      .default({ rsi: 0.25, macd: 0.25, bollinger: 0.2, ema: 0.2, volume: 0.1 }),
    /** |score| beyond which the agent says BUY or SELL. */
    actThreshold: fraction.default(0.3),
  })
  .strict();

/** orderbook: imbalance, walls, large orders, spoofing. */
export const orderbookParams = z
  .object({
    levels: z.number().int().min(1).max(500).default(10),
    imbalanceThreshold: fraction.default(0.3),
    wallDistancePct: z.number().positive().max(50).default(1),
    largeOrderMultiple: z.number().positive().default(5),
    spoofWindowMs: z.number().int().positive().default(5000),
    /** A book older than this at a bar's close is not judged (the feed stopped). */
    maxBookAgeMs: z.number().int().positive().default(60_000),
    weights: z
      .object({
        imbalance: weight.default(0.4),
        walls: weight.default(0.3),
        large: weight.default(0.2),
        spoof: weight.default(0.1),
      })
      .default({ imbalance: 0.4, walls: 0.3, large: 0.2, spoof: 0.1 }),
    actThreshold: fraction.default(0.3),
  })
  .strict();

/** sentiment: lexicon-scored news with e^(−age_h/halfLife) decay, and Fear & Greed. */
export const sentimentParams = z
  .object({
    decayHours: z.number().positive().default(24),
    maxNewsAgeHours: z.number().positive().default(72),
    newsWeight: fraction.default(0.6),
    fearGreedWeight: fraction.default(0.4),
    actThreshold: fraction.default(0.3),
  })
  .strict();

/** trend: EMA fast/slow crossover confirmed by ADX, with stop, take-profit and trailing stop. */
export const trendParams = z
  .object({
    emaFast: period.default(9),
    emaSlow: period.default(21),
    adxPeriod: period.default(14),
    adxThreshold: z.number().min(0).max(100).default(25),
    stopLossPct: z.number().positive().max(100).default(2),
    takeProfitPct: z.number().positive().max(1000).default(4),
    trailingStopPct: z.number().positive().max(100).default(1.5),
  })
  .strict();

/** reversion: Bollinger band touches with RSI extremes, only while ADX says the market ranges. */
export const reversionParams = z
  .object({
    bollingerPeriod: period.default(20),
    bollingerStdDev: z.number().positive().default(2),
    rsiPeriod: period.default(14),
    rsiOversold: z.number().min(0).max(100).default(30),
    rsiOverbought: z.number().min(0).max(100).default(70),
    adxPeriod: period.default(14),
    adxMax: z.number().min(0).max(100).default(25),
  })
  .strict();

/** arbitrage: cross-venue edge net of taker fees and transfer costs. */
export const arbitrageParams = z
  .object({
    minNetEdgePct: z.number().min(0).default(0.1),
    defaultTakerFeePct: z.number().min(0).default(0.1),
    transferCostPct: z.number().min(0).default(0.05),
    maxQuoteAgeMs: z.number().int().positive().default(60_000),
    minVenues: z.number().int().min(2).default(2),
    /** The venue this session trades on: BUY means buy here and sell elsewhere, SELL the reverse. */
    homeVenue: z.string().min(1).default("binance"),
  })
  .strict();

/** risk (as a voter and as the pre-trade engine). Percentages are of equity unless named otherwise. */
export const riskParams = z
  .object({
    maxPositionNotionalPct: z.number().positive().max(100).default(25),
    maxTotalExposurePct: z.number().positive().max(1000).default(50),
    maxConcentrationPct: z.number().positive().max(100).default(40),
    maxOpenPositions: z.number().int().positive().default(3),
    maxDailyLossPct: z.number().positive().max(100).default(5),
    maxDrawdownPct: z.number().positive().max(100).default(15),
    /** Drawdown at which the state becomes REDUCING (only risk-reducing orders). */
    reducingDrawdownPct: z.number().positive().max(100).default(10),
    maxTradesPerHour: z.number().int().positive().default(10),
    minRewardRisk: z.number().min(0).default(1.5),
    kellyFraction: fraction.default(0.25),
    /** Trades before the Kelly estimate is trusted in full; fewer shrink the edge toward zero. */
    kellyPriorTrades: z.number().int().min(0).default(20),
    /** Size used while the session is still learning (fewer than kellyMinTrades closed trades), of the position cap. */
    initialSizeFraction: fraction.default(0.1),
    /**
     * Closed trades traded at the initial size before Kelly decides. One losing first trade (fees alone make a small
     * one likely) would otherwise stop a session for good: with n = 1 the edge is ≤ 0 and shrinkage cannot lift it.
     */
    kellyMinTrades: z.number().int().min(0).default(10),
    stoplossGuard: z
      .object({
        maxStops: z.number().int().positive().default(3),
        windowMinutes: z.number().positive().default(240),
        haltMinutes: z.number().positive().default(120),
      })
      .default({ maxStops: 3, windowMinutes: 240, haltMinutes: 120 }),
    cooldownMinutesAfterLoss: z.number().min(0).default(15),
    volatilityHalt: z
      .object({
        maxBarRangePct: z.number().positive().default(5),
        haltMinutes: z.number().positive().default(60),
      })
      .default({ maxBarRangePct: 5, haltMinutes: 60 }),
    /** Risk agent: drawdown fraction of maxDrawdownPct beyond which it votes SELL with veto. */
    vetoAtDrawdownShare: fraction.default(0.8),
  })
  .strict();

export const orchestratorParams = z
  .object({
    weights: z.record(z.enum(agentNames), weight).default({
      technical: 1,
      orderbook: 0.6,
      sentiment: 0.5,
      trend: 1,
      reversion: 0.8,
      arbitrage: 0.4,
      risk: 1,
    }),
    minConsensus: fraction.default(0.6),
    minConfidence: fraction.default(0.5),
    /** Agents that must back a BUY or SELL with confidence > 0 (a quorum: one confident agent is not a consensus). */
    minAgreeing: z.number().int().min(1).max(7).default(2),
  })
  .strict();

export const fillModels = ["next-bar-open", "ohlc-path", "l2-book"] as const;

export const executionParams = z
  .object({
    fillModel: z.enum(fillModels).default("next-bar-open"),
    slippageBps: z.number().min(0).default(5),
    /** Extra slippage in bps per 1 % of the bar's volume taken. */
    volumeImpactBps: z.number().min(0).default(10),
    /** Largest share of a bar's volume one order may take; the rest stays open. */
    maxVolumeShare: fraction.default(0.1),
    makerFeePct: z.number().min(0).default(0.02),
    takerFeePct: z.number().min(0).default(0.1),
    allowShort: z.boolean().default(true),
    /** Quantity precision (decimal places) of the venue. */
    quantityDecimals: z.number().int().min(0).max(12).default(6),
    priceDecimals: z.number().int().min(0).max(12).default(2),
    /** Entries as market orders, or as limit orders resting `limitOffsetBps` better than the decision price. */
    entryOrderType: z.enum(["market", "limit"]).default("market"),
    limitOffsetBps: z.number().min(0).default(0),
  })
  .strict();

export const strategyConfig = z
  .object({
    name: z.string().min(1).max(100).default("default"),
    enabledAgents: z
      .array(z.enum(agentNames))
      .min(1)
      .default([...agentNames]),
    agents: z
      .object({
        technical: technicalParams.default(technicalParams.parse({})),
        orderbook: orderbookParams.default(orderbookParams.parse({})),
        sentiment: sentimentParams.default(sentimentParams.parse({})),
        trend: trendParams.default(trendParams.parse({})),
        reversion: reversionParams.default(reversionParams.parse({})),
        arbitrage: arbitrageParams.default(arbitrageParams.parse({})),
      })
      .strict()
      .default(() => ({
        technical: technicalParams.parse({}),
        orderbook: orderbookParams.parse({}),
        sentiment: sentimentParams.parse({}),
        trend: trendParams.parse({}),
        reversion: reversionParams.parse({}),
        arbitrage: arbitrageParams.parse({}),
      })),
    risk: riskParams.default(riskParams.parse({})),
    orchestrator: orchestratorParams.default(orchestratorParams.parse({})),
    execution: executionParams.default(executionParams.parse({})),
  })
  .strict();

export type StrategyConfig = z.infer<typeof strategyConfig>;
export type TechnicalParams = z.infer<typeof technicalParams>;
export type OrderbookParams = z.infer<typeof orderbookParams>;
export type SentimentParams = z.infer<typeof sentimentParams>;
export type TrendParams = z.infer<typeof trendParams>;
export type ReversionParams = z.infer<typeof reversionParams>;
export type ArbitrageParams = z.infer<typeof arbitrageParams>;
export type RiskParams = z.infer<typeof riskParams>;
export type OrchestratorParams = z.infer<typeof orchestratorParams>;
export type ExecutionParams = z.infer<typeof executionParams>;

/** Parses a strategy (partial input is filled with the defaults); throws a ValidationError naming each field. */
export function parseStrategy(input: unknown): StrategyConfig {
  const r = strategyConfig.safeParse(input ?? {});
  if (!r.success) {
    const issues = issuesFromZod(r.error.issues);
    throw new ValidationError(
      `invalid strategy: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      issues,
    );
  }
  return r.data;
}

/** The strategy with every default: what `npm start` trades. */
export const defaultStrategy: StrategyConfig = parseStrategy({});
