import { isoTime, type ReadModelDb, toNumber } from "./read-model-db.ts";

export interface BreakerView {
  readonly breaker: string;
  readonly tripped: boolean;
  readonly reason: string;
  readonly value: string | null;
  readonly threshold: string | null;
  readonly until: string | null;
  readonly trips: number;
  readonly at: string;
  readonly seq: number;
}

export interface TradingStateView {
  readonly sessionId: string;
  /** ACTIVE until risk says otherwise. */
  readonly state: string;
  readonly previous: string | null;
  readonly reason: string | null;
  readonly since: string | null;
  readonly breakers: readonly BreakerView[];
}

/** A session's trading state (ACTIVE, REDUCING, HALTED) and every circuit breaker it has seen. */
export async function tradingState(db: ReadModelDb, sessionId: string): Promise<TradingStateView> {
  const [state, breakers] = await Promise.all([
    db.selectFrom("trading_state").selectAll().where("session_id", "=", sessionId).executeTakeFirst(),
    db
      .selectFrom("circuit_breakers")
      .selectAll()
      .where("session_id", "=", sessionId)
      .orderBy("breaker")
      .execute(),
  ]);
  return {
    sessionId,
    state: state?.state ?? "ACTIVE",
    previous: state?.previous ?? null,
    reason: state?.reason ?? null,
    since: state === undefined ? null : isoTime(state.at),
    breakers: breakers.map((b) => ({
      breaker: b.breaker,
      tripped: b.tripped,
      reason: b.reason,
      value: b.value,
      threshold: b.threshold,
      until: isoTime(b.until),
      trips: b.trips,
      at: isoTime(b.at),
      seq: toNumber(b.seq),
    })),
  };
}
