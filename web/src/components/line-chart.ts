import { AreaSeries, createChart, type ISeriesApi, LineSeries, type SeriesType } from "lightweight-charts";
import { chartOptions, chartTime } from "./chart-theme.ts";

export interface LinePoint {
  /** ISO instant. */
  readonly at: string;
  readonly value: number;
}

export interface LineSpec {
  readonly title: string;
  readonly color: string;
  /** Filled under the line (drawdown) rather than a plain line. */
  readonly area?: boolean;
  /** Values are fractions shown as percentages. */
  readonly percent?: boolean;
}

/** A time chart of one or more lines (equity, drawdown, both equity curves of a what-if). */
export interface LineChart {
  setPoints(index: number, points: readonly LinePoint[]): void;
  /** Adds or replaces the newest point of one line. */
  updatePoint(index: number, point: LinePoint): void;
  dispose(): void;
}

export function createLineChart(container: HTMLElement, specs: readonly LineSpec[]): LineChart {
  const chart = createChart(container, chartOptions(container.clientHeight || 180));
  const series: ISeriesApi<SeriesType>[] = specs.map((s) => {
    const priceFormat = s.percent
      ? { type: "custom" as const, formatter: (v: number) => `${(v * 100).toFixed(2)}%`, minMove: 0.0001 }
      : { type: "price" as const, precision: 2, minMove: 0.01 };
    return s.area
      ? chart.addSeries(AreaSeries, {
          lineColor: s.color,
          topColor: `${s.color}10`,
          bottomColor: `${s.color}55`,
          lineWidth: 2,
          title: s.title,
          priceFormat,
          invertFilledArea: true,
        })
      : chart.addSeries(LineSeries, { color: s.color, lineWidth: 2, title: s.title, priceFormat });
  });
  const last: number[] = specs.map(() => Number.NEGATIVE_INFINITY);
  return {
    setPoints(i, points) {
      const s = series[i];
      if (!s) return;
      // One point per time, ascending (what the chart requires).
      const byTime = new Map<number, number>();
      for (const p of points) byTime.set(chartTime(p.at) as number, p.value);
      const data = [...byTime].sort((a, b) => a[0] - b[0]).map(([time, value]) => ({ time, value }));
      s.setData(data as never);
      last[i] = data[data.length - 1]?.time ?? Number.NEGATIVE_INFINITY;
      chart.timeScale().fitContent();
    },
    updatePoint(i, p) {
      const s = series[i];
      const t = chartTime(p.at) as number;
      if (!s || t < (last[i] ?? 0)) return;
      s.update({ time: t, value: p.value } as never);
      last[i] = t;
    },
    dispose() {
      chart.remove();
    },
  };
}
