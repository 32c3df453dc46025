import { BollingerBands, EMA, MACD, SMA } from "trading-signals";
import type { SessionSetup } from "../session/session-setup.ts";
import type { TechnicalParams } from "../strategy/strategy-config.ts";
import {
  type AgentLogic,
  type Bar,
  createAgentMachine,
  createAgentSpec,
  type Features,
} from "./agent-machine.ts";
import { actOnScore, cannotJudge, clamp, compare, fmt, signed } from "./signal-score.ts";
import { WilderRsi } from "./wilder-rsi.ts";

interface TechnicalState {
  readonly rsi: WilderRsi;
  readonly macd: MACD;
  readonly bands: BollingerBands;
  readonly emas: readonly EMA[];
  readonly volume: SMA;
}

/** The five component scores in [−1, 1] (positive = bullish) with the readings behind them. */
export interface TechnicalReading {
  readonly rsi: number;
  readonly macd: { readonly macd: number; readonly signal: number; readonly histogram: number };
  readonly bands: { readonly upper: number; readonly middle: number; readonly lower: number };
  readonly emas: readonly number[];
  /** Volume ÷ mean volume of the previous `volumePeriod` bars (null when that mean is 0). */
  readonly volumeRatio: number | null;
}

/** RSI: +1 at or below oversold, −1 at or above overbought, linear between (0 at the midpoint). */
export function rsiScore(rsi: number, oversold: number, overbought: number): number {
  const mid = (oversold + overbought) / 2;
  const half = (overbought - oversold) / 2;
  return half > 0 ? clamp((mid - rsi) / half) : 0;
}

function scores(r: TechnicalReading, bar: Bar, p: TechnicalParams) {
  const width = r.bands.upper - r.bands.lower;
  // σ of the band window: the histogram is read in units of recent volatility, so the score is scale-free.
  const sigma = width / (2 * p.bollingerStdDev);
  const percentB = width > 0 ? (bar.close - r.bands.lower) / width : null;
  const [e0, e1, e2, e3] = r.emas as [number, number, number, number];
  return {
    percentB,
    rsi: rsiScore(r.rsi, p.rsiOversold, p.rsiOverbought),
    macd: sigma > 0 ? clamp(r.macd.histogram / sigma) : 0,
    // Mean reversion inside the bands: at the lower band +1, at the upper band −1.
    bollinger: percentB === null ? 0 : clamp(1 - 2 * percentB),
    // Trend alignment: close above the fastest EMA and each EMA above the slower one.
    ema: (compare(bar.close, e0) + compare(e0, e1) + compare(e1, e2) + compare(e2, e3)) / 4,
    // Above-average volume confirms the bar's direction.
    volume: r.volumeRatio === null ? 0 : compare(bar.close, bar.open) * clamp(r.volumeRatio - 1, 0, 1),
  };
}

export const technicalLogic: AgentLogic<TechnicalParams, TechnicalState> = {
  name: "technical",
  version: "technical-v1",
  inputs: [],
  init: (p) => ({
    rsi: new WilderRsi(p.rsiPeriod),
    macd: new MACD(new EMA(p.macdFast), new EMA(p.macdSlow), new EMA(p.macdSignal)),
    bands: new BollingerBands(p.bollingerPeriod, p.bollingerStdDev),
    emas: p.emaPeriods.map((n) => new EMA(n)),
    volume: new SMA(p.volumePeriod),
  }),
  judge(s, bar, { params: p }) {
    // The volume mean is taken before this bar is added: the bar is compared with the bars before it.
    const meanVolume = s.volume.getResult();
    s.volume.add(bar.volume);
    const rsi = s.rsi.add(bar.close);
    const macd = s.macd.add(bar.close);
    const bands = s.bands.add(bar.close);
    const emas = s.emas.map((e) => {
      e.add(bar.close);
      return e.isStable ? e.getResultOrThrow() : null;
    });
    const features: Features = {
      close: bar.close,
      rsi,
      macd: macd?.macd ?? null,
      macdSignal: macd?.signal ?? null,
      macdHistogram: macd?.histogram ?? null,
      bbUpper: bands?.upper ?? null,
      bbMiddle: bands?.middle ?? null,
      bbLower: bands?.lower ?? null,
      ...Object.fromEntries(p.emaPeriods.map((n, i) => [`ema${n}`, emas[i] ?? null])),
      volume: bar.volume,
      volumeMean: meanVolume,
    };
    if (
      rsi === null ||
      macd === null ||
      bands === null ||
      emas.some((e) => e === null) ||
      meanVolume === null
    ) {
      const longest = Math.max(
        ...p.emaPeriods,
        p.macdSlow,
        p.bollingerPeriod,
        p.rsiPeriod + 1,
        p.volumePeriod + 1,
      );
      return cannotJudge(`warming up (needs ${longest} bars)`, features);
    }
    const reading: TechnicalReading = {
      rsi,
      macd,
      bands,
      emas: emas as number[],
      volumeRatio: meanVolume > 0 ? bar.volume / meanVolume : null,
    };
    const c = scores(reading, bar, p);
    const w = p.weights;
    const totalWeight = w.rsi + w.macd + w.bollinger + w.ema + w.volume;
    const score =
      totalWeight > 0
        ? (w.rsi * c.rsi +
            w.macd * c.macd +
            w.bollinger * c.bollinger +
            w.ema * c.ema +
            w.volume * c.volume) /
          totalWeight
        : 0;
    const { action, confidence } = actOnScore(score, p.actThreshold);
    const rsiWord = rsi <= p.rsiOversold ? " oversold" : rsi >= p.rsiOverbought ? " overbought" : "";
    const parts = [
      `RSI ${fmt(rsi, 1)}${rsiWord} ${signed(c.rsi)}`,
      `MACD histogram ${fmt(macd.histogram)} ${signed(c.macd)}`,
      `%B ${fmt(c.percentB)} ${signed(c.bollinger)}`,
      `EMA trend ${signed(c.ema)}`,
      `volume ${fmt(reading.volumeRatio)}× mean ${signed(c.volume)}`,
    ];
    const band =
      action === "HOLD"
        ? `within ±${fmt(p.actThreshold)}`
        : `beyond ${action === "BUY" ? "+" : "−"}${fmt(p.actThreshold)}`;
    return {
      action,
      confidence,
      reasoning: `${action}: score ${signed(score)} ${band} (${parts.join(", ")})`,
      features: {
        ready: true,
        ...features,
        percentB: c.percentB,
        volumeRatio: reading.volumeRatio,
        scoreRsi: c.rsi,
        scoreMacd: c.macd,
        scoreBollinger: c.bollinger,
        scoreEma: c.ema,
        scoreVolume: c.volume,
        score,
      },
    };
  },
  minActConfidence: (p) => p.actThreshold,
};

/** The technical agent's machine (DESIGN §5). */
export const technicalAgent = createAgentMachine(technicalLogic);

/** The technical agent's ActorSpec for a session. */
export function createTechnicalAgentSpec(setup: SessionSetup) {
  return createAgentSpec(technicalLogic, technicalAgent, setup, setup.strategy.agents.technical);
}
