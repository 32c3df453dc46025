import fc from "fast-check";
import { listDecisions } from "../../projections/index.ts";
import { createAuditWriter } from "../audit/audit-writer.ts";
import { createApiKeyStore } from "../auth/api-key-store.ts";
import type { ApiRole } from "../auth/route-roles.ts";
import {
  openTestDatabase,
  openTestEventLog,
  postgresUrl,
  natsUrl as sharedNatsUrl,
  type TestDatabase,
  type TestEventLog,
} from "../testing/gateway-fixture.ts";
import { type SeededSession, seedProjectedSession } from "../testing/seed-read-models.ts";
import {
  type AbuseRequest,
  type AbuseTargets,
  abuseRequest,
  expectedAccess,
  type RawResponse,
  sendRaw,
} from "./abuse-requests.ts";
import { type GatewayProcess, outsideMarker, startGatewayProcess, urlWithSchema } from "./gateway-process.ts";

/** A `cryptofunk gateway` process on a schema and a stream of its own, with live keys of every role and a session. */
export interface AbuseTarget {
  readonly gateway: GatewayProcess;
  readonly database: TestDatabase;
  readonly events: TestEventLog;
  readonly targets: AbuseTargets;
  readonly session: SeededSession;
  /** Body limit the process runs with (GATEWAY_BODY_LIMIT). */
  readonly bodyLimitBytes: number;
  dispose(): Promise<void>;
}

export const abuseBodyLimit = 64 * 1024;

/** The environment of a gateway process on the test's own schema (search_path in the URL) and stream. */
export function gatewayProcessEnv(
  database: TestDatabase,
  events: TestEventLog,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    DATABASE_URL: urlWithSchema(postgresUrl, database.schema),
    NATS_URL: sharedNatsUrl,
    CRYPTOFUNK_STREAM: events.stream,
    CRYPTOFUNK_ROOT: events.log.root,
    LOG_LEVEL: "warn",
    ...extra,
  };
}

/**
 * Starts the gateway process (projector in process, limits high enough that the fuzz is not all 429s, a small body
 * limit so oversized bodies are cheap), issues keys through its API and seeds a projected session.
 */
export async function openAbuseTarget(env: Readonly<Record<string, string>> = {}): Promise<AbuseTarget> {
  const database = await openTestDatabase();
  const events = await openTestEventLog();
  let gateway: GatewayProcess | undefined;
  try {
    gateway = await startGatewayProcess({
      env: gatewayProcessEnv(database, events, {
        RATE_LIMIT_PER_KEY: "1000000",
        RATE_LIMIT_PER_IP: "10000000",
        GATEWAY_BODY_LIMIT: String(abuseBodyLimit),
        CORS_ORIGINS: "https://ui.example",
        ...env,
      }),
      args: ["--namespace", database.layout.namespace, "--project"],
    });
    const g = gateway;
    // The first admin key comes from the store itself (as `cryptofunk keys issue` does); the others through the API.
    const store = createApiKeyStore({ db: database.db, audit: createAuditWriter(events.log) });
    const admin = (await store.issue({ name: "abuse-admin", role: "admin", issuedBy: "test" })).key;
    const issue = async (role: ApiRole, name: string) => {
      const res = await fetch(`${g.url}/api/v1/keys`, {
        method: "POST",
        headers: { "x-api-key": admin, "content-type": "application/json" },
        body: JSON.stringify({ name, role }),
      });
      if (res.status !== 201 && res.status !== 200)
        throw new Error(`issuing a key: ${res.status} ${await res.text()}`);
      return (await res.json()) as { key: string; keyId: string };
    };
    const viewer = (await issue("viewer", "abuse-viewer")).key;
    const trader = (await issue("trader", "abuse-trader")).key;
    const revokedKey = await issue("viewer", "abuse-revoked");
    const revoked = await fetch(`${g.url}/api/v1/keys/${revokedKey.keyId}`, {
      method: "DELETE",
      headers: { "x-api-key": admin },
    });
    if (!revoked.ok) throw new Error(`revoking a key: ${revoked.status}`);
    // The process projects; "project" here waits until its projector has caught up with the seeded session.
    const session = await seedProjectedSession(
      events.log,
      database.readModels,
      () =>
        waitFor(
          "the gateway's projector",
          async () =>
            (await listDecisions(database.readModels, { sessionId: "abuse-1", limit: 1 })).items.length > 0,
        ),
      "abuse-1",
    );
    await fetch(`${g.url}/api/v1/strategies/abuse/versions`, {
      method: "POST",
      headers: { "x-api-key": trader, "content-type": "application/json" },
      body: JSON.stringify({ format: "json", content: '{"name":"abuse"}' }),
    });
    return {
      gateway: g,
      database,
      events,
      session,
      bodyLimitBytes: abuseBodyLimit,
      targets: {
        keys: { admin, trader, viewer, revoked: revokedKey.key },
        knownIds: [session.sessionId, session.decisionId, session.orderId, "abuse", "1", "latest"],
      },
      dispose: async () => {
        await g.stop();
        await events.dispose();
        await database.dispose();
      },
    };
  } catch (e) {
    await gateway?.stop();
    await events.dispose();
    await database.dispose();
    throw e;
  }
}

async function waitFor(what: string, ok: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What a campaign measured; `problems` lists each request that broke a rule (empty on success). */
export interface CampaignResult {
  readonly seed: number;
  readonly requests: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly aimed: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly rssMb: { readonly start: number; readonly peak: number; readonly end: number };
  /** RSS (MB) after each tenth of the requests: a leak climbs, a warm heap levels off. */
  readonly rssTraceMb: readonly number[];
  /**
   * The lowest RSS sampled (every 100 ms) in each tenth: the heap after its collections. Garbage collection saws the
   * RSS up and down by ~100 MB; a leak raises these floors.
   */
  readonly rssFloorMb: readonly number[];
  readonly problems: readonly string[];
  /** Problems counted by the start of their description. */
  readonly problemKinds: Readonly<Record<string, number>>;
}

/**
 * Sends `requests` fast-check requests (seeded) with `concurrency` connections in flight, sampling the process's RSS,
 * and checks each answer: no 5xx, no lost or hung answer, the one JSON error shape, the role table's verdict for
 * requests aimed at their route, and nothing from outside the UI root.
 */
export async function runAbuseCampaign(
  target: AbuseTarget,
  options: { requests: number; seed: number; concurrency?: number },
): Promise<CampaignResult> {
  const port = Number(new URL(target.gateway.url).port);
  const generated = fc.sample(abuseRequest(target.targets), {
    numRuns: options.requests,
    seed: options.seed,
  });
  const statuses: Record<string, number> = {};
  const problems: string[] = [];
  const problemKinds: Record<string, number> = {};
  let aimed = 0;
  const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
  const start = target.gateway.rssBytes();
  let peak = start;
  let low = Number.POSITIVE_INFINITY;
  const sampler = setInterval(() => {
    if (!target.gateway.alive()) return;
    const rss = target.gateway.rssBytes();
    peak = Math.max(peak, rss);
    low = Math.min(low, rss);
  }, 100);
  const began = performance.now();
  let next = 0;
  let done = 0;
  const tenth = Math.max(1, Math.floor(generated.length / 10));
  const trace: number[] = [];
  const floors: number[] = [];
  const worker = async () => {
    while (next < generated.length) {
      const i = next++;
      const request = generated[i]!;
      const response = await sendRaw(port, request);
      const label = response.status === null ? (response.failure ?? "none") : String(response.status);
      statuses[label] = (statuses[label] ?? 0) + 1;
      if (request.aimed) aimed++;
      done++;
      if (done % tenth === 0 && target.gateway.alive()) {
        const rss = target.gateway.rssBytes();
        trace.push(mb(rss));
        floors.push(mb(Math.min(low, rss)));
        low = Number.POSITIVE_INFINITY;
      }
      const problem = judge(request, response);
      if (problem !== null) {
        const kind = problem.slice(0, 40);
        problemKinds[kind] = (problemKinds[kind] ?? 0) + 1;
        if (problems.length < 50) problems.push(`#${i} ${problem}: ${summary(request)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  const seconds = (performance.now() - began) / 1000;
  clearInterval(sampler);
  if (!target.gateway.alive()) problems.push(`the process died:\n${target.gateway.output().slice(-3000)}`);
  await new Promise((r) => setTimeout(r, 500));
  const end = target.gateway.alive() ? target.gateway.rssBytes() : 0;
  return {
    seed: options.seed,
    requests: generated.length,
    statuses,
    aimed,
    seconds: Math.round(seconds * 10) / 10,
    requestsPerSecond: Math.round(generated.length / seconds),
    rssMb: { start: mb(start), peak: mb(Math.max(peak, end)), end: mb(end) },
    rssTraceMb: trace,
    rssFloorMb: floors,
    problems,
    problemKinds,
  };
}

function judge(request: AbuseRequest, response: RawResponse): string | null {
  if (response.failure === "timeout") return "no complete answer in time";
  const status = response.status;
  if (status === null) return "connection closed without an answer";
  if (status >= 500) return `${status} ${response.body.toString("utf8").slice(0, 300)}`;
  if (response.body.includes(outsideMarker)) return "served a file from outside the UI root";
  const type = response.headers["content-type"] ?? "";
  if (status >= 400 && type.startsWith("application/json") && response.body.length > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(response.body.toString("utf8"));
    } catch {
      return `${status} with a JSON content type but no JSON body`;
    }
    const code = (parsed as { error?: { code?: unknown } }).error?.code;
    if (typeof code !== "string")
      return `${status} without the error shape: ${response.body.toString("utf8").slice(0, 200)}`;
  }
  if (request.aimed) {
    const expected = expectedAccess(request);
    if (expected === "granted" && (status === 401 || status === 403))
      return `${status} for a key allowed here`;
    if (expected !== "granted" && status !== expected)
      return `${status}, the role table says ${expected} (${response.body.toString("utf8").slice(0, 200)})`;
  }
  return null;
}

/** One line naming the request, long values cut, for failure reports. */
function summary(r: AbuseRequest): string {
  const headers = r.headers.map(([k, v]) => `${k}: ${v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v}`);
  const body =
    r.body === null
      ? ""
      : ` body(${r.body.length}) ${JSON.stringify(r.body.subarray(0, 120).toString("latin1"))}`;
  return `[${r.route} as ${r.key}] ${r.method} ${r.target.slice(0, 200)} {${headers.join("; ")}}${body}`;
}
