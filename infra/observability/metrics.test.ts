import { describe, expect, it } from "vitest";
import { createGatewayMetrics } from "../../gateway/index.ts";
import { createSystemMetrics } from "./metrics.ts";

describe("system metrics", () => {
  it("declares every system metric on one registry, beside the gateway's, and each one moves", async () => {
    const m = createSystemMetrics({ defaultMetrics: false });
    const http = createGatewayMetrics(m.registry);
    m.appends.inc({ writer: "exec", outcome: "ok" });
    m.consumerLag.set({ consumer: "risk" }, 3);
    m.projectionLag.set({ projection: "read-model" }, 7);
    m.decisions.inc({ action: "BUY" });
    m.votes.inc({ agent: "trend", action: "BUY" });
    m.orders.inc({ side: "buy", type: "market" });
    m.fills.inc({ side: "buy", liquidity: "taker" });
    m.riskBlocks.inc({ rule: "drawdown" });
    m.breakerStates.set({ session: "s", breaker: "drawdown_halt" }, 1);
    http.httpRequests.inc({ method: "GET", route: "/healthz", status: "200" });
    const text = await m.registry.metrics();
    for (const name of [
      'cryptofunk_event_appends_total{writer="exec",outcome="ok"} 1',
      'cryptofunk_consumer_lag_events{consumer="risk"} 3',
      'cryptofunk_projection_lag_events{projection="read-model"} 7',
      'cryptofunk_decisions_total{action="BUY"} 1',
      'cryptofunk_votes_total{agent="trend",action="BUY"} 1',
      'cryptofunk_orders_total{side="buy",type="market"} 1',
      'cryptofunk_fills_total{side="buy",liquidity="taker"} 1',
      'cryptofunk_risk_blocks_total{rule="drawdown"} 1',
      'cryptofunk_circuit_breaker_tripped{session="s",breaker="drawdown_halt"} 1',
      'cryptofunk_http_requests_total{method="GET",route="/healthz",status="200"} 1',
    ]) {
      expect(text).toContain(name);
    }
  });
});
