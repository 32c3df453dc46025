import type { AnyEvent } from "../../events/index.ts";
import { sessionFilter } from "../../events/index.ts";
import type { GatewayContext } from "../http/gateway-context.ts";

export type StreamDropReason = "slow_consumer" | "stream_failed" | "closed";

/** One client connection a session's events are written to (SSE response or WebSocket). */
export interface StreamTarget {
  readonly kind: "sse" | "ws";
  write(event: AnyEvent): void;
  heartbeat(lastSeq: number, at: string): void;
  /** Bytes written but not yet taken by the client. */
  bufferedBytes(): number;
  /** Tells the client why it is being dropped, then closes the connection. */
  drop(reason: StreamDropReason, message: string): void;
  /** Registers the callback for the client going away. */
  onClose(callback: () => void): void;
}

export interface PumpOptions {
  readonly sessionId: string;
  /** First stream sequence to deliver. */
  readonly fromSeq: number;
  /** Only these event types (all when absent). */
  readonly types?: ReadonlySet<string>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A running pump: `close` ends the client's stream (reason "closed"), as on shutdown. */
export interface StreamPump {
  close(message: string): void;
}

/**
 * Streams a session's events to one client: catch-up from `fromSeq`, then live, with heartbeats. Backpressure: when
 * the client's unread output passes the bound the pump stops reading the log and waits; a client that does not
 * drain within the drain timeout is dropped with a reason. Memory per client stays under bound + one event.
 */
export function pumpSessionEvents(
  ctx: GatewayContext,
  options: PumpOptions,
  target: StreamTarget,
): StreamPump {
  const { streamMaxBufferedBytes: bound, streamDrainTimeoutMs: drainTimeout, heartbeatMs } = ctx.config;
  const subscription = ctx.log.subscribe(sessionFilter(ctx.log.root, options.sessionId), {
    fromSeq: options.fromSeq,
  });
  let lastSeq = options.fromSeq - 1;
  let open = true;
  const gauge = ctx.metrics.openStreams.labels({ kind: target.kind });
  gauge.inc();
  const stop = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    gauge.dec();
    void subscription.close();
  };
  const drop = (reason: StreamDropReason, message: string) => {
    if (!open) return;
    ctx.metrics.droppedStreams.inc({ kind: target.kind, reason });
    stop();
    target.drop(reason, message);
  };
  const heartbeat = setInterval(() => {
    if (open && target.bufferedBytes() <= bound) target.heartbeat(lastSeq, ctx.now().toISOString());
  }, heartbeatMs);
  target.onClose(stop);

  const waitForDrain = async (): Promise<boolean> => {
    const started = Date.now();
    while (open && target.bufferedBytes() > bound) {
      if (Date.now() - started >= drainTimeout) return false;
      await sleep(10);
    }
    return true;
  };

  void (async () => {
    try {
      for await (const event of subscription) {
        if (!open) break;
        lastSeq = event.seq;
        if (options.types !== undefined && !options.types.has(event.type)) continue;
        target.write(event);
        if (target.bufferedBytes() > bound && !(await waitForDrain())) {
          drop(
            "slow_consumer",
            `over ${bound} bytes unread for ${drainTimeout} ms; reconnect with Last-Event-ID`,
          );
          return;
        }
      }
    } catch (e) {
      drop("stream_failed", `the event log subscription failed: ${(e as Error).message}`.slice(0, 100));
      return;
    }
    // The log ended the subscription (shutdown): say so rather than leave an idle connection.
    drop("closed", "the event log closed");
  })();
  return { close: (message) => drop("closed", message) };
}
