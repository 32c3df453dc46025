import { createServer, type Server } from "node:http";

export type ReadinessCheck = () => Promise<void>;

/**
 * /healthz and /readyz for roles without the gateway (worker, projector): liveness is the process answering,
 * readiness runs every named check and answers 503 naming the failing dependency.
 */
export async function startHealthServer(
  port: number,
  checks: Readonly<Record<string, ReadinessCheck>>,
  host = "0.0.0.0",
): Promise<Server> {
  const server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.url === "/healthz") return send(200, { status: "ok" });
    if (req.url === "/readyz") {
      const failing: Record<string, string> = {};
      await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          try {
            await check();
          } catch (e) {
            failing[name] = (e as Error).message;
          }
        }),
      );
      const names = Object.keys(failing);
      return names.length === 0
        ? send(200, { status: "ready" })
        : send(503, { status: "unavailable", failing: names, reasons: failing });
    }
    send(404, { error: { code: "NOT_FOUND", message: `no route ${req.url}` } });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return server;
}
