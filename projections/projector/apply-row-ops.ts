import { type ExpressionBuilder, type Kysely, sql } from "kysely";
import type { Row, RowOp, SqlValue, UpdateOp, UpsertOp } from "./row-op.ts";
import { UnprojectableEventError } from "./unprojectable-event-error.ts";

// biome-ignore lint/suspicious/noExplicitAny: row operations name their tables and columns at run time
type AnyDb = Kysely<any>;
// biome-ignore lint/suspicious/noExplicitAny: see AnyDb
type AnyEb = ExpressionBuilder<any, any>;

/** Postgres takes at most 65,535 parameters per statement; stay well below. */
const maxParams = 30_000;

interface UpsertGroup {
  readonly signature: string;
  readonly first: UpsertOp;
  readonly rows: Row[];
  /** Row index by key. */
  readonly keys: Map<string, number>;
}

const keyOf = (op: UpsertOp) => op.key.map((k) => String(op.row[k])).join("\u0000");

function signatureOf(op: UpsertOp): string {
  return [
    op.table,
    Object.keys(op.row).join(","),
    op.key.join(","),
    op.update?.join(",") ?? "*",
    op.increment?.join(",") ?? "",
    op.merge?.join(",") ?? "",
  ].join("|");
}

async function executeUpsert(db: AnyDb, first: UpsertOp, rows: readonly Row[]): Promise<void> {
  const { table, key } = first;
  const increment = new Set(first.increment ?? []);
  const merge = new Set(first.merge ?? []);
  const replaced =
    first.update ??
    Object.keys(first.row).filter((c) => !key.includes(c) && !increment.has(c) && !merge.has(c));
  const query = db
    .insertInto(table)
    .values(rows as Row[])
    .onConflict((oc) => {
      const target = oc.columns(key as string[]);
      if (replaced.length === 0 && increment.size === 0 && merge.size === 0) return target.doNothing();
      return target
        .doUpdateSet((eb: AnyEb) => {
          const set: Record<string, unknown> = {};
          for (const c of replaced) set[c] = eb.ref(`excluded.${c}`);
          for (const c of increment) set[c] = eb(eb.ref(`${table}.${c}`), "+", eb.ref(`excluded.${c}`));
          for (const c of merge) set[c] = sql`${sql.ref(`${table}.${c}`)} || ${sql.ref(`excluded.${c}`)}`;
          return set;
        })
        .where((eb: AnyEb) => eb(eb.ref(`${table}.seq`), "<", eb.ref("excluded.seq")));
    });
  await query.execute();
}

async function executeUpdate(db: AnyDb, op: UpdateOp): Promise<void> {
  let q = db
    .updateTable(op.table)
    .set({ ...op.set, seq: op.seq })
    .where("seq", "<", op.seq);
  for (const [k, v] of Object.entries(op.key)) q = q.where(k, "=", v);
  const result = await q.executeTakeFirst();
  if (result.numUpdatedRows > 0n) return;
  // Nothing updated: either a newer event already wrote the row (fine), or the row does not exist (cannot apply).
  let exists = db.selectFrom(op.table).select(sql<number>`1`.as("one"));
  for (const [k, v] of Object.entries(op.key)) exists = exists.where(k, "=", v);
  if ((await exists.executeTakeFirst()) === undefined) {
    throw new UnprojectableEventError(`${op.what} does not exist`);
  }
}

/**
 * A second upsert of the same key in one statement: Postgres refuses to touch a row twice in one INSERT … ON
 * CONFLICT, so fold it into the first where that is exact. A full replace supersedes (counters summed); an
 * insert-once keeps the first. Exact because every row already stored is older than every event of the batch
 * (rows are written only by events at or below the checkpoint, and the batch holds only events above it).
 */
function coalesce(g: UpsertGroup, index: number, op: UpsertOp): boolean {
  if (op.merge !== undefined && op.merge.length > 0) return false;
  if (op.update !== undefined) return op.update.length === 0;
  const earlier = g.rows[index]!;
  const row: Record<string, SqlValue> = { ...op.row };
  for (const c of op.increment ?? []) row[c] = Number(earlier[c]) + Number(op.row[c]);
  g.rows[index] = row;
  return true;
}

/**
 * Applies row operations in order per table, merging runs of like upserts into multi-row statements. Tables do not
 * depend on each other, so only the order within a table matters.
 */
export async function applyRowOps(db: AnyDb, ops: readonly RowOp[]): Promise<void> {
  const pending = new Map<string, UpsertGroup>();
  const flush = async (table: string) => {
    const g = pending.get(table);
    if (g === undefined) return;
    pending.delete(table);
    await executeUpsert(db, g.first, g.rows);
  };
  for (const op of ops) {
    if (op.kind === "update") {
      await flush(op.table);
      await executeUpdate(db, op);
      continue;
    }
    const signature = signatureOf(op);
    const key = keyOf(op);
    let g = pending.get(op.table);
    const columns = Object.keys(op.row).length;
    const seen = g?.signature === signature ? g.keys.get(key) : undefined;
    if (g !== undefined && seen !== undefined && coalesce(g, seen, op)) continue;
    if (
      g !== undefined &&
      (g.signature !== signature || seen !== undefined || (g.rows.length + 1) * columns > maxParams)
    ) {
      await flush(op.table);
      g = undefined;
    }
    if (g === undefined) {
      g = { signature, first: op, rows: [], keys: new Map() };
      pending.set(op.table, g);
    }
    g.keys.set(key, g.rows.length);
    g.rows.push(op.row);
  }
  for (const table of [...pending.keys()]) await flush(table);
}
