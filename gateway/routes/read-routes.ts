import type { GatewayApp } from "../http/gateway-app.ts";
import type { GatewayContext } from "../http/gateway-context.ts";

/** The read API over the projections' queries. */
export function registerReadRoutes(_app: GatewayApp, _ctx: GatewayContext): void {}
