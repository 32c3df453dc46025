import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  type IPriceLine,
  LineStyle,
  type SeriesMarker,
  type Time,
} from "lightweight-charts";
import type { Bar, Fill, Order } from "../api/api-types.ts";
import { chartOptions, chartTime, colors } from "./chart-theme.ts";

/** The candlestick chart of the session page: bars, fills as buy/sell markers, open stops and targets as lines. */
export interface PriceChart {
  setBars(bars: readonly Bar[]): void;
  /** Adds or replaces the newest bar (a bar that closed live). */
  updateBar(bar: Bar): void;
  setFills(fills: readonly Fill[]): void;
  setOrders(orders: readonly Order[]): void;
  dispose(): void;
}

const openStatuses = new Set(["submitted", "accepted", "partially_filled"]);

export function createPriceChart(container: HTMLElement): PriceChart {
  const chart = createChart(container, chartOptions(container.clientHeight || 360));
  const series = chart.addSeries(CandlestickSeries, {
    upColor: colors.up,
    downColor: colors.down,
    borderVisible: false,
    wickUpColor: colors.up,
    wickDownColor: colors.down,
  });
  const markers = createSeriesMarkers(series, []);
  let barTimes: number[] = [];
  let fills: readonly Fill[] = [];
  let lines: IPriceLine[] = [];

  const toCandle = (b: Bar) => ({
    time: chartTime(b.closeTime),
    open: Number(b.open),
    high: Number(b.high),
    low: Number(b.low),
    close: Number(b.close),
  });

  // A fill is drawn on the bar it happened at: the first bar closing at or after it (else the last bar).
  const drawMarkers = () => {
    if (barTimes.length === 0) return markers.setMarkers([]);
    const list: SeriesMarker<Time>[] = fills.map((f) => {
      const t = chartTime(f.at) as number;
      let lo = 0;
      let hi = barTimes.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((barTimes[mid] as number) >= t) hi = mid;
        else lo = mid + 1;
      }
      const buy = f.side === "buy";
      return {
        time: barTimes[lo] as Time,
        position: buy ? "belowBar" : "aboveBar",
        shape: buy ? "arrowUp" : "arrowDown",
        color: buy ? colors.up : colors.down,
        text: buy ? "B" : "S",
      };
    });
    list.sort((a, b) => (a.time as number) - (b.time as number));
    markers.setMarkers(list);
  };

  return {
    setBars(bars) {
      series.setData(bars.map(toCandle));
      barTimes = bars.map((b) => chartTime(b.closeTime) as number);
      drawMarkers();
      chart.timeScale().fitContent();
    },
    updateBar(bar) {
      const t = chartTime(bar.closeTime) as number;
      const last = barTimes[barTimes.length - 1];
      if (last !== undefined && t < last) return; // the chart only takes the newest bar
      series.update(toCandle(bar));
      if (last !== t) barTimes.push(t);
    },
    setFills(next) {
      fills = next;
      drawMarkers();
    },
    setOrders(orders) {
      for (const l of lines) series.removePriceLine(l);
      lines = [];
      for (const o of orders) {
        if (!openStatuses.has(o.status)) continue;
        const stop = o.type === "stop_loss" || o.type === "trailing_stop";
        const price = stop ? o.stopPrice : o.type === "take_profit" ? (o.limitPrice ?? o.stopPrice) : null;
        if (price === null) continue;
        lines.push(
          series.createPriceLine({
            price: Number(price),
            color: stop ? colors.stop : colors.target,
            lineStyle: LineStyle.Dashed,
            lineWidth: 1,
            axisLabelVisible: true,
            title: stop ? "stop" : "target",
          }),
        );
      }
    },
    dispose() {
      chart.remove();
    },
  };
}
