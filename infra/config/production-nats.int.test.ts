import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nkeys } from "@nats-io/nats-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../events/index.ts";
import { connectNats } from "../connections/nats-connection.ts";
import { natsOptions } from "../connections/nats-options.ts";
import {
  freePort,
  type PrivateProcess,
  startPrivateProcess,
  waitForPort,
} from "../testing/private-server.ts";
import { makeSelfSignedTls, type SelfSignedTls } from "../testing/self-signed-tls.ts";
import { loadConfig } from "./app-config.ts";

// The production configuration, loaded the way every entry point loads it (environment with X_FILE secrets), connects
// to private nats-servers that require TLS and each kind of credential. The servers are ours: free ports, own
// config, own certificate; stopped by pid and their directories removed.

const natsServer = "/usr/sbin/nats-server";
const dir = mkdtempSync(join(tmpdir(), "cf-nats-prod-"));
const servers: PrivateProcess[] = [];
let tls: SelfSignedTls;
const encoder = new TextEncoder();

const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text, { mode: 0o600 });
  return p;
};

async function startNats(name: string, authorization: string): Promise<string> {
  const port = await freePort();
  const conf = file(
    `${name}.conf`,
    `listen: "127.0.0.1:${port}"\n` +
      `tls { cert_file: "${tls.certFile}", key_file: "${tls.keyFile}", timeout: 5 }\n` +
      `${authorization}\n`,
  );
  const log = join(dir, `${name}.log`);
  servers.push(startPrivateProcess(natsServer, ["-c", conf, "-l", log]));
  await waitForPort(port, 10_000, `private nats-server (${name})`, log);
  return `tls://localhost:${port}`;
}

/** The production environment of a deployment; secrets arrive as files, as the chart mounts them. */
function productionEnv(natsUrl: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    CRYPTOFUNK_ENV: "production",
    NATS_URL: natsUrl,
    NATS_TLS_CA: tls.caFile,
    DATABASE_URL: "postgres://cf@db.internal/cf?sslmode=verify-full",
    DATABASE_SSL_CA: tls.caFile,
    ...extra,
  };
}

async function roundTrip(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const config = loadConfig({ env });
  const nc = await connectNats({ ...natsOptions(config, "production-nats.int.test"), timeoutMs: 3000 });
  try {
    const sub = nc.subscribe("cf.probe", { max: 1 });
    nc.publish("cf.probe", "ping");
    for await (const m of sub) expect(m.string()).toBe("ping");
    return nc.info?.server_id;
  } finally {
    await nc.close();
  }
}

/** A JWT of the NATS v2 format signed by `issuer` (what `nsc` writes), built here so no extra tool is needed. */
function natsJwt(issuer: nkeys.KeyPair, subject: string, nats: Record<string, unknown>): string {
  const b64 = (v: Uint8Array | string) =>
    Buffer.from(typeof v === "string" ? encoder.encode(v) : v).toString("base64url");
  const header = b64(JSON.stringify({ typ: "JWT", alg: "ed25519-nkey" }));
  const claims = {
    jti: b64(subject).slice(0, 52),
    iat: Math.floor(Date.now() / 1000),
    iss: issuer.getPublicKey(),
    name: subject.slice(0, 8),
    sub: subject,
    nats: { version: 2, ...nats },
  };
  const body = `${header}.${b64(JSON.stringify(claims))}`;
  return `${body}.${b64(issuer.sign(encoder.encode(body)))}`;
}

let userPassUrl: string;
let tokenUrl: string;
let operatorUrl: string;
const nkeyUser = nkeys.createUser();
const password = "correct-horse-battery-staple";
const token = "s.9f2c71e0b4a84d5f8a1e";
let credsFile: string;
let strangerCredsFile: string;

beforeAll(async () => {
  tls = makeSelfSignedTls(dir);
  userPassUrl = await startNats(
    "users",
    `authorization { users: [ { user: "cryptofunk", password: "${password}" }, { nkey: "${nkeyUser.getPublicKey()}" } ] }`,
  );
  tokenUrl = await startNats("token", `authorization { token: "${token}" }`);

  // Operator mode (decentralised JWT auth): operator → account → user, with the account preloaded.
  const operator = nkeys.createOperator();
  const account = nkeys.createAccount();
  const user = nkeys.createUser();
  const unlimited = { subs: -1, data: -1, payload: -1 };
  const operatorJwt = natsJwt(operator, operator.getPublicKey(), { type: "operator" });
  const accountJwt = natsJwt(operator, account.getPublicKey(), {
    type: "account",
    limits: { ...unlimited, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 },
  });
  const userJwt = natsJwt(account, user.getPublicKey(), { type: "user", pub: {}, sub: {}, ...unlimited });
  const creds = (name: string, jwt: string, seed: Uint8Array) =>
    file(
      name,
      `-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n` +
        `-----BEGIN USER NKEY SEED-----\n${new TextDecoder().decode(seed)}\n------END USER NKEY SEED------\n`,
    );
  credsFile = creds("user.creds", userJwt, user.getSeed());
  // A well-formed creds file whose account the server never heard of.
  const stranger = nkeys.createUser();
  const strangerJwt = natsJwt(nkeys.createAccount(), stranger.getPublicKey(), { type: "user", ...unlimited });
  strangerCredsFile = creds("stranger.creds", strangerJwt, stranger.getSeed());
  operatorUrl = await startNats(
    "operator",
    `operator: "${operatorJwt}"\nresolver: MEMORY\nresolver_preload: { ${account.getPublicKey()}: "${accountJwt}" }`,
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe("production NATS: TLS with a private CA and every kind of credential", () => {
  it("user and password (NATS_USER, NATS_PASSWORD_FILE)", async () => {
    const env = productionEnv(userPassUrl, {
      NATS_USER: "cryptofunk",
      NATS_PASSWORD_FILE: file("nats-password", `${password}\n`),
    });
    expect(await roundTrip(env)).toBeTruthy();
  });

  it("a wrong password is refused by the server", async () => {
    const env = productionEnv(userPassUrl, {
      NATS_USER: "cryptofunk",
      NATS_PASSWORD_FILE: file("nats-password-wrong", "not-the-password-at-all"),
    });
    // The server answered: a ConfigError about the credentials, not "unreachable, start the server".
    await expect(roundTrip(env)).rejects.toSatisfy(
      (e: Error) => e instanceof ConfigError && /refused the credentials.*authoriz/is.test(e.message),
    );
  });

  it("user and password, or a token, in the URL's userinfo (the client does not read it there by itself)", async () => {
    const withUserinfo = (u: string, userinfo: string) => u.replace("tls://", `tls://${userinfo}@`);
    const pw = encodeURIComponent(password);
    expect(await roundTrip(productionEnv(withUserinfo(userPassUrl, `cryptofunk:${pw}`), {}))).toBeTruthy();
    expect(await roundTrip(productionEnv(withUserinfo(tokenUrl, token), {}))).toBeTruthy();
    const wrong = productionEnv(withUserinfo(userPassUrl, "cryptofunk:not-the-password-at-all"), {});
    await expect(roundTrip(wrong)).rejects.toThrow(
      /at tls:\/\/cryptofunk:\*\*\*@localhost:\d+ refused the credentials/,
    );
    await expect(roundTrip(wrong)).rejects.not.toThrow(/not-the-password/);
    // A weak secret in the URL stops a production start like any other.
    expect(() => loadConfig({ env: productionEnv(withUserinfo(tokenUrl, "changeme"), {}) })).toThrow(
      /nats\.url/,
    );
  });

  it("a token (NATS_TOKEN_FILE)", async () => {
    const env = productionEnv(tokenUrl, { NATS_TOKEN_FILE: file("nats-token", token) });
    expect(await roundTrip(env)).toBeTruthy();
    const wrong = productionEnv(tokenUrl, {
      NATS_TOKEN_FILE: file("nats-token-wrong", "s.0000000000000000000"),
    });
    await expect(roundTrip(wrong)).rejects.toThrow(/authoriz/i);
  });

  it("an nkey seed (NATS_NKEY_SEED_FILE)", async () => {
    const seed = new TextDecoder().decode(nkeyUser.getSeed());
    const env = productionEnv(userPassUrl, { NATS_NKEY_SEED_FILE: file("nats-nkey", seed) });
    expect(await roundTrip(env)).toBeTruthy();
    const other = new TextDecoder().decode(nkeys.createUser().getSeed());
    const stranger = productionEnv(userPassUrl, { NATS_NKEY_SEED_FILE: file("nats-nkey-other", other) });
    await expect(roundTrip(stranger)).rejects.toThrow(/authoriz/i);
  });

  it("a creds file (NATS_CREDS) against an operator-mode server", async () => {
    expect(await roundTrip(productionEnv(operatorUrl, { NATS_CREDS: credsFile }))).toBeTruthy();
    await expect(roundTrip(productionEnv(operatorUrl, { NATS_CREDS: strangerCredsFile }))).rejects.toThrow(
      /authoriz/i,
    );
  });

  it("without the CA the self-signed server certificate is refused", async () => {
    const env = productionEnv(tokenUrl, { NATS_TOKEN_FILE: file("nats-token-2", token) });
    const { NATS_TLS_CA: _ca, ...withoutCa } = env;
    await expect(roundTrip(withoutCa)).rejects.toThrow(/NATS is unreachable.*(self.signed|certificate)/is);
  });

  it("a plain nats:// URL to a TLS server is refused by configuration before any connection", () => {
    const env = productionEnv(tokenUrl.replace("tls://", "nats://"), { NATS_TOKEN_FILE: file("t3", token) });
    const { NATS_TLS_CA: _ca, ...plain } = env;
    expect(() => loadConfig({ env: plain })).toThrow(/nats\.tls/);
  });
});
