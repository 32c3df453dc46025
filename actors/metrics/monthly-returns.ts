import type { EquityMark } from "./canonical-metrics.ts";

export interface MonthlyReturn {
  /** `2024-03`. */
  readonly month: string;
  /** Equity at the month's last mark over the equity at the previous month's last mark (or the start), minus 1. */
  readonly return: number;
}

/** Calendar-month returns (UTC) from the daily marked equity. */
export function monthlyReturns(marks: readonly EquityMark[]): MonthlyReturn[] {
  const first = marks[0];
  if (first === undefined) return [];
  const lastOfMonth = new Map<string, number>();
  for (const m of marks.slice(1)) {
    // A midnight mark closes the previous day: it belongs to the month that day was in.
    const t = Date.parse(m.at);
    const month = new Date(t - 1).toISOString().slice(0, 7);
    lastOfMonth.set(month, m.equity);
  }
  const out: MonthlyReturn[] = [];
  let prev = first.equity;
  for (const [month, equity] of lastOfMonth) {
    out.push({ month, return: prev === 0 ? 0 : equity / prev - 1 });
    prev = equity;
  }
  return out;
}
