import { apiUrl } from "./api-client.ts";
import { type ApiError, apiErrorOf } from "./api-error.ts";
import type { EventEnvelope } from "./api-types.ts";
import { createSseParser } from "./sse-parser.ts";

export type StreamStatus = "connecting" | "live" | "reconnecting" | "closed";

export interface EventStreamOptions {
  readonly key: string;
  readonly sessionId: string;
  /** First sequence wanted (the snapshot's last sequence + 1). */
  readonly fromSeq: number;
  readonly types?: readonly string[];
  readonly signal: AbortSignal;
  onEvent(event: EventEnvelope): void;
  onStatus(status: StreamStatus): void;
  /** A refusal that retrying will not fix (401, 403, 404): the stream stops. */
  onFatal(error: ApiError): void;
}

/**
 * A session's SSE stream read with fetch (EventSource cannot send the X-API-Key header), resumed after a drop with
 * Last-Event-ID so nothing is missed or repeated; backs off 1 s, 2 s, 4 s … 15 s between attempts.
 */
export function openEventStream(o: EventStreamOptions): void {
  let lastId: string | undefined;
  let delay = 1000;
  const run = async () => {
    while (!o.signal.aborted) {
      o.onStatus(lastId === undefined ? "connecting" : "reconnecting");
      try {
        const url = apiUrl(`/sessions/${encodeURIComponent(o.sessionId)}/events`, {
          ...(lastId === undefined ? { from: o.fromSeq } : {}),
          ...(o.types ? { types: o.types.join(",") } : {}),
        });
        const res = await fetch(url, {
          headers: {
            "x-api-key": o.key,
            accept: "text/event-stream",
            ...(lastId === undefined ? {} : { "last-event-id": lastId }),
          },
          signal: o.signal,
        });
        if (!res.ok) {
          const err = await apiErrorOf(res);
          if ([401, 403, 404].includes(res.status)) {
            o.onFatal(err);
            o.onStatus("closed");
            return;
          }
          throw err;
        }
        if (res.body === null) throw new Error("no stream body");
        o.onStatus("live");
        delay = 1000;
        const parser = createSseParser();
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          let dropped = false;
          for (const m of parser.push(value)) {
            if (m.event === "heartbeat") continue;
            // The gateway drops a client that fell too far behind: reconnect from the last id.
            if (m.event === "error") {
              dropped = true;
              break;
            }
            if (m.id !== undefined) lastId = m.id;
            o.onEvent(JSON.parse(m.data) as EventEnvelope);
          }
          if (dropped) {
            await reader.cancel();
            break;
          }
        }
      } catch (e) {
        if (o.signal.aborted) break;
        // A network error or a 5xx: retry below.
        void e;
      }
      if (o.signal.aborted) break;
      o.onStatus("reconnecting");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        o.signal.addEventListener("abort", () => {
          clearTimeout(t);
          resolve();
        });
      });
      delay = Math.min(delay * 2, 15_000);
    }
    o.onStatus("closed");
  };
  void run();
}
