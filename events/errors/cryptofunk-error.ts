/**
 * The one error hierarchy. Every error the system raises on purpose carries a stable `code`; the gateway maps
 * codes to HTTP statuses in one table, and callers match by code (`hasErrorCode`) as well as by class.
 */
export const errorCodes = [
  "CONCURRENCY",
  "FENCED",
  "VALIDATION",
  "NOT_FOUND",
  "CONFIG",
  "UNAVAILABLE",
  "UNSUPPORTED",
  "CONFLICT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "RATE_LIMITED",
  "PAYLOAD_TOO_LARGE",
  "CORRUPT",
  "INTERNAL",
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorOptions {
  readonly cause?: unknown;
  readonly details?: Readonly<Record<string, unknown>>;
}

export class CryptoFunkError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** Another writer owns the subject: the expected last sequence did not match. */
export class ConcurrencyError extends CryptoFunkError {
  constructor(message: string, options: ErrorOptions = {}) {
    super("CONCURRENCY", message, options);
  }
}

/** This writer lost its subject to another instance and must stop. */
export class FencedError extends CryptoFunkError {
  constructor(message: string, options: ErrorOptions = {}) {
    super("FENCED", message, options);
  }
}

export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** Input that does not satisfy its schema; `issues` name each field path. */
export class ValidationError extends CryptoFunkError {
  readonly issues: readonly ValidationIssue[];

  constructor(message: string, issues: readonly ValidationIssue[] = [], options: ErrorOptions = {}) {
    super("VALIDATION", message, { ...options, details: { ...options.details, issues } });
    this.issues = issues;
  }
}

export class NotFoundError extends CryptoFunkError {
  constructor(message: string, options: ErrorOptions = {}) {
    super("NOT_FOUND", message, options);
  }
}

/** Configuration that cannot start the process; `issues` name each field. */
export class ConfigError extends CryptoFunkError {
  readonly issues: readonly ValidationIssue[];

  constructor(message: string, issues: readonly ValidationIssue[] = [], options: ErrorOptions = {}) {
    super("CONFIG", message, { ...options, details: { ...options.details, issues } });
    this.issues = issues;
  }
}

/** A dependency (NATS, Postgres, an exchange) cannot be reached. */
export class UnavailableError extends CryptoFunkError {
  constructor(message: string, options: ErrorOptions = {}) {
    super("UNAVAILABLE", message, options);
  }
}

/** The server or environment lacks a capability the requested setup needs. */
export class UnsupportedError extends CryptoFunkError {
  constructor(message: string, options: ErrorOptions = {}) {
    super("UNSUPPORTED", message, options);
  }
}

/** Stored data that cannot be read back as written (a torn file, a broken record). */
export class CorruptError extends CryptoFunkError {
  constructor(message: string, options: ErrorOptions = {}) {
    super("CORRUPT", message, options);
  }
}

/** True when `error` is a CryptoFunkError, and when `code` is given, one with that code. */
export function hasErrorCode(error: unknown, code?: ErrorCode): error is CryptoFunkError {
  if (!(error instanceof CryptoFunkError)) {
    // Errors that crossed a realm or a worker boundary keep the code but lose the prototype.
    const c = (error as { code?: unknown } | null)?.code;
    return (
      typeof c === "string" &&
      (code === undefined ? (errorCodes as readonly string[]).includes(c) : c === code)
    );
  }
  return code === undefined || error.code === code;
}

/** Turns zod issues into the project's field-path form. */
export function issuesFromZod(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): ValidationIssue[] {
  return issues.map((i) => ({ path: i.path.map(String).join(".") || "(root)", message: i.message }));
}
