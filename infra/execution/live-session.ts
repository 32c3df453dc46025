import type { Exchange } from "ccxt";
import {
  type ActorSpec,
  createLiveExecutionSpec,
  createSessionActors,
  type LogSessionOptions,
  type LogSessionResult,
  runSessionOnLog,
  type SessionSetup,
} from "../../actors/index.ts";
import type { AnyEventDraft } from "../../events/index.ts";
import { type GatewayExit, type LiveVenueGateway, startLiveVenueGateway } from "./live-venue-gateway.ts";
import type { VenuePolicyOptions } from "./venue-policy.ts";

/** Every actor of a live session: the paper session's, with live execution in place of the paper venue. */
export function createLiveSessionActors(setup: SessionSetup, venue: string): ActorSpec[] {
  return createSessionActors(setup).map((spec) =>
    spec.writer === "exec" ? createLiveExecutionSpec(setup, venue) : spec,
  );
}

export interface LiveSessionOptions extends Omit<LogSessionOptions, "sessionId" | "specs"> {
  readonly setup: SessionSetup;
  /** A ccxt exchange with credentials: orders go there. */
  readonly exchange: Exchange;
  /** The venue's name in the events (default the exchange id). */
  readonly venue?: string;
  readonly gateway?: {
    readonly pollIntervalMs?: number;
    readonly policy?: VenuePolicyOptions;
    readonly maxOrderAgeMs?: number;
  };
  /** Before the feed's end goes in, wait this long for open orders' answers (default 30 s). */
  readonly settleTimeoutMs?: number;
  readonly onGatewayError?: (error: unknown, orderId: string) => void;
}

export interface LiveSessionResult extends LogSessionResult {
  readonly gateway: GatewayExit;
}

/**
 * Runs an opened live session: the actors in hosts (live execution emitting order intents) and the venue gateway
 * beside them, sending those intents and recording the exchange's answers. At the feed's end the gateway is given
 * time to record the last answers before MarketDataEnded goes in, so the final valuation books every fill known.
 */
export async function runLiveSession(options: LiveSessionOptions): Promise<LiveSessionResult> {
  const { log, setup, exchange } = options;
  const venue = options.venue ?? exchange.id;
  const gateway: LiveVenueGateway = await startLiveVenueGateway({
    log,
    sessionId: setup.sessionId,
    exchange,
    venue,
    quoteCurrency: setup.quoteCurrency,
    ...(options.gateway?.pollIntervalMs === undefined
      ? {}
      : { pollIntervalMs: options.gateway.pollIntervalMs }),
    ...(options.gateway?.policy === undefined ? {} : { policy: options.gateway.policy }),
    ...(options.gateway?.maxOrderAgeMs === undefined ? {} : { maxOrderAgeMs: options.gateway.maxOrderAgeMs }),
    ...(options.onGatewayError === undefined ? {} : { onError: options.onGatewayError }),
  });
  const settle = options.settleTimeoutMs ?? 30_000;
  async function* feed(): AsyncGenerator<AnyEventDraft> {
    for await (const draft of options.feed) {
      if (draft.type === "MarketDataEnded") await gateway.settled(settle);
      yield draft;
    }
  }
  try {
    const { setup: _setup, exchange: _exchange, venue: _venue, gateway: _gateway, ...session } = options;
    const result = await runSessionOnLog({
      ...session,
      sessionId: setup.sessionId,
      specs: createLiveSessionActors(setup, venue),
      feed: feed(),
    });
    return { ...result, gateway: await gateway.stop() };
  } finally {
    await gateway.stop();
  }
}
