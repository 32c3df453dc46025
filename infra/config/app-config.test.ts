import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../events/index.ts";
import { loadConfig } from "./app-config.ts";

const dir = mkdtempSync(join(tmpdir(), "cf-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

function refused(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("gives the documented defaults with an empty environment", () => {
    const c = loadConfig({ env: {} });
    expect(c.home).toBe("./.cryptofunk");
    expect(c.nats.stream).toBe("CRYPTOFUNK");
    expect(c.nats.root).toBe("cf");
    expect(c.gateway.port).toBe(8080);
    expect(c.database.url).toBeUndefined();
  });

  it("reads the environment names the project uses", () => {
    const c = loadConfig({
      env: {
        NATS_URL: "nats://h:4222",
        DATABASE_URL: "postgres://x/y",
        CRYPTOFUNK_HOME: "/d",
        CRYPTOFUNK_STREAM: "S1",
        LOG_LEVEL: "warn",
        PORT: "9000",
      },
    });
    expect(c.nats.url).toBe("nats://h:4222");
    expect(c.database.url).toBe("postgres://x/y");
    expect(c.home).toBe("/d");
    expect(c.nats.stream).toBe("S1");
    expect(c.logLevel).toBe("warn");
    expect(c.gateway.port).toBe(9000);
  });

  it("layers YAML file < environment < flags", () => {
    const f = file("a.yaml", "logLevel: debug\ngateway:\n  port: 7000\nnats:\n  stream: FROMFILE\n");
    const c = loadConfig({ env: { PORT: "7100" }, file: f, overrides: { "nats.stream": "FLAG" } });
    expect(c.logLevel).toBe("debug");
    expect(c.gateway.port).toBe(7100);
    expect(c.nats.stream).toBe("FLAG");
  });

  it("reads X_FILE as the file holding X", () => {
    const f = file("pw", "s3cret-from-file\n");
    expect(loadConfig({ env: { NATS_PASSWORD_FILE: f } }).nats.pass).toBe("s3cret-from-file");
  });

  it("names every bad field", () => {
    const e = refused(() =>
      loadConfig({ env: { PORT: "99999", LOG_LEVEL: "loud", CRYPTOFUNK_STREAM: "a.b" } }),
    );
    const paths = e.issues.map((i) => i.path).sort();
    expect(paths).toEqual(["gateway.port", "logLevel", "nats.stream"]);
    expect(e.message).toContain("gateway.port");
  });

  it("refuses an unknown key in the file, naming it", () => {
    const f = file("b.yaml", "gateway:\n  prot: 1\n");
    expect(refused(() => loadConfig({ env: {}, file: f })).message).toContain("gateway");
  });

  describe("production rules", () => {
    const ok = {
      CRYPTOFUNK_ENV: "production",
      NATS_URL: "tls://nats:4222",
      DATABASE_URL: "postgres://u@db/cf?sslmode=verify-full&sslrootcert=/ca.pem",
      NATS_CREDS: "/etc/cryptofunk/nats/user.creds",
    };
    const paths = (env: NodeJS.ProcessEnv) => refused(() => loadConfig({ env })).issues.map((i) => i.path);
    it("accepts a complete production configuration", () => {
      expect(loadConfig({ env: ok }).env).toBe("production");
    });
    it("requires TLS to NATS", () => {
      expect(
        refused(() => loadConfig({ env: { ...ok, NATS_URL: "nats://nats:4222" } })).issues[0]?.path,
      ).toBe("nats.tls");
    });
    it("requires the NATS URL and the database URL", () => {
      const { NATS_URL: _n, DATABASE_URL: _d, ...rest } = ok;
      expect(paths(rest)).toEqual(["nats.url", "database.url"]);
    });
    it("accepts TLS to NATS from a CA with a nats:// URL (the client upgrades)", () => {
      expect(
        loadConfig({ env: { ...ok, NATS_URL: "nats://nats:4222", NATS_TLS_CA: "/ca.pem" } }).nats.tls,
      ).toEqual({
        ca: "/ca.pem",
      });
    });
    it("requires NATS authentication, accepting each kind of credential", () => {
      const { NATS_CREDS: _c, ...none } = ok;
      expect(paths(none)).toEqual(["nats.auth"]);
      expect(paths({ ...none, NATS_USER: "cryptofunk" })).toEqual(["nats.auth"]);
      const secret = file("nats-secret", "a-long-enough-nats-secret");
      for (const creds of [
        { NATS_USER: "cryptofunk", NATS_PASSWORD_FILE: secret },
        { NATS_TOKEN_FILE: secret },
        { NATS_NKEY_SEED_FILE: secret },
        { NATS_TLS_CERT: "/tls.crt", NATS_TLS_KEY: "/tls.key" },
      ]) {
        expect(loadConfig({ env: { ...none, ...creds } }).env).toBe("production");
      }
    });
    it("requires the CA of the Postgres server (DATABASE_SSL_CA or sslrootcert)", () => {
      const url = "postgres://u@db/cf?sslmode=verify-full";
      expect(paths({ ...ok, DATABASE_URL: url })).toEqual(["database.sslCa"]);
      expect(
        loadConfig({ env: { ...ok, DATABASE_URL: url, DATABASE_SSL_CA: "/ca.pem" } }).database.sslCa,
      ).toBe("/ca.pem");
    });
    it("requires sslmode=verify-full", () => {
      const e = refused(() =>
        loadConfig({ env: { ...ok, DATABASE_URL: "postgres://u@db/cf?sslmode=disable" } }),
      );
      expect(e.issues.map((i) => i.path)).toContain("database.url");
    });
    it("refuses authentication off", () => {
      expect(refused(() => loadConfig({ env: { ...ok, GATEWAY_AUTH: "false" } })).issues[0]?.path).toBe(
        "gateway.auth",
      );
    });
    it("refuses placeholder and short secrets", () => {
      expect(refused(() => loadConfig({ env: { ...ok, NATS_PASSWORD: "changeme" } })).issues[0]?.path).toBe(
        "nats.pass",
      );
    });
    it("refuses short secrets", () => {
      const short = file("short", "eleven-char");
      expect(paths({ ...ok, NATS_TOKEN_FILE: short })).toEqual(["nats.token"]);
    });
    it("refuses a placeholder or short password in DATABASE_URL", () => {
      const url = (pw: string) => `postgres://cf:${pw}@db/cf?sslmode=verify-full&sslrootcert=/ca.pem`;
      expect(paths({ ...ok, DATABASE_URL: url("changeme") })).toEqual(["database.url"]);
      expect(paths({ ...ok, DATABASE_URL: url("short") })).toEqual(["database.url"]);
      expect(loadConfig({ env: { ...ok, DATABASE_URL: url("a%40long-database-password") } }).env).toBe(
        "production",
      );
    });
    it("accepts exchange credentials from secret-backed variables the chart marks", () => {
      const env = { ...ok, EXCHANGE_SECRET: "a-very-long-secret-value" };
      expect(paths(env)).toEqual(["exchange.secret"]);
      expect(
        loadConfig({ env: { ...env, CRYPTOFUNK_SECRETS_FROM_SECRET_STORE: "true" } }).exchange.secret,
      ).toBe("a-very-long-secret-value");
    });
    it("refuses exchange credentials from plain environment variables", () => {
      const e = refused(() => loadConfig({ env: { ...ok, EXCHANGE_SECRET: "a-very-long-secret-value" } }));
      expect(e.issues[0]?.path).toBe("exchange.secret");
      const f = file("sec", "a-very-long-secret-value");
      expect(loadConfig({ env: { ...ok, EXCHANGE_SECRET_FILE: f } }).exchange.secret).toBe(
        "a-very-long-secret-value",
      );
    });
  });
});
