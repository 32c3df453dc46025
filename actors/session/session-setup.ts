import type { SessionMode, Timeframe } from "../../events/index.ts";
import type { StrategyConfig } from "../strategy/strategy-config.ts";

/** What every actor of a session is built from (the data of its SessionCreated event). */
export interface SessionSetup {
  readonly sessionId: string;
  readonly mode: SessionMode;
  /** One traded symbol per session (BTC/USDT). */
  readonly symbol: string;
  /** The strategy timeframe: the feed emits CandleClosed of this timeframe, agents judge each one. */
  readonly timeframe: Timeframe;
  readonly strategy: StrategyConfig;
  /** Starting cash in the quote currency, as a decimal string. */
  readonly initialCash: string;
  readonly quoteCurrency: string;
}
