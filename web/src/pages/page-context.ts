import type { ApiClient } from "../api/api-client.ts";
import type { Me } from "../api/api-types.ts";

/** What every page gets: the API with the tab's key, who that key is, and the signal that ends the page. */
export interface PageContext {
  readonly api: ApiClient;
  readonly me: Me;
  /** True for trader and admin keys: only then are controls put in the DOM. */
  readonly canTrade: boolean;
  /** Aborted when the user leaves the page: cancels requests, streams, timers and charts. */
  readonly signal: AbortSignal;
}

/** Runs `fn` when the page ends. */
export function onLeave(ctx: PageContext, fn: () => void): void {
  ctx.signal.addEventListener("abort", fn, { once: true });
}
