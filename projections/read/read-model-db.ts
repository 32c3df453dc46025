import type { Kysely } from "kysely";
import type { DB } from "../schema/database.ts";
import type { ReadModelLayout } from "../schema/read-model-layout.ts";

/** The read side's handle: Kysely scoped to the namespace's views (the live version, whatever its number). */
export type ReadModelDb = Kysely<DB>;

/** Scopes a database to a read model's views. */
export function readModelDb(db: Kysely<unknown>, layout: ReadModelLayout): ReadModelDb {
  return (db as Kysely<DB>).withSchema(layout.namespace);
}

export interface PageQuery {
  /** Rows per page (default 50, at most 500). */
  readonly limit?: number;
  readonly offset?: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Rows matching the filter, all pages together. */
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

export function pageBounds(q: PageQuery): { limit: number; offset: number } {
  const limit = Math.min(Math.max(Math.trunc(q.limit ?? 50), 1), 500);
  const offset = Math.max(Math.trunc(q.offset ?? 0), 0);
  return { limit, offset };
}

/** Postgres and PGlite return timestamps as Date: the read side speaks ISO-8601 strings. */
export function isoTime(value: Date | string): string;
export function isoTime(value: Date | string | null): string | null;
export function isoTime(value: Date | string | null): string | null {
  if (value === null) return null;
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

/** Counts and sequences (bigint columns) come back as strings from both engines: numbers here. */
export function toNumber(value: string | number | bigint): number {
  return Number(value);
}
