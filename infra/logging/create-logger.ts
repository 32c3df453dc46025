import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger };

/** Paths pino blanks out wherever they appear: keys, passwords, tokens, credentials. */
export const redactedPaths = [
  "password",
  "pass",
  "token",
  "secret",
  "apiKey",
  "key",
  "nkeySeed",
  "authorization",
  "*.password",
  "*.pass",
  "*.token",
  "*.secret",
  "*.apiKey",
  "*.key",
  "*.nkeySeed",
  "*.authorization",
  "*.*.password",
  "*.*.pass",
  "*.*.token",
  "*.*.secret",
  "*.*.apiKey",
  "*.*.nkeySeed",
  'headers["x-api-key"]',
  "headers.authorization",
  "req.headers.authorization",
  'req.headers["x-api-key"]',
  "*.databaseUrl",
];

/** The process logger: JSON lines on stderr (stdout stays for command output), secrets redacted. */
export function createLogger(
  level = "info",
  bindings: Record<string, unknown> = {},
  destination: DestinationStream = pino.destination(2),
): Logger {
  return pino(
    {
      level,
      base: { app: "cryptofunk", ...bindings },
      redact: { paths: redactedPaths, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
