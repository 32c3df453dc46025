import { createConnection, createServer, type Server, type Socket } from "node:net";

/** A TCP proxy a test can cut: while cut it refuses connections and has closed every open one. */
export interface TcpFaultProxy {
  /** The port it listens on (127.0.0.1), the same before and after a cut. */
  readonly port: number;
  /** Closes every open connection (both sides) and stops listening, so new connections are refused. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  /** Connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

/** Starts a proxy on a free 127.0.0.1 port forwarding every connection to `target`. */
export async function startTcpFaultProxy(target: { host: string; port: number }): Promise<TcpFaultProxy> {
  const open = new Set<Socket>();
  let accepted = 0;
  let server: Server | null = null;
  let port = 0;
  const listen = async () => {
    const s = createServer((client) => {
      accepted++;
      const upstream = createConnection(target);
      open.add(client);
      open.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        open.delete(client);
        open.delete(upstream);
      };
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => resolve());
    });
    const address = s.address();
    port = typeof address === "object" && address !== null ? address.port : port;
    server = s;
  };
  const cut = async () => {
    const s = server;
    server = null;
    const closed = s === null ? Promise.resolve() : new Promise<void>((r) => s.close(() => r()));
    for (const socket of open) socket.destroy();
    open.clear();
    await closed;
  };
  await listen();
  return {
    get port() {
      return port;
    },
    get accepted() {
      return accepted;
    },
    cut,
    restore: async () => {
      if (server === null) await listen();
    },
    close: cut,
  };
}
