import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freePort,
  type PrivateProcess,
  startPrivateProcess,
  waitForPort,
} from "../../infra/testing/private-server.ts";
import { openTestDatabase, postgresUrl, type TestDatabase } from "../testing/gateway-fixture.ts";
import {
  type GatewayProcess,
  startGatewayProcess,
  startupTimeoutMs,
  urlWithSchema,
} from "./gateway-process.ts";

// Issue 9.4: logs never hold a key, a password or a secret. A whole session at LOG_LEVEL=trace: a private nats-server
// that requires a user and password (in NATS_USER/NATS_PASSWORD, and right then wrong in NATS_URL to the key CLI), a
// DATABASE_URL with a password (trust auth accepts any), keys issued, used, presented wrong, revoked, a paper session
// launched, run in process and projected; every line either process wrote is then searched for each secret.

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const natsUser = "cryptofunk";
const natsPassword = "nats-Pa55-7c1e9b0d4f2a";
const dbPassword = "db-Pa55-e83f1a62c90b";
const wrongNatsPassword = "nats-Wr0ng-5d81c2e7a9f3";
const dir = mkdtempSync(join(tmpdir(), "cf-log-secrets-"));

let nats: PrivateProcess;
let natsPort: number;
let database: TestDatabase;
let gateway: GatewayProcess;
let env: Record<string, string>;
const logs: string[] = [];

beforeAll(async () => {
  natsPort = await freePort();
  const conf = join(dir, "nats.conf");
  writeFileSync(
    conf,
    `listen: "127.0.0.1:${natsPort}"\njetstream { store_dir: "${join(dir, "js")}" }\n` +
      `authorization { users: [ { user: "${natsUser}", password: "${natsPassword}" } ] }\n`,
  );
  const natsLog = join(dir, "nats.log");
  nats = startPrivateProcess("/usr/sbin/nats-server", ["-c", conf, "-l", natsLog]);
  await waitForPort(natsPort, 10_000, "private nats-server (/usr/sbin/nats-server)", natsLog);
  database = await openTestDatabase();
  const dbUrl = postgresUrl.replace("postgres://postgres@", `postgres://postgres:${dbPassword}@`);
  expect(dbUrl).toContain(dbPassword);
  env = {
    DATABASE_URL: urlWithSchema(dbUrl, database.schema),
    CRYPTOFUNK_STREAM: "LOGSECRETS",
    CRYPTOFUNK_ROOT: "ls",
    LOG_LEVEL: "trace",
    CRYPTOFUNK_HOME: join(dir, "home"),
    NATS_USER: natsUser,
    NATS_PASSWORD: natsPassword,
    NATS_URL: `nats://127.0.0.1:${natsPort}`,
  };
  gateway = await startGatewayProcess({
    env,
    args: ["--namespace", database.layout.namespace, "--project", "--run-sessions"],
  });
}, startupTimeoutMs);
afterAll(async () => {
  await gateway?.stop();
  await nats?.stop();
  await database?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** `cryptofunk …` with the session's environment; its stderr (the log) is kept, stdout returned. */
async function cryptofunk(args: string[], extra: Record<string, string> = {}): Promise<string> {
  const { stdout, stderr } = await run(process.execPath, [join(repoRoot, "bin/cryptofunk.js"), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env, ...extra },
    timeout: 60_000,
  });
  logs.push(stderr);
  return stdout;
}

/** Sends raw bytes (for requests no client library would build) and waits for the server to close. */
function rawRequest(text: string): Promise<string> {
  const port = Number(new URL(gateway.url).port);
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => socket.write(text));
    let out = "";
    socket.on("data", (b) => {
      out += b.toString("latin1");
    });
    socket.on("close", () => resolve(out));
    socket.on("error", () => undefined);
  });
}

describe("logs of a whole session", () => {
  it("hold no key, no password, no secret", async () => {
    const boot = JSON.parse(
      await cryptofunk(["keys", "issue", "--role", "admin", "--name", "boot", "--json"]),
    ) as {
      key: string;
      keyId: string;
    };
    const keys = [boot.key];
    const api = async (method: string, path: string, key: string, body?: unknown) => {
      const res = await fetch(`${gateway.url}${path}`, {
        method,
        headers: { "x-api-key": key, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const issue = async (role: string) => {
      const r = await api("POST", "/api/v1/keys", boot.key, { name: `log-${role}`, role });
      expect(r.status).toBe(201);
      keys.push(r.body.key as string);
      return r.body as { key: string; keyId: string };
    };
    const viewer = await issue("viewer");
    const trader = await issue("trader");
    expect((await api("GET", "/api/v1/me", viewer.key)).body.role).toBe("viewer");
    expect((await api("GET", "/api/v1/keys", boot.key)).status).toBe(200);
    // A session launched, run in this process and projected.
    const launched = await api("POST", "/api/v1/sessions", trader.key, {
      mode: "paper",
      symbols: ["BTC/USDT"],
      timeframe: "1h",
      initialCash: "10000",
      source: { kind: "synthetic", ref: "seed:7;bars:120" },
    });
    expect(launched.status, JSON.stringify(launched.body)).toBe(202);
    const sessionId = launched.body.sessionId as string;
    const deadline = Date.now() + 90_000;
    let decisions = 0;
    for (;;) {
      const d = await api("GET", `/api/v1/sessions/${sessionId}/decisions?limit=1`, viewer.key);
      decisions = d.status === 200 ? (d.body.total as number) : 0;
      const s = await api("GET", `/api/v1/sessions/${sessionId}`, viewer.key);
      if (s.status === 200 && s.body.status === "stopped" && decisions > 0) break;
      if (Date.now() > deadline)
        throw new Error(`session ${sessionId} did not finish: ${JSON.stringify(s.body)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(decisions).toBeGreaterThan(50);
    // Keys presented wrong: a real key id with a wrong secret, a revoked key, keys in malformed requests.
    const wrong = `${viewer.key.slice(0, 15)}${"Z".repeat(32)}`;
    expect((await api("GET", "/api/v1/sessions", wrong)).status).toBe(401);
    expect((await api("DELETE", `/api/v1/keys/${viewer.keyId}`, boot.key)).status).toBe(200);
    expect((await api("GET", "/api/v1/sessions", viewer.key)).status).toBe(401);
    expect((await api("GET", "/api/v1/audit", trader.key)).status).toBe(403);
    const malformed = await rawRequest(
      `GET /api/v1/sessions HTTP/1.1\r\nhost: x\r\nx-api-key: ${trader.key}\r\nbad\u0001header: 1\r\n\r\n`,
    );
    expect(malformed).toMatch(/^HTTP\/1\.1 400/);
    const tooLarge = await rawRequest(
      `GET /api/v1/sessions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${trader.key}\r\nx-pad: ${"p".repeat(20_000)}\r\n\r\n`,
    );
    expect(tooLarge).toMatch(/^HTTP\/1\.1 431/);
    await cryptofunk(["keys", "revoke", trader.keyId, "--reason", "end of test"]);
    // Credentials written into NATS_URL: the right ones connect; wrong ones stop the command with an error that
    // names the URL with its password masked.
    const inUrl = (password: string) => ({
      NATS_USER: "",
      NATS_PASSWORD: "",
      NATS_URL: `nats://${natsUser}:${password}@127.0.0.1:${natsPort}`,
    });
    expect(await cryptofunk(["keys", "list"], inUrl(natsPassword))).toContain(trader.keyId);
    const refused = await cryptofunk(["keys", "list"], inUrl(wrongNatsPassword)).then(
      () => "exit 0",
      (e: { stderr?: string }) => e.stderr ?? "",
    );
    logs.push(refused);
    expect(refused).toContain(`nats://${natsUser}:***@127.0.0.1:${natsPort} refused the credentials`);
    expect(await gateway.stop()).toBe(0);

    logs.push(gateway.output());
    const text = logs.join("\n");
    // The logs are there and detailed: every request, the session's work, parser refusals at debug level, and the
    // gateway on the private NATS (not a fallback).
    expect(text.match(/incoming request/g)?.length ?? 0).toBeGreaterThan(15);
    expect(text).toMatch(/"log":"nats:\/\/127\.0\.0\.1:\d+ stream LOGSECRETS".*"msg":"gateway listening"/);
    expect(text).toContain("paper session finished");
    expect(text).toContain("client error");

    const secrets: [string, string][] = [
      ["NATS password", natsPassword],
      ["wrong NATS password", wrongNatsPassword],
      ["database password", dbPassword],
      ...keys.map((k, i): [string, string] => [`key ${i}`, k]),
      // Any 12 characters of a key's 32-character secret (the first 15, cf_ + key id, are public by design).
      ...keys.flatMap((k, i) =>
        Array.from({ length: 21 }, (_, j): [string, string] => [
          `secret of key ${i}`,
          k.slice(15 + j, 27 + j),
        ]),
      ),
    ];
    const found = secrets.filter(([, s]) => text.includes(s)).map(([what]) => what);
    expect(found).toEqual([]);
    // And nothing shaped like a whole key, whoever presented it.
    expect(text.match(/cf_[0-9a-f]{12}[A-Za-z0-9_-]{32}/g) ?? []).toEqual([]);
  });
});
