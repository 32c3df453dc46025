import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";

/**
 * The process's metrics: one prom-client registry with the default process metrics and the system's declarations
 * (DESIGN §11). Components receive the piece they update; the gateway adds its HTTP and stream metrics to the same
 * registry (gateway/observability/gateway-metrics.ts), and /metrics serves it all.
 */
export interface SystemMetrics {
  readonly registry: Registry;
  readonly appends: Counter<"writer" | "outcome">;
  readonly consumerLag: Gauge<"consumer">;
  readonly projectionLag: Gauge<"projection">;
  readonly decisions: Counter<"action">;
  readonly votes: Counter<"agent" | "action">;
  readonly orders: Counter<"side" | "type">;
  readonly fills: Counter<"side" | "liquidity">;
  readonly riskBlocks: Counter<"rule">;
  readonly breakerStates: Gauge<"session" | "breaker">;
}

/** Creates the registry and declares every system metric on it (call once per process). */
export function createSystemMetrics(options: { readonly defaultMetrics?: boolean } = {}): SystemMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "cryptofunk_" });
  const registers = [registry];
  return {
    registry,
    appends: new Counter({
      name: "cryptofunk_event_appends_total",
      help: "Events appended to the log, by writer and outcome (ok, duplicate, conflict, error)",
      labelNames: ["writer", "outcome"] as const,
      registers,
    }),
    consumerLag: new Gauge({
      name: "cryptofunk_consumer_lag_events",
      help: "Events between an actor host's position and the log's tail",
      labelNames: ["consumer"] as const,
      registers,
    }),
    projectionLag: new Gauge({
      name: "cryptofunk_projection_lag_events",
      help: "Events between the projector's checkpoint and the log's tail",
      labelNames: ["projection"] as const,
      registers,
    }),
    decisions: new Counter({
      name: "cryptofunk_decisions_total",
      help: "Orchestrator decisions, by action",
      labelNames: ["action"] as const,
      registers,
    }),
    votes: new Counter({
      name: "cryptofunk_votes_total",
      help: "Agent votes counted in decisions, by agent and action",
      labelNames: ["agent", "action"] as const,
      registers,
    }),
    orders: new Counter({
      name: "cryptofunk_orders_total",
      help: "Orders submitted, by side and type",
      labelNames: ["side", "type"] as const,
      registers,
    }),
    fills: new Counter({
      name: "cryptofunk_fills_total",
      help: "Fills, by side and liquidity",
      labelNames: ["side", "liquidity"] as const,
      registers,
    }),
    riskBlocks: new Counter({
      name: "cryptofunk_risk_blocks_total",
      help: "Decisions risk refused, by failed rule",
      labelNames: ["rule"] as const,
      registers,
    }),
    breakerStates: new Gauge({
      name: "cryptofunk_circuit_breaker_tripped",
      help: "1 while a circuit breaker is tripped, 0 once reset",
      labelNames: ["session", "breaker"] as const,
      registers,
    }),
  };
}
