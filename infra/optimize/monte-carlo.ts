import { createSeededRandom } from "../../actors/index.ts";

export interface MonteCarloResult {
  readonly runs: number;
  readonly trades: number;
  /** Max drawdown (fraction of the running peak of initial cash + cumulative P&L) at percentiles over the runs. */
  readonly maxDrawdown: {
    readonly p5: number;
    readonly p50: number;
    readonly p95: number;
    readonly worst: number;
  };
  /** The drawdown of the trades in their actual order, for comparison. */
  readonly actualMaxDrawdown: number;
  /** Share of reshuffles with a deeper drawdown than the actual order. */
  readonly worseThanActual: number;
}

function maxDrawdown(initial: number, pnls: readonly number[]): number {
  let equity = initial;
  let peak = initial;
  let worst = 0;
  for (const p of pnls) {
    equity += p;
    if (equity > peak) peak = equity;
    if (peak > 0) worst = Math.max(worst, (peak - equity) / peak);
  }
  return worst;
}

const percentile = (sorted: readonly number[], q: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number);

/**
 * Monte Carlo reshuffle of the trades' order (seeded Fisher–Yates): the final P&L does not change, the path does, so
 * the spread of max drawdowns says how much of the actual one was luck of the order.
 */
export function monteCarloReshuffle(
  initial: number,
  pnls: readonly number[],
  runs: number,
  seed: number,
): MonteCarloResult {
  const rnd = createSeededRandom(seed, 11);
  const dds: number[] = [];
  const actual = maxDrawdown(initial, pnls);
  let worse = 0;
  const a = [...pnls];
  for (let r = 0; r < runs; r++) {
    for (let i = a.length - 1; i > 0; i--) {
      const j = rnd.int(0, i);
      [a[i], a[j]] = [a[j] as number, a[i] as number];
    }
    const dd = maxDrawdown(initial, a);
    if (dd > actual) worse++;
    dds.push(dd);
  }
  dds.sort((x, y) => x - y);
  return {
    runs,
    trades: pnls.length,
    maxDrawdown: {
      p5: percentile(dds, 0.05),
      p50: percentile(dds, 0.5),
      p95: percentile(dds, 0.95),
      worst: dds.at(-1) ?? 0,
    },
    actualMaxDrawdown: actual,
    worseThanActual: runs === 0 ? 0 : worse / runs,
  };
}
