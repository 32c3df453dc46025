import type { AnyEventDraft } from "../../events/index.ts";

/** A polled live market input (ccxt venues, a news API, a Fear & Greed API): the small port every adapter fills. */
export interface MarketSource {
  readonly name: string;
  /** New drafts since the last poll; `now` is the feed's clock (bars closing after it are not emitted). */
  poll(now: number): Promise<AnyEventDraft[]>;
}
