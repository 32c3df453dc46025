import { describe, expect, it } from "vitest";
import { ConfigError, UnavailableError } from "../../events/index.ts";
import { connectNats } from "./nats-connection.ts";

const url = process.env.NATS_URL ?? "nats://127.0.0.1:4222";

describe("connectNats", () => {
  it("connects to the server and reads its version", async () => {
    const nc = await connectNats({ servers: url, name: "nats-connection.int.test" });
    try {
      expect(nc.info?.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(nc.info?.jetstream).toBe(true);
    } finally {
      await nc.close();
    }
  });

  it("names NATS, the URL and how to start the server when nothing answers", async () => {
    const attempt = connectNats({ servers: "nats://127.0.0.1:1", timeoutMs: 1000 });
    await expect(attempt).rejects.toBeInstanceOf(UnavailableError);
    await expect(connectNats({ servers: "nats://127.0.0.1:1", timeoutMs: 1000 })).rejects.toThrow(
      /NATS is unreachable at nats:\/\/127\.0\.0\.1:1.*start-stop-daemon --start .*nats-server .*-js/,
    );
  });

  it("reports an unreadable credentials or TLS file as a ConfigError naming the field", async () => {
    await expect(connectNats({ servers: url, credsFile: "/nonexistent/user.creds" })).rejects.toBeInstanceOf(
      ConfigError,
    );
    await expect(connectNats({ servers: url, tls: { caFile: "/nonexistent/ca.pem" } })).rejects.toThrow(
      /caFile/,
    );
    await expect(connectNats({ servers: " , " })).rejects.toBeInstanceOf(ConfigError);
  });
});
