import { z } from "zod";
import {
  decimalString,
  isoInstant,
  sessionMode,
  symbol,
  timeframe,
  token,
  unsignedDecimalString,
} from "./primitives.ts";

export const sessionStatus = z.enum(["created", "running", "paused", "halted", "stopping", "stopped"]);
export type SessionStatus = z.infer<typeof sessionStatus>;

export const controlCommand = z.enum(["start", "pause", "resume", "stop", "flatten"]);
export type ControlCommand = z.infer<typeof controlCommand>;

/** A session was created: its mode, market, strategy and starting capital. */
export const sessionCreated = z.object({
  mode: sessionMode,
  symbols: z.array(symbol).min(1),
  timeframe,
  initialCash: unsignedDecimalString,
  quoteCurrency: z.string().min(1),
  /** The strategy configuration in force (validated by the actors' strategy schema). */
  strategy: z.record(z.string(), z.unknown()),
  strategyVersion: z.string().min(1),
  /** Where the market data comes from: a file path, a seed, an exchange id. */
  source: z.object({
    kind: z.enum(["synthetic", "file", "exchange", "replay"]),
    ref: z.string(),
    checksum: z.string().optional(),
  }),
  parentSessionId: token.optional(),
  label: z.string().max(200).optional(),
});

export const sessionStarted = z.object({ commandId: z.string().optional() });
export const sessionPaused = z.object({ commandId: z.string().optional(), reason: z.string() });
export const sessionResumed = z.object({ commandId: z.string().optional(), reason: z.string() });
export const sessionHalted = z.object({ reason: z.string(), breaker: z.string().optional() });
export const sessionStopping = z.object({ commandId: z.string().optional(), reason: z.string() });
export const sessionStopped = z.object({
  reason: z.string(),
  finalEquity: decimalString.optional(),
});

/** An operator (or the runner) asks the session to do something; answered by CommandAccepted/Rejected. */
export const commandIssued = z.object({
  commandId: z.string().min(1).max(100),
  command: controlCommand,
  /** Who asked: an API key name, `cli`, or `runner`. */
  issuedBy: z.string().min(1).max(100),
  reason: z.string().max(500).optional(),
  /** When the command was issued, wall clock of the issuer (informational). */
  issuedAt: isoInstant.optional(),
});

export const commandAccepted = z.object({
  commandId: z.string(),
  command: controlCommand,
  from: sessionStatus,
  to: sessionStatus,
});

export const commandRejected = z.object({
  commandId: z.string(),
  command: controlCommand,
  status: sessionStatus,
  reason: z.string(),
});

/** The feed has no more data for this session (end of a file, end of a backtest window). */
export const marketDataEnded = z.object({
  bars: z.number().int().nonnegative(),
  lastBarClose: isoInstant.optional(),
});
