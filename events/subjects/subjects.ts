import { ValidationError } from "../errors/cryptofunk-error.ts";

const tokenPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** The subject a writer appends to: `<root>.<sessionId>.<writer>`. */
export function subjectFor(root: string, sessionId: string, writer: string): string {
  assertToken("session id", sessionId);
  return `${root}.${sessionId}.${writer}`;
}

/** Every subject of one session. */
export function sessionFilter(root: string, sessionId: string): string {
  assertToken("session id", sessionId);
  return `${root}.${sessionId}.>`;
}

/** Every subject under the root: what the stream claims. */
export function rootFilter(root: string): string {
  return `${root}.>`;
}

/** The subject of a session's dead letters. */
export function deadLetterSubject(root: string, sessionId: string): string {
  return `${root}.${sessionId}.dlq`;
}

/** The audit subject shared by the gateway and the CLI. */
export function auditSubject(root: string): string {
  return `${root}.system.audit`;
}

/** Splits a subject under `root` into its session id and writer; null when it is not one of ours. */
export function parseSubject(root: string, subject: string): { sessionId: string; writer: string } | null {
  if (!subject.startsWith(`${root}.`)) return null;
  const rest = subject.slice(root.length + 1);
  const dot = rest.indexOf(".");
  if (dot <= 0) return null;
  const sessionId = rest.slice(0, dot);
  const writer = rest.slice(dot + 1);
  if (!tokenPattern.test(sessionId) || writer.length === 0) return null;
  return { sessionId, writer };
}

/** NATS subject matching: `*` matches one token, `>` the rest (one or more tokens). */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split(".");
  const s = subject.split(".");
  for (let i = 0; i < f.length; i++) {
    const t = f[i];
    if (t === ">") return s.length > i;
    if (i >= s.length) return false;
    if (t !== "*" && t !== s[i]) return false;
  }
  return f.length === s.length;
}

export function assertToken(what: string, value: string): void {
  if (!tokenPattern.test(value)) {
    throw new ValidationError(`${what} "${value}" must be 1-64 characters of A-Z a-z 0-9 _ -`, [
      { path: what, message: "not a subject-safe token" },
    ]);
  }
}
