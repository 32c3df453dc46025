import { z } from "zod";
import { symbol, timeframe, token, unsignedDecimalString } from "../../events/index.ts";

/** A request to create and start a session, as the API accepts it. */
export const launchRequest = z
  .object({
    mode: z.enum(["backtest", "paper", "live"]),
    /** One symbol: a session trades one market (the runtime would otherwise drop the rest unseen). */
    symbols: z.array(symbol).min(1).max(1, "a session trades one symbol: open one session per symbol"),
    timeframe,
    initialCash: unsignedDecimalString,
    quoteCurrency: z.string().min(1).max(20).default("USDT"),
    /** A stored strategy (the active version unless one is named); absent: the runtime's default strategy. */
    strategy: z.object({ name: token, version: z.number().int().positive().optional() }).strict().optional(),
    source: z
      .object({ kind: z.enum(["synthetic", "file", "exchange"]), ref: z.string().min(1).max(500) })
      .strict(),
    label: z.string().max(200).optional(),
    /** Choose the session id (else the runtime picks one). */
    sessionId: token.optional(),
  })
  .strict();
export type LaunchRequest = z.infer<typeof launchRequest>;

/** What the launcher receives: the request with the stored strategy resolved, and who asked. */
export interface LaunchSpec extends Omit<LaunchRequest, "strategy"> {
  readonly strategy?: {
    readonly name: string;
    readonly version: number;
    readonly config: Readonly<Record<string, unknown>>;
  };
  readonly requestedBy: string;
}

/**
 * The runtime's port for creating and starting sessions (the gateway never imports actors/). `launch` returns once
 * the session exists in the log (SessionCreated appended); trading proceeds asynchronously.
 */
export interface SessionLauncher {
  launch(spec: LaunchSpec): Promise<{ readonly sessionId: string }>;
}
