import type { Session } from "../api/api-types.ts";

/** One row of the sessions table: the session and, once its metrics arrived, its P&L and worst drawdown. */
export interface SessionRow {
  readonly session: Session;
  /** Equity − initial cash, a decimal string; null until known. */
  readonly pnl: string | null;
  /** Largest drawdown (fraction); null until known. */
  readonly drawdown: number | null;
}

export interface SessionsFilter {
  readonly text: string;
  readonly mode: string;
  readonly status: string;
}

export const sortKeys = ["sessionId", "mode", "status", "symbol", "createdAt", "pnl", "drawdown"] as const;
export type SortKey = (typeof sortKeys)[number];
export interface SessionsSort {
  readonly key: SortKey;
  readonly dir: "asc" | "desc";
}

/** Rows matching the filter: mode and status exactly (empty = any), text in id, label, symbols, mode or status. */
export function filterSessions(rows: readonly SessionRow[], f: SessionsFilter): SessionRow[] {
  const text = f.text.trim().toLowerCase();
  return rows.filter(({ session: s }) => {
    if (f.mode && s.mode !== f.mode) return false;
    if (f.status && s.status !== f.status) return false;
    if (!text) return true;
    return [s.sessionId, s.label ?? "", s.mode, s.status, ...s.symbols].some((v) =>
      v.toLowerCase().includes(text),
    );
  });
}

/** Rows sorted by one column; unknown values (metrics not loaded) last in either direction; ties by id. */
export function sortSessions(rows: readonly SessionRow[], sort: SessionsSort): SessionRow[] {
  const sign = sort.dir === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = sortValue(a, sort.key);
    const y = sortValue(b, sort.key);
    if (x === null || y === null) {
      if (x !== y) return x === null ? 1 : -1;
    } else if (x !== y) {
      return (x < y ? -1 : 1) * sign;
    }
    return a.session.sessionId < b.session.sessionId ? -1 : a.session.sessionId > b.session.sessionId ? 1 : 0;
  });
}

function sortValue(row: SessionRow, key: SortKey): string | number | null {
  const s = row.session;
  switch (key) {
    case "sessionId":
      return s.sessionId;
    case "mode":
      return s.mode;
    case "status":
      return s.status;
    case "symbol":
      return s.symbols.join(",");
    case "createdAt":
      return s.startedAt ?? s.createdAt;
    case "pnl":
      // A float is fine for ordering (the cell shows the exact string).
      return row.pnl === null ? null : Number(row.pnl);
    case "drawdown":
      return row.drawdown;
  }
}

/** The next sort after a click on a column header: same column flips, a new one starts descending. */
export function toggleSort(current: SessionsSort, key: SortKey): SessionsSort {
  if (current.key === key) return { key, dir: current.dir === "asc" ? "desc" : "asc" };
  return { key, dir: key === "sessionId" || key === "symbol" ? "asc" : "desc" };
}
