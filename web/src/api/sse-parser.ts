/** One Server-Sent Event as dispatched: `event` defaults to "message"; `id` is the last id seen, if any. */
export interface SseMessage {
  readonly event: string;
  readonly data: string;
  readonly id: string | undefined;
}

/** An incremental parser of a text/event-stream body (the WHATWG rules: fields, comments, blank-line dispatch). */
export interface SseParser {
  /** Feeds the next decoded chunk (any split, even mid-line or between \r and \n); returns the events it completed. */
  push(chunk: string): SseMessage[];
  /** The id of the last event dispatched (what a reconnect sends as Last-Event-ID). */
  readonly lastEventId: string | undefined;
}

export function createSseParser(): SseParser {
  let buffer = "";
  let data: string[] = [];
  let event = "";
  let lastEventId: string | undefined;
  // A chunk ending in \r may be the first half of \r\n: the \n that follows is not a second line end.
  let skipLeadingNewline = false;

  const line = (text: string, out: SseMessage[]) => {
    if (text === "") {
      if (data.length > 0) out.push({ event: event || "message", data: data.join("\n"), id: lastEventId });
      data = [];
      event = "";
      return;
    }
    if (text.startsWith(":")) return; // comment (heartbeats may use them)
    const colon = text.indexOf(":");
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data.push(value);
    else if (field === "event") event = value;
    else if (field === "id" && !value.includes("\0")) lastEventId = value;
    // "retry" and unknown fields are ignored.
  };

  return {
    push(chunk) {
      const out: SseMessage[] = [];
      let text = chunk;
      if (skipLeadingNewline && text.startsWith("\n")) text = text.slice(1);
      skipLeadingNewline = false;
      buffer += text;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer[i];
        if (c !== "\n" && c !== "\r") continue;
        line(buffer.slice(start, i), out);
        if (c === "\r") {
          if (i + 1 < buffer.length) {
            if (buffer[i + 1] === "\n") i++;
          } else {
            skipLeadingNewline = true;
          }
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
      return out;
    },
    get lastEventId() {
      return lastEventId;
    },
  };
}
