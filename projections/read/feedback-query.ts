import { type DecisionView, toDecisionView } from "./decisions-query.ts";
import {
  isoTime,
  type Page,
  type PageQuery,
  pageBounds,
  type ReadModelDb,
  toNumber,
} from "./read-model-db.ts";

export interface DecisionReview extends DecisionView {
  readonly feedback: {
    readonly count: number;
    readonly averageRating: number;
    readonly lowestRating: number;
    readonly lastAt: string;
  };
}

export interface ReviewFilter extends PageQuery {
  readonly sessionId?: string;
  /** A decision needs review when its average rating is at or below this (default 2) or feedback tags `review`. */
  readonly maxRating?: number;
}

/** Decisions people flagged (low rating or tagged `review`), most recently rated first. */
export async function decisionsNeedingReview(
  db: ReadModelDb,
  filter: ReviewFilter = {},
): Promise<Page<DecisionReview>> {
  const { limit, offset } = pageBounds(filter);
  const maxRating = filter.maxRating ?? 2;
  let rated = db
    .selectFrom("feedback")
    .select((eb) => [
      "decision_id",
      eb.fn.countAll<string>().as("n"),
      eb.fn.avg<string | number>("rating").as("avg_rating"),
      eb.fn.min("rating").as("min_rating"),
      eb.fn.max("at").as("last_at"),
    ])
    .groupBy("decision_id")
    .having((eb) =>
      eb.or([
        eb(eb.fn.avg("rating"), "<=", maxRating),
        eb(eb.fn.countAll().filterWhere(eb("tags", "@>", JSON.stringify(["review"]))), ">", 0),
      ]),
    );
  if (filter.sessionId) rated = rated.where("session_id", "=", filter.sessionId);
  const base = db.selectFrom("decisions").innerJoin(rated.as("r"), "r.decision_id", "decisions.decision_id");
  const [rows, count] = await Promise.all([
    base
      .selectAll("decisions")
      .select(["r.n", "r.avg_rating", "r.min_rating", "r.last_at"])
      .orderBy("r.last_at", "desc")
      .orderBy("decisions.decision_id")
      .limit(limit)
      .offset(offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      ...toDecisionView(r),
      feedback: {
        count: toNumber(r.n),
        averageRating: Number(r.avg_rating),
        lowestRating: Number(r.min_rating),
        lastAt: isoTime(r.last_at),
      },
    })),
    total: toNumber(count.n),
    limit,
    offset,
  };
}
