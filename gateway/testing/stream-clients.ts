import { createRequire } from "node:module";

/** One parsed Server-Sent Event. */
export interface SseMessage {
  readonly id?: string;
  readonly event: string;
  readonly data: string;
}

/** Parses complete SSE frames out of `buffer`; returns them and the unparsed rest. */
export function parseSse(buffer: string): { messages: SseMessage[]; rest: string } {
  const messages: SseMessage[] = [];
  let rest = buffer;
  for (let end = rest.indexOf("\n\n"); end >= 0; end = rest.indexOf("\n\n")) {
    const frame = rest.slice(0, end);
    rest = rest.slice(end + 2);
    const fields: Record<string, string> = {};
    for (const line of frame.split("\n")) {
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
    }
    if (fields.data === undefined) continue;
    messages.push({
      ...(fields.id === undefined ? {} : { id: fields.id }),
      event: fields.event ?? "message",
      data: fields.data,
    });
  }
  return { messages, rest };
}

/** Reads an SSE response until `until` says stop (or the stream ends); returns the messages. */
export async function readSse(
  response: Response,
  until: (messages: readonly SseMessage[]) => boolean,
  timeoutMs = 10_000,
): Promise<SseMessage[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const all: SseMessage[] = [];
  let buffer = "";
  const deadline = Date.now() + timeoutMs;
  try {
    while (!until(all)) {
      if (Date.now() > deadline)
        throw new Error(`SSE: condition not met in ${timeoutMs} ms; got ${all.length}`);
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      const parsed = parseSse(buffer);
      buffer = parsed.rest;
      all.push(...parsed.messages);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return all;
}

/** The slice of the `ws` client the tests use (the package ships no types here). */
export interface TestWebSocket {
  on(event: "message", listener: (data: Buffer) => void): void;
  on(event: "close", listener: (code: number, reason: Buffer) => void): void;
  on(event: "open", listener: () => void): void;
  on(event: "error", listener: (error: Error) => void): void;
  on(event: "unexpected-response", listener: (req: unknown, res: { statusCode: number }) => void): void;
  pause(): void;
  resume(): void;
  close(): void;
  terminate(): void;
}

const require = createRequire(import.meta.url);
const WebSocketClass = require("ws") as new (
  url: string,
  options?: { headers?: Record<string, string> },
) => TestWebSocket;

/** Opens a WebSocket client. */
export function openWebSocket(url: string, headers: Record<string, string> = {}): TestWebSocket {
  return new WebSocketClass(url, { headers });
}
