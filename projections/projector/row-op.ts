import type { DB } from "../schema/database.ts";

export type TableName = keyof DB;

/** A column value as sent to the database: JSON columns arrive already serialised. */
export type SqlValue = string | number | boolean | null;

export type Row = Readonly<Record<string, SqlValue>>;

/**
 * Insert a row, or on a key conflict update it — but only when the stored row is older (`seq` lower), so applying
 * an event twice changes nothing. `update` lists the columns replaced on conflict (default: every non-key column;
 * `[]` = keep the stored row); `increment` columns are added to; `merge` JSON columns are merged (`||`).
 */
export interface UpsertOp {
  readonly kind: "upsert";
  readonly table: TableName;
  readonly key: readonly string[];
  readonly row: Row;
  readonly update?: readonly string[];
  readonly increment?: readonly string[];
  readonly merge?: readonly string[];
}

/**
 * Update one existing row (selected by `key`) when it is older than `seq`. A row that does not exist means the event
 * cannot be applied (for example an order fill for an order never submitted): it is dead-lettered.
 */
export interface UpdateOp {
  readonly kind: "update";
  readonly table: TableName;
  readonly key: Row;
  readonly set: Row;
  readonly seq: number;
  /** What the missing row is, for the dead letter's reason. */
  readonly what: string;
}

export type RowOp = UpsertOp | UpdateOp;
