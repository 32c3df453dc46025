import { z } from "zod";
import { token } from "../../events/index.ts";

const action = z.enum(["BUY", "SELL", "HOLD"]);

const closedTrade = z
  .record(z.string(), z.unknown())
  .describe("a closed round trip (entry, exit, P&L, fees)");

/** One side of a what-if comparison: what a session did, in the numbers people compare. */
export const comparisonSide = z.object({
  sessionId: z.string().nullable(),
  decisions: z.object({ BUY: z.number().int(), SELL: z.number().int(), HOLD: z.number().int() }),
  trades: z.number().int(),
  wins: z.number().int(),
  losses: z.number().int(),
  pnl: z.string().describe("realised P&L, exact decimal"),
  finalEquity: z.string(),
  fees: z.string(),
  maxDrawdown: z.number().describe("largest drawdown of equity marked at every bar (fraction)"),
  winRate: z.number().nullable(),
  profitFactor: z.number().nullable(),
  tradesFingerprint: z.string().describe("sha256 over the closed trades"),
  closedTrades: z.array(closedTrade),
});

/** A what-if session against its parent: changed decisions and the two sides. */
export const sessionComparison = z.object({
  parent: comparisonSide,
  child: comparisonSide,
  decisionsCompared: z.number().int(),
  decisionsChanged: z.object({
    count: z.number().int(),
    list: z.array(
      z.object({
        bar: z.string(),
        parent: action.nullable(),
        child: action.nullable(),
        parentConsensus: z.number().nullable(),
        childConsensus: z.number().nullable(),
      }),
    ),
  }),
  sameTrades: z.boolean(),
});
export type SessionComparisonView = z.infer<typeof sessionComparison>;

/** What the what-if routes answer: the child, its parent and their comparison. */
export const whatIfOutcome = z.object({
  sessionId: z.string(),
  parentSessionId: z.string(),
  comparison: sessionComparison,
});
export type WhatIfOutcome = z.infer<typeof whatIfOutcome>;

/** A what-if request: a stored strategy or an inline config (defaults filled, as `replay --what-if <file>`). */
export const whatIfRequest = z
  .object({
    strategy: z.object({ name: token, version: z.number().int().positive().optional() }).strict().optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    label: z.string().max(200).optional(),
  })
  .strict()
  .refine((r) => (r.strategy === undefined) !== (r.config === undefined), {
    message: "give exactly one of strategy (stored) or config (inline)",
    path: ["config"],
  });
export type WhatIfRequest = z.infer<typeof whatIfRequest>;

/**
 * The runtime's port for what-if replays (the gateway never imports actors/): re-drive a recorded session's inputs
 * with another strategy into a child session linked to it, and compare a child with its parent.
 */
export interface WhatIfRunner {
  /** Replays `parentSessionId` with `strategy` (already resolved) and records the child; idempotent per strategy. */
  run(spec: {
    readonly parentSessionId: string;
    readonly strategy: Readonly<Record<string, unknown>>;
    readonly label?: string;
    readonly requestedBy: string;
  }): Promise<WhatIfOutcome>;
  /** The comparison of a what-if session with its parent: NotFoundError when unknown, ConflictError without parent. */
  compare(sessionId: string): Promise<WhatIfOutcome>;
}
