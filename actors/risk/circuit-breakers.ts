import { Decimal } from "decimal.js";
import type { AnyEventDraft, EventData } from "../../events/index.ts";
import type { RiskParams } from "../strategy/strategy-config.ts";

/**
 * The protections (circuit breakers) of DESIGN §7 as pure state + functions. Every trip and every reset is an event
 * draft; times are event times, and a timed breaker resets on the first later event whose time reaches `until`.
 */

export type BreakerName = EventData<"CircuitBreakerTripped">["breaker"];

export const breakerNames: readonly BreakerName[] = [
  "stoploss_guard",
  "drawdown_halt",
  "daily_loss",
  "cooldown",
  "volatility_halt",
];

export interface ActiveBreaker {
  readonly breaker: BreakerName;
  readonly reason: string;
  /** Event time it holds until; null when only an operator resets it (the drawdown halt). */
  readonly until: string | null;
}

export interface BreakerState {
  readonly active: readonly ActiveBreaker[];
  /** Close times of the recent losing stop-loss exits (the stop-loss guard's window). */
  readonly stopExits: readonly string[];
}

export const noBreakers: BreakerState = { active: [], stopExits: [] };

export interface BreakerStep {
  readonly state: BreakerState;
  readonly outputs: AnyEventDraft[];
}

export function addMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

/** The first UTC midnight after `iso` (the end of its UTC day). */
export function nextUtcMidnight(iso: string): string {
  const t = new Date(Date.parse(iso));
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() + 1)).toISOString();
}

export function activeBreaker(state: BreakerState, breaker: BreakerName): ActiveBreaker | undefined {
  return state.active.find((b) => b.breaker === breaker);
}

/** Resets every timed breaker whose `until` the event time `at` has reached. */
export function expireBreakers(state: BreakerState, at: string): BreakerStep {
  const expired = state.active.filter((b) => b.until !== null && at >= b.until);
  if (expired.length === 0) return { state, outputs: [] };
  return {
    state: { ...state, active: state.active.filter((b) => !expired.includes(b)) },
    outputs: expired.map((b) => ({
      type: "CircuitBreakerReset",
      at,
      data: { breaker: b.breaker, reason: `held until ${b.until}; event time ${at} reached it` },
    })),
  };
}

export interface Trip {
  readonly breaker: BreakerName;
  readonly reason: string;
  readonly value?: string;
  readonly threshold?: string;
  readonly until?: string;
}

/** Trips a breaker; a breaker already tripped is only re-tripped (a new event) when the new trip holds longer. */
export function tripBreaker(state: BreakerState, trip: Trip, at: string): BreakerStep {
  const current = activeBreaker(state, trip.breaker);
  const until = trip.until ?? null;
  if (current !== undefined && (current.until === null || (until !== null && until <= current.until))) {
    return { state, outputs: [] };
  }
  const others = state.active.filter((b) => b.breaker !== trip.breaker);
  return {
    state: { ...state, active: [...others, { breaker: trip.breaker, reason: trip.reason, until }] },
    outputs: [{ type: "CircuitBreakerTripped", at, data: { ...trip } }],
  };
}

/** Resets a breaker by decision (an operator's resume), if it is tripped. */
export function resetBreaker(
  state: BreakerState,
  breaker: BreakerName,
  reason: string,
  at: string,
): BreakerStep {
  if (activeBreaker(state, breaker) === undefined) return { state, outputs: [] };
  return {
    state: { ...state, active: state.active.filter((b) => b.breaker !== breaker) },
    outputs: [{ type: "CircuitBreakerReset", at, data: { breaker, reason } }],
  };
}

function chain(first: BreakerStep, next: (s: BreakerState) => BreakerStep): BreakerStep {
  const second = next(first.state);
  return { state: second.state, outputs: [...first.outputs, ...second.outputs] };
}

export interface ClosedTradeFacts {
  readonly pnl: string;
  readonly closedAt: string;
  /** The closing fill came from a stop-loss or trailing-stop order. */
  readonly stopExit: boolean;
}

/**
 * A closed trade: a loss starts the cooldown (cooldownMinutesAfterLoss); a losing stop-loss exit counts toward the
 * stop-loss guard, which halts entries for haltMinutes once maxStops of them fall within windowMinutes.
 */
export function recordClosedTrade(
  state: BreakerState,
  trade: ClosedTradeFacts,
  params: RiskParams,
  at: string,
): BreakerStep {
  const loss = new Decimal(trade.pnl).lt(0);
  let step: BreakerStep = { state, outputs: [] };
  if (loss && params.cooldownMinutesAfterLoss > 0) {
    step = chain(step, (s) =>
      tripBreaker(
        s,
        {
          breaker: "cooldown",
          reason: `losing trade closed (pnl ${trade.pnl}): no entries for ${params.cooldownMinutesAfterLoss} min`,
          value: trade.pnl,
          until: addMinutes(trade.closedAt, params.cooldownMinutesAfterLoss),
        },
        at,
      ),
    );
  }
  if (loss && trade.stopExit) {
    const guard = params.stoplossGuard;
    const windowStart = addMinutes(trade.closedAt, -guard.windowMinutes);
    const stopExits = [...step.state.stopExits.filter((t) => t > windowStart), trade.closedAt];
    if (stopExits.length >= guard.maxStops) {
      step = chain({ state: { ...step.state, stopExits: [] }, outputs: step.outputs }, (s) =>
        tripBreaker(
          s,
          {
            breaker: "stoploss_guard",
            reason: `${stopExits.length} stop-loss exits within ${guard.windowMinutes} min: no entries for ${guard.haltMinutes} min`,
            value: String(stopExits.length),
            threshold: String(guard.maxStops),
            until: addMinutes(trade.closedAt, guard.haltMinutes),
          },
          at,
        ),
      );
    } else step = { state: { ...step.state, stopExits }, outputs: step.outputs };
  }
  return step;
}

/** Bar range (high − low) as a percentage of the open: the volatility halt's measure. */
export function barRangePct(bar: Pick<EventData<"CandleClosed">, "open" | "high" | "low">): Decimal {
  const open = new Decimal(bar.open);
  return open.lte(0) ? new Decimal(0) : new Decimal(bar.high).minus(bar.low).div(open).mul(100);
}

/** A bar wider than maxBarRangePct halts entries for haltMinutes from its close. */
export function checkVolatility(
  state: BreakerState,
  bar: EventData<"CandleClosed">,
  params: RiskParams,
): BreakerStep {
  const range = barRangePct(bar);
  const limit = params.volatilityHalt.maxBarRangePct;
  if (range.lte(limit)) return { state, outputs: [] };
  return tripBreaker(
    state,
    {
      breaker: "volatility_halt",
      reason: `bar range ${range.toFixed(2)}% > ${limit}%: no entries for ${params.volatilityHalt.haltMinutes} min`,
      value: range.toFixed(4),
      threshold: String(limit),
      until: addMinutes(bar.closeTime, params.volatilityHalt.haltMinutes),
    },
    bar.closeTime,
  );
}

/** The UTC day's start equity and latest equity, for the daily-loss limit. */
export interface DayState {
  readonly key: string | null;
  readonly startEquity: string;
  readonly lastEquity: string;
}

/** Folds a valuation into the day: the first valuation of a new UTC day starts it at the previous day's last equity. */
export function recordDayEquity(day: DayState, bar: string, equity: string): DayState {
  const key = bar.slice(0, 10);
  return day.key === key
    ? { ...day, lastEquity: equity }
    : { key, startEquity: day.key === null ? day.startEquity : day.lastEquity, lastEquity: equity };
}

/** Today's loss as a percentage of the day's start equity (negative when the day is up). */
export function dailyLossPct(day: DayState): Decimal {
  const start = new Decimal(day.startEquity);
  return start.lte(0) ? new Decimal(0) : start.minus(day.lastEquity).div(start).mul(100);
}

/** Trips the daily-loss limit (until the next UTC midnight) once today's loss reaches maxDailyLossPct. */
export function checkDailyLoss(
  state: BreakerState,
  day: DayState,
  params: RiskParams,
  at: string,
): BreakerStep {
  const loss = dailyLossPct(day);
  if (loss.lt(params.maxDailyLossPct)) return { state, outputs: [] };
  return tripBreaker(
    state,
    {
      breaker: "daily_loss",
      reason: `daily loss ${loss.toFixed(2)}% ≥ ${params.maxDailyLossPct}%: no entries until the next UTC day`,
      value: loss.toFixed(4),
      threshold: String(params.maxDailyLossPct),
      until: nextUtcMidnight(at),
    },
    at,
  );
}
