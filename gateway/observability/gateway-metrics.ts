import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** The gateway's own metrics, declared on the shared registry the composition root hands in. */
export interface GatewayMetrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<"method" | "route" | "status">;
  readonly httpDuration: Histogram<"method" | "route">;
  readonly openStreams: Gauge<"kind">;
  readonly droppedStreams: Counter<"kind" | "reason">;
}

/** Declares (or reuses, when another gateway in the process already did) the HTTP and stream metrics. */
export function createGatewayMetrics(registry: Registry): GatewayMetrics {
  const existing = <T>(name: string) => registry.getSingleMetric(name) as T | undefined;
  return {
    registry,
    httpRequests:
      existing<Counter<"method" | "route" | "status">>("cryptofunk_http_requests_total") ??
      new Counter({
        name: "cryptofunk_http_requests_total",
        help: "HTTP requests served, by method, route pattern and status",
        labelNames: ["method", "route", "status"] as const,
        registers: [registry],
      }),
    httpDuration:
      existing<Histogram<"method" | "route">>("cryptofunk_http_request_duration_seconds") ??
      new Histogram({
        name: "cryptofunk_http_request_duration_seconds",
        help: "HTTP request duration in seconds, by method and route pattern",
        labelNames: ["method", "route"] as const,
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [registry],
      }),
    openStreams:
      existing<Gauge<"kind">>("cryptofunk_gateway_open_streams") ??
      new Gauge({
        name: "cryptofunk_gateway_open_streams",
        help: "Live event streams open now, by kind (sse, ws)",
        labelNames: ["kind"] as const,
        registers: [registry],
      }),
    droppedStreams:
      existing<Counter<"kind" | "reason">>("cryptofunk_gateway_dropped_streams_total") ??
      new Counter({
        name: "cryptofunk_gateway_dropped_streams_total",
        help: "Event streams the gateway closed on a client (slow consumer), by kind and reason",
        labelNames: ["kind", "reason"] as const,
        registers: [registry],
      }),
  };
}
