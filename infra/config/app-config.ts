import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConfigError, issuesFromZod, type ValidationIssue } from "../../events/index.ts";
import { splitUrlUserinfo } from "./url-userinfo.ts";

const bool = z.union([
  z.boolean(),
  z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1"),
]);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z.union([
  z.array(z.string()),
  z.string().transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  ),
]);

export const appConfigSchema = z
  .object({
    env: z.enum(["development", "test", "production"]).default("development"),
    home: z.string().min(1).default("./.cryptofunk"),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    nats: z
      .object({
        /** Absent: try the local default and fall back to the embedded log (development only). */
        url: z.string().min(1).optional(),
        stream: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/, "stream names are A-Z a-z 0-9 _ -")
          .default("CRYPTOFUNK"),
        root: z
          .string()
          .regex(/^[a-z][a-z0-9_-]{0,31}$/, "the subject root is one lowercase token")
          .default("cf"),
        replicas: int(1, 5).default(1),
        user: z.string().optional(),
        pass: z.string().optional(),
        token: z.string().optional(),
        nkeySeed: z.string().optional(),
        credsFile: z.string().optional(),
        tls: z
          .object({ ca: z.string().optional(), cert: z.string().optional(), key: z.string().optional() })
          .strict()
          .optional(),
      })
      .strict()
      .default({ stream: "CRYPTOFUNK", root: "cf", replicas: 1 }),
    database: z
      .object({
        /** Absent: the embedded PGlite database under `home`. */
        url: z.string().min(1).optional(),
        sslCa: z.string().optional(),
        poolSize: int(1, 200).default(10),
      })
      .strict()
      .default({ poolSize: 10 }),
    gateway: z
      .object({
        port: int(0, 65535).default(8080),
        host: z.string().default("127.0.0.1"),
        auth: bool.default(true),
        bodyLimitBytes: int(1024, 50 * 1024 * 1024).default(1024 * 1024),
        corsOrigins: list.default([]),
        trustedProxies: list.default([]),
        rateLimitPerKey: int(1, 1_000_000).default(100),
        rateLimitPerIp: int(1, 10_000_000).default(1000),
        heartbeatMs: int(100, 600_000).default(15_000),
        liveTrading: bool.default(false),
        /** The web UI's static build; absent: the checkout's (or image's) web/dist. */
        uiDir: z.string().min(1).optional(),
      })
      .strict()
      .default({
        port: 8080,
        host: "127.0.0.1",
        auth: true,
        bodyLimitBytes: 1024 * 1024,
        corsOrigins: [],
        trustedProxies: [],
        rateLimitPerKey: 100,
        rateLimitPerIp: 1000,
        heartbeatMs: 15_000,
        liveTrading: false,
      }),
    exchange: z
      .object({
        id: z.string().optional(),
        apiKey: z.string().optional(),
        secret: z.string().optional(),
        password: z.string().optional(),
        sandbox: bool.default(true),
      })
      .strict()
      .default({ sandbox: true }),
  })
  .strict();

export type AppConfig = z.infer<typeof appConfigSchema>;

/** Environment variables and the config path each fills. `X_FILE` is read as the file holding `X`. */
export const environmentNames: Readonly<Record<string, string>> = {
  CRYPTOFUNK_ENV: "env",
  CRYPTOFUNK_HOME: "home",
  LOG_LEVEL: "logLevel",
  NATS_URL: "nats.url",
  CRYPTOFUNK_STREAM: "nats.stream",
  CRYPTOFUNK_ROOT: "nats.root",
  NATS_REPLICAS: "nats.replicas",
  NATS_USER: "nats.user",
  NATS_PASSWORD: "nats.pass",
  NATS_TOKEN: "nats.token",
  NATS_NKEY_SEED: "nats.nkeySeed",
  NATS_CREDS: "nats.credsFile",
  NATS_TLS_CA: "nats.tls.ca",
  NATS_TLS_CERT: "nats.tls.cert",
  NATS_TLS_KEY: "nats.tls.key",
  DATABASE_URL: "database.url",
  DATABASE_SSL_CA: "database.sslCa",
  DATABASE_POOL_SIZE: "database.poolSize",
  PORT: "gateway.port",
  HOST: "gateway.host",
  GATEWAY_AUTH: "gateway.auth",
  GATEWAY_BODY_LIMIT: "gateway.bodyLimitBytes",
  CORS_ORIGINS: "gateway.corsOrigins",
  TRUSTED_PROXIES: "gateway.trustedProxies",
  RATE_LIMIT_PER_KEY: "gateway.rateLimitPerKey",
  RATE_LIMIT_PER_IP: "gateway.rateLimitPerIp",
  LIVE_TRADING: "gateway.liveTrading",
  CRYPTOFUNK_UI_DIR: "gateway.uiDir",
  EXCHANGE_ID: "exchange.id",
  EXCHANGE_API_KEY: "exchange.apiKey",
  EXCHANGE_SECRET: "exchange.secret",
  EXCHANGE_PASSWORD: "exchange.password",
  EXCHANGE_SANDBOX: "exchange.sandbox",
};

/** Paths that hold secrets: never logged, and in production only from files or secret-backed variables. */
export const secretPaths = [
  "nats.pass",
  "nats.token",
  "nats.nkeySeed",
  "exchange.apiKey",
  "exchange.secret",
  "exchange.password",
];

export interface LoadConfigOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** A YAML (or JSON) file; the environment overrides it. */
  readonly file?: string;
  /** Overrides from command-line flags, highest precedence. */
  readonly overrides?: Readonly<Record<string, unknown>>;
}

/**
 * Loads the configuration: YAML file, then environment (`X_FILE` read as the file holding `X`), then flags. Every
 * problem is reported with its field path in one ConfigError; production mode adds the production rules.
 */
export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const env = options.env ?? process.env;
  const raw: Record<string, unknown> = {};
  const problems: ValidationIssue[] = [];
  if (options.file !== undefined) {
    try {
      const parsed = parseYaml(readFileSync(options.file, "utf8"));
      if (parsed !== null && typeof parsed === "object") Object.assign(raw, parsed);
      else problems.push({ path: "(file)", message: `${options.file} does not hold a mapping` });
    } catch (e) {
      problems.push({ path: "(file)", message: `cannot read ${options.file}: ${(e as Error).message}` });
    }
  }
  const fromFiles: string[] = [];
  for (const [name, path] of Object.entries(environmentNames)) {
    const direct = env[name];
    const file = env[`${name}_FILE`];
    if (file !== undefined && file !== "") {
      try {
        setPath(raw, path, readFileSync(file, "utf8").trim());
        fromFiles.push(path);
      } catch (e) {
        problems.push({ path, message: `${name}_FILE: cannot read ${file}: ${(e as Error).message}` });
      }
    } else if (direct !== undefined && direct !== "") {
      setPath(raw, path, direct);
    }
  }
  for (const [path, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) setPath(raw, path, value);
  }
  if (problems.length > 0) throw configError(problems);
  const result = appConfigSchema.safeParse(raw);
  if (!result.success) throw configError(issuesFromZod(result.error.issues));
  const config = result.data;
  if (config.env === "production") {
    const secretsFromEnv = secretPaths.filter((p) => getPath(raw, p) !== undefined && !fromFiles.includes(p));
    const issues = productionIssues(config, secretsFromEnv, env);
    if (issues.length > 0) throw configError(issues, "production configuration refused");
  }
  return config;
}

const placeholder = /^(changeme|change-me|secret|password|example|placeholder|todo|xxx+|test|admin)$/i;

/**
 * The production rules (DESIGN §11): TLS to NATS and Postgres (verify-full with a CA), authentication on (gateway
 * and NATS), no
 * placeholder or short secrets, exchange credentials only from files or secret-backed variables.
 */
export function productionIssues(
  config: AppConfig,
  secretsFromPlainEnv: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const url = config.nats.url;
  if (url === undefined) issues.push({ path: "nats.url", message: "required in production (NATS_URL)" });
  else if (!url.startsWith("tls://") && config.nats.tls?.ca === undefined) {
    issues.push({ path: "nats.tls", message: "production requires TLS to NATS (tls:// URL or NATS_TLS_CA)" });
  }
  const n = config.nats;
  // Userinfo in the URL (`tls://user:pass@host`, `tls://token@host`) is read by connectNats too.
  const inUrl = url === undefined ? undefined : splitUrlUserinfo(url.split(",")[0] ?? "", "nats.url");
  const urlSecret = inUrl?.pass ?? inUrl?.token;
  if (urlSecret !== undefined && weakSecret(urlSecret)) {
    issues.push({ path: "nats.url", message: "placeholder or short password or token in NATS_URL" });
  }
  const natsAuthenticated =
    urlSecret !== undefined ||
    (n.user !== undefined && n.pass !== undefined) ||
    n.token !== undefined ||
    n.nkeySeed !== undefined ||
    n.credsFile !== undefined ||
    (n.tls?.cert !== undefined && n.tls.key !== undefined);
  if (!natsAuthenticated) {
    issues.push({
      path: "nats.auth",
      message:
        "production requires NATS authentication (NATS_USER+NATS_PASSWORD, NATS_TOKEN, NATS_NKEY_SEED, NATS_CREDS, credentials in NATS_URL or a client certificate)",
    });
  }
  const db = config.database.url;
  if (db === undefined)
    issues.push({ path: "database.url", message: "required in production (DATABASE_URL)" });
  else {
    const mode = /[?&]sslmode=([^&]+)/.exec(db)?.[1];
    if (mode !== "verify-full") {
      issues.push({
        path: "database.url",
        message: `production requires sslmode=verify-full (found ${mode ?? "none"})`,
      });
    }
    const dbPassword = splitUrlUserinfo(db, "database.url").pass;
    if (dbPassword !== undefined && weakSecret(dbPassword)) {
      issues.push({ path: "database.url", message: "placeholder or short password in DATABASE_URL" });
    }
    if (config.database.sslCa === undefined && !/[?&]sslrootcert=/.test(db)) {
      issues.push({ path: "database.sslCa", message: "production requires the CA of the Postgres server" });
    }
  }
  if (!config.gateway.auth)
    issues.push({ path: "gateway.auth", message: "authentication cannot be off in production" });
  for (const path of secretPaths) {
    const value = getPath(config as unknown as Record<string, unknown>, path);
    if (typeof value !== "string") continue;
    if (weakSecret(value)) {
      issues.push({
        path,
        message: "placeholder or short secret (at least 12 characters, not a placeholder)",
      });
    }
  }
  for (const path of secretsFromPlainEnv.filter((p) => p.startsWith("exchange."))) {
    // Kubernetes secret-backed variables are marked by the chart; anything else must come from a file.
    if (env.CRYPTOFUNK_SECRETS_FROM_SECRET_STORE !== "true") {
      issues.push({
        path,
        message: "live-trading credentials must come from a file (X_FILE) or a secret store",
      });
    }
  }
  return issues;
}

function weakSecret(value: string): boolean {
  return placeholder.test(value) || value.length < 12;
}

function configError(issues: readonly ValidationIssue[], what = "invalid configuration"): ConfigError {
  return new ConfigError(`${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, issues);
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = target;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (next === null || typeof next !== "object") node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

function getPath(source: Record<string, unknown>, path: string): unknown {
  let node: unknown = source;
  for (const k of path.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[k];
  }
  return node;
}
