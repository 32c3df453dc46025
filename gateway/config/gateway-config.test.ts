import fastify from "fastify";
import { describe, expect, it } from "vitest";
import { resolveGatewayConfig, trustProxyOption } from "./gateway-config.ts";

/** The client IP fastify derives with the gateway's trustProxy option. */
async function clientIp(trusted: string[], remoteAddress: string, xff?: string): Promise<string> {
  const app = fastify({ trustProxy: trustProxyOption(trusted) });
  app.get("/", async (request) => request.ip);
  const res = await app.inject({
    url: "/",
    remoteAddress,
    headers: xff === undefined ? {} : { "x-forwarded-for": xff },
  });
  await app.close();
  return res.body;
}

describe("client IP resolution", () => {
  it("ignores X-Forwarded-For when no proxy is trusted", async () => {
    expect(trustProxyOption([])).toBe(false);
    expect(await clientIp([], "203.0.113.7", "1.2.3.4")).toBe("203.0.113.7");
  });

  it("takes the client from X-Forwarded-For only through a trusted proxy", async () => {
    expect(await clientIp(["10.0.0.1"], "10.0.0.1", "198.51.100.9")).toBe("198.51.100.9");
    expect(await clientIp(["10.0.0.0/8"], "10.1.2.3", "198.51.100.9")).toBe("198.51.100.9");
    // Not from the proxy: the header is the client's own claim.
    expect(await clientIp(["10.0.0.1"], "203.0.113.7", "198.51.100.9")).toBe("203.0.113.7");
    // A client prepending a fake hop does not win: the proxy appended the real one last.
    expect(await clientIp(["10.0.0.1"], "10.0.0.1", "1.1.1.1, 198.51.100.9")).toBe("198.51.100.9");
  });

  it("fills defaults and keeps explicit values", () => {
    const c = resolveGatewayConfig({ rateLimitPerKey: 5, corsOrigins: undefined });
    expect(c.rateLimitPerKey).toBe(5);
    expect(c.rateLimitPerIp).toBe(1000);
    expect(c.corsOrigins).toEqual([]);
  });
});
