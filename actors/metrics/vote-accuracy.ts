import type { AgentName, AnyEvent } from "../../events/index.ts";

/** How often one agent's BUY or SELL preceded a price move its way over the next `barsAhead` bars. */
export interface AgentAccuracy {
  readonly agent: AgentName;
  readonly buys: number;
  readonly sells: number;
  readonly holds: number;
  /** BUY/SELL calls with a bar `barsAhead` later to judge them by. */
  readonly judged: number;
  readonly correct: number;
  /** correct ÷ judged; null when nothing could be judged. */
  readonly accuracy: number | null;
}

/**
 * Per-agent vote accuracy: a BUY at bar t is right when the close `barsAhead` strategy bars later is above bar t's
 * close, a SELL when it is below (an unchanged price is wrong for both). HOLDs are counted, not judged.
 */
export function voteAccuracy(events: readonly AnyEvent[], barsAhead = 5): AgentAccuracy[] {
  let timeframe: string | null = null;
  const closes: { bar: string; close: number }[] = [];
  for (const e of events) {
    if (e.type === "SessionCreated") timeframe = e.data.timeframe;
    else if (e.type === "CandleClosed" && (timeframe === null || e.data.timeframe === timeframe)) {
      closes.push({ bar: e.data.closeTime, close: Number(e.data.close) });
    }
  }
  const index = new Map(closes.map((c, i) => [c.bar, i]));
  const stats = new Map<
    AgentName,
    { buys: number; sells: number; holds: number; judged: number; correct: number }
  >();
  for (const e of events) {
    if (e.type !== "SignalEmitted") continue;
    const s = stats.get(e.data.agent) ?? { buys: 0, sells: 0, holds: 0, judged: 0, correct: 0 };
    stats.set(e.data.agent, s);
    if (e.data.action === "HOLD") {
      s.holds++;
      continue;
    }
    if (e.data.action === "BUY") s.buys++;
    else s.sells++;
    const i = index.get(e.data.bar);
    const later = i === undefined ? undefined : closes[i + barsAhead];
    if (i === undefined || later === undefined) continue;
    const now = (closes[i] as { close: number }).close;
    s.judged++;
    if (e.data.action === "BUY" ? later.close > now : later.close < now) s.correct++;
  }
  return [...stats]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([agent, s]) => ({ agent, ...s, accuracy: s.judged === 0 ? null : s.correct / s.judged }));
}
