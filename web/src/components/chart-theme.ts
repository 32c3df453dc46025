import type { ChartOptions, DeepPartial, Time, UTCTimestamp } from "lightweight-charts";

/** The charts' shared dark theme and behaviour (sized by their container, UTC time axis). */
export function chartOptions(height: number): DeepPartial<ChartOptions> {
  return {
    autoSize: true,
    height,
    layout: {
      background: { color: "#11161d" },
      textColor: "#c9d1d9",
      fontFamily: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
    },
    grid: { vertLines: { color: "#1c232d" }, horzLines: { color: "#1c232d" } },
    rightPriceScale: { borderColor: "#2b3440" },
    timeScale: { borderColor: "#2b3440", timeVisible: true, secondsVisible: false },
    crosshair: { mode: 0 },
  };
}

/** An ISO instant as the charts' time (UTC seconds). */
export function chartTime(iso: string): Time {
  return Math.floor(Date.parse(iso) / 1000) as UTCTimestamp;
}

export const colors = {
  up: "#3fb950",
  down: "#f85149",
  accent: "#58a6ff",
  parent: "#a5a5a5",
  stop: "#f0883e",
  target: "#3fb950",
};
