/** A point of a chart: x in ms since the epoch. */
export interface ChartPoint {
  readonly x: number;
  readonly y: number;
}

export interface ChartMarker {
  readonly x: number;
  readonly y: number;
  readonly kind: "buy" | "sell";
  readonly title: string;
}

export interface LineChartOptions {
  readonly width?: number;
  readonly height?: number;
  readonly color?: string;
  /** Fill the area under the line (drawdown). */
  readonly area?: boolean;
  readonly yFormat?: (y: number) => string;
  readonly markers?: readonly ChartMarker[];
  readonly label: string;
}

const esc = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/** Round tick values spanning [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

/** A line chart as inline SVG: axes with round ticks, dates along x, optional area and buy/sell markers. */
export function lineChart(points: readonly ChartPoint[], o: LineChartOptions): string {
  const w = o.width ?? 900;
  const h = o.height ?? 260;
  const pad = { l: 70, r: 12, t: 12, b: 28 };
  const fmt = o.yFormat ?? ((y: number) => y.toLocaleString("en", { maximumFractionDigits: 2 }));
  if (points.length === 0) {
    return `<svg class="chart" role="img" aria-label="${esc(o.label)}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"><text x="${w / 2}" y="${h / 2}" text-anchor="middle">no data</text></svg>`;
  }
  const xs = points.map((p) => p.x);
  const ys = [...points.map((p) => p.y), ...(o.markers ?? []).map((m) => m.y)];
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  let y0 = Math.min(...ys);
  let y1 = Math.max(...ys);
  if (y0 === y1) {
    y0 -= Math.abs(y0) * 0.01 || 1;
    y1 += Math.abs(y1) * 0.01 || 1;
  }
  const sx = (x: number) => pad.l + (x1 === x0 ? 0.5 : (x - x0) / (x1 - x0)) * (w - pad.l - pad.r);
  const sy = (y: number) => pad.t + (1 - (y - y0) / (y1 - y0)) * (h - pad.t - pad.b);
  const path = points
    .map((p, i) => `${i === 0 ? "M" : "L"}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`)
    .join("");
  const parts: string[] = [];
  for (const t of niceTicks(y0, y1)) {
    const y = sy(t).toFixed(1);
    parts.push(
      `<line class="grid" x1="${pad.l}" x2="${w - pad.r}" y1="${y}" y2="${y}"/>`,
      `<text class="tick" x="${pad.l - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${esc(fmt(t))}</text>`,
    );
  }
  const days = (x1 - x0) / 86_400_000;
  for (let i = 0; i <= 4; i++) {
    const x = x0 + ((x1 - x0) * i) / 4;
    const d = new Date(x).toISOString();
    const label = days > 3 ? d.slice(0, 10) : d.slice(5, 16).replace("T", " ");
    parts.push(
      `<text class="tick" x="${sx(x).toFixed(1)}" y="${h - 8}" text-anchor="${i === 0 ? "start" : i === 4 ? "end" : "middle"}">${label}</text>`,
    );
  }
  const color = o.color ?? "#2563eb";
  if (o.area === true) {
    const base = sy(Math.max(y0, Math.min(y1, 0))).toFixed(1);
    parts.push(
      `<path class="area" d="${path}L${sx(x1).toFixed(1)},${base}L${sx(x0).toFixed(1)},${base}Z" fill="${color}" fill-opacity="0.25"/>`,
    );
  }
  parts.push(`<path class="line" d="${path}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
  for (const m of o.markers ?? []) {
    const x = sx(m.x);
    const y = sy(m.y);
    const tri =
      m.kind === "buy"
        ? `${x.toFixed(1)},${(y - 1).toFixed(1)} ${(x - 5).toFixed(1)},${(y + 8).toFixed(1)} ${(x + 5).toFixed(1)},${(y + 8).toFixed(1)}`
        : `${x.toFixed(1)},${(y + 1).toFixed(1)} ${(x - 5).toFixed(1)},${(y - 8).toFixed(1)} ${(x + 5).toFixed(1)},${(y - 8).toFixed(1)}`;
    parts.push(`<polygon class="marker ${m.kind}" points="${tri}"><title>${esc(m.title)}</title></polygon>`);
  }
  return `<svg class="chart" role="img" aria-label="${esc(o.label)}" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" xmlns="http://www.w3.org/2000/svg">${parts.join("")}</svg>`;
}

/** Every n-th point so a chart holds at most `max` (the last point always kept). */
export function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const step = points.length / max;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.floor(i * step)] as T);
  out[out.length - 1] = points[points.length - 1] as T;
  return out;
}

export { esc as escapeHtml };
