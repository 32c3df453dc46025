import { createHash } from "node:crypto";

/**
 * A UUID-shaped id derived from a hash of its parts: same parts, same id. Inside the system no id comes from
 * randomness, so a replay writes the very same ids.
 */
export function deterministicId(...parts: readonly (string | number | null)[]): string {
  const h = createHash("sha256");
  for (const p of parts) {
    h.update(p === null ? "\u0001null" : `\u0002${String(p)}`);
    h.update("\u0000");
  }
  const b = h.digest();
  // RFC 9562 version 8 (custom) and the RFC variant bits.
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const x = b.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** The id of an event: a function of its session, writer, cause and ordinal among that cause's outputs. */
export function eventId(
  sessionId: string,
  writer: string,
  causationId: string | null,
  ordinal: number | string,
): string {
  return deterministicId("event", sessionId, writer, causationId, ordinal);
}

/** A client order id a venue accepts (≤ 36 chars, alphanumeric): derived from the decision, so a retry reuses it. */
export function clientOrderId(decisionOrOrderId: string, leg: number | string = 0): string {
  return `cf${deterministicId("client-order", decisionOrOrderId, leg).replaceAll("-", "").slice(0, 30)}`;
}
