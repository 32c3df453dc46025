import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import {
  createMemorySnapshotStore,
  createSessionActors,
  runSessionOnLog,
  syntheticMarket,
} from "../../actors/index.ts";
import type { AnyEventDraft, EventLog } from "../../events/index.ts";
import { createGateway, type Gateway } from "../../gateway/index.ts";
import { openTestDatabase, openTestEventLog } from "../../gateway/testing/gateway-fixture.ts";
import { createLogger } from "../../infra/logging/create-logger.ts";
import { createWhatIfService } from "../../infra/replay/what-if-service.ts";
import { actorsStrategyValidator } from "../../infra/session/gateway-service.ts";
import { createSessionLauncher } from "../../infra/session/session-launcher.ts";
import { openSyntheticSession, syntheticPaperSetup } from "../../infra/testing/synthetic-session.ts";
import { createProjector } from "../../projections/index.ts";

const viteConfig = fileURLToPath(new URL("../vite.config.ts", import.meta.url));

/**
 * Builds the web UI with vite's `build()` from web/vite.config.ts into a fresh temporary directory and returns it (the
 * tests serve what the sources are now, not a stale web/dist). The caller removes it.
 */
export async function buildUi(): Promise<string> {
  if (!existsSync(viteConfig)) {
    throw new Error(`the web UI has no ${viteConfig}: the UI sources (web/) are missing from this checkout`);
  }
  const { build } = await import("vite");
  const outDir = mkdtempSync(join(tmpdir(), "cf-ui-"));
  await build({ configFile: viteConfig, logLevel: "warn", build: { outDir, emptyOutDir: true } });
  if (!existsSync(join(outDir, "index.html"))) throw new Error(`vite wrote no index.html into ${outDir}`);
  return outDir;
}

/** A decision the running session appended, and when the log acknowledged the append (Date.now()). */
export interface AckedDecision {
  readonly id: string;
  readonly bar: string;
  readonly ackedAt: number;
}

export interface UiFixtureOptions {
  /** The UI build the gateway serves (`uiDir`). */
  readonly uiDir: string;
  /** Bars the paper session runs at full speed before the pacing starts (charts and feed have something to show). */
  readonly warmupBars?: number;
  /** Bars of the recorded backtest (the what-if parent). */
  readonly backtestBars?: number;
  /** Wall-clock time between two bars after the warm-up. */
  readonly barMs?: number;
}

/** The whole system on the real services, as `cryptofunk gateway --project` with a paper session running. */
export interface UiFixture {
  /** The gateway's base URL (serving the UI at `/` and the API under /api/v1). */
  readonly url: string;
  readonly gateway: Gateway;
  readonly log: EventLog;
  /** A paper session on a synthetic market, paced so it keeps running (and can be paused) during the tests. */
  readonly sessionId: string;
  /** A finished backtest, recorded through POST /api/v1/sessions: the parent of what-if replays. */
  readonly backtestId: string;
  /** Issues a key of `role` through the gateway's key store. */
  key(role: "viewer" | "trader" | "admin"): Promise<string>;
  /** The next DecisionMade the running session appends (resolves once the log acknowledged it). */
  nextDecision(timeoutMs?: number): Promise<AckedDecision>;
  /** A JSON request to the gateway's API with `key`. */
  api<T = unknown>(
    method: "GET" | "POST",
    path: string,
    key: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  /** Why the paper session stopped early, if it did (null while it runs). */
  sessionFailure(): Error | null;
  dispose(): Promise<void>;
}

/**
 * Starts a gateway serving `uiDir` over a JetStream log and a Postgres schema of their own, with the projector running,
 * a recorded backtest, and a paper session whose feed is paced (after a warm-up, one bar every `barMs`) so that
 * decisions keep arriving while the browser watches. The session's appends go through a log that notes when each
 * DecisionMade was acknowledged, so a test can measure the time from the append to the UI.
 */
export async function startUiFixture(options: UiFixtureOptions): Promise<UiFixture> {
  const warmupBars = options.warmupBars ?? 60;
  const backtestBars = options.backtestBars ?? 120;
  const barMs = options.barMs ?? 1500;
  const database = await openTestDatabase();
  const events = await openTestEventLog();
  const log = events.log;
  const stop = new AbortController();
  const cleanups: (() => Promise<unknown>)[] = [async () => database.dispose(), async () => events.dispose()];
  const dispose = async () => {
    stop.abort();
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const projector = createProjector({ db: database.db, layout: database.layout, log });
    const projecting = projector.run();
    cleanups.push(async () => {
      await projector.stop();
      await projecting.catch(() => undefined);
    });

    const logger = createLogger("silent");
    const launcher = createSessionLauncher({ log, logger, runPaperSessions: false, liveTrading: false });
    const gateway = await createGateway({
      eventLog: log,
      db: database.db,
      readModels: database.readModels,
      config: { uiDir: options.uiDir },
      logger: false,
      strategyValidator: actorsStrategyValidator,
      launcher,
      whatIf: createWhatIfService(log),
    });
    const url = await gateway.listen({ host: "127.0.0.1", port: 0 });
    cleanups.push(async () => {
      await gateway.close();
      await launcher.idle();
    });
    const key = async (role: "viewer" | "trader" | "admin") =>
      (await gateway.apiKeys.issue({ name: `ui-${role}`, role, issuedBy: "ui-e2e" })).key;
    const api = async <T>(method: "GET" | "POST", path: string, apiKey: string, body?: unknown) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          "x-api-key": apiKey,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: (text === "" ? null : JSON.parse(text)) as T };
    };

    const admin = await key("admin");
    // The backtest first: the launcher runs it in process, synchronously, which holds up everything else in this
    // process (the paper session's hosts would time out their NATS requests meanwhile).
    const backtestId = "ui-backtest";
    const launched = await api("POST", "/api/v1/sessions", admin, {
      mode: "backtest",
      symbols: ["BTC/USDT"],
      timeframe: "1m",
      initialCash: "10000",
      source: { kind: "synthetic", ref: `seed:11;bars:${backtestBars}` },
      label: "browser-test backtest",
      sessionId: backtestId,
    });
    if (launched.status !== 202) {
      throw new Error(`the backtest was not launched: ${launched.status} ${JSON.stringify(launched.body)}`);
    }

    const sessionId = "ui-paper";
    await openSyntheticSession(log, sessionId, 7, 5000);
    const watched = watchDecisions(log);
    let failure: Error | null = null;
    const running = runSessionOnLog({
      log: watched.log,
      sessionId,
      specs: createSessionActors(syntheticPaperSetup(sessionId)),
      feed: paced(syntheticMarket({ seed: 7, bars: 5000 }), warmupBars, barMs, stop.signal),
      snapshots: createMemorySnapshotStore(),
      recordedAt: () => new Date().toISOString(),
      signal: stop.signal,
    }).then(
      () => {
        failure = new Error(`paper session ${sessionId} ended (its feed ran out)`);
      },
      (e: Error) => {
        if (!stop.signal.aborted) failure = e;
      },
    );
    cleanups.push(async () => {
      stop.abort();
      await running;
    });

    // Ready once the warm-up is through and the read models show it: the first paced decision has been projected.
    await waitUntil(
      async () => watched.count() >= warmupBars || failure !== null,
      90_000,
      "the warm-up bars",
    );
    if (failure !== null) throw failure;
    const first = await watched.next(barMs + 10_000, () => failure);
    await waitUntil(
      async () =>
        (
          await api<{ decisions: unknown[] }>(
            "GET",
            `/api/v1/sessions/${sessionId}/decisions/${first.id}`,
            admin,
          )
        ).status === 200,
      15_000,
      `decision ${first.id} to be projected`,
    );
    await waitUntil(
      async () => (await api("GET", `/api/v1/sessions/${backtestId}`, admin)).status === 200,
      15_000,
      `backtest ${backtestId} to be projected`,
    );

    return {
      url,
      gateway,
      log,
      sessionId,
      backtestId,
      key,
      nextDecision: (timeoutMs = barMs * 3 + 10_000) => watched.next(timeoutMs, () => failure),
      api,
      sessionFailure: () => failure,
      dispose,
    };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/** The feed, paced: after `warmupBars` bars, each bar waits `barMs` of wall clock (ends when `signal` aborts). */
async function* paced(
  drafts: Iterable<AnyEventDraft>,
  warmupBars: number,
  barMs: number,
  signal: AbortSignal,
): AsyncGenerator<AnyEventDraft> {
  let bars = 0;
  for (const draft of drafts) {
    if (draft.type === "CandleClosed" && ++bars > warmupBars) {
      try {
        await sleep(barMs, undefined, { signal });
      } catch {
        return;
      }
    }
    yield draft;
  }
}

/** A log that passes everything through and reports each DecisionMade once its append is acknowledged. */
function watchDecisions(inner: EventLog) {
  const waiting: ((d: AckedDecision) => void)[] = [];
  let count = 0;
  const log: EventLog = {
    root: inner.root,
    async append(subject, batch, appendOptions) {
      const result = await inner.append(subject, batch, appendOptions);
      const ackedAt = Date.now();
      for (const e of batch) {
        if (e.type !== "DecisionMade") continue;
        count++;
        const d = { id: e.id, bar: (e.data as { bar: string }).bar, ackedAt };
        for (const w of waiting.splice(0)) w(d);
      }
      return result;
    },
    read: (filter, readOptions) => inner.read(filter, readOptions),
    subscribe: (filter, subscribeOptions) => inner.subscribe(filter, subscribeOptions),
    lastSeq: (subject) => inner.lastSeq(subject),
    close: async () => undefined, // the fixture owns the real log
  };
  const next = (timeoutMs: number, failed: () => Error | null) =>
    new Promise<AckedDecision>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = waiting.indexOf(done);
        if (i >= 0) waiting.splice(i, 1);
        const why = failed();
        reject(
          new Error(
            `no decision within ${timeoutMs} ms${why === null ? "" : ` (the session failed: ${why.message})`}`,
          ),
        );
      }, timeoutMs);
      const done = (d: AckedDecision) => {
        clearTimeout(timer);
        resolve(d);
      };
      waiting.push(done);
    });
  return { log, next, count: () => count };
}

/** Polls `check` every 100 ms until it holds; throws after `timeoutMs`, naming what it waited for. */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Removes a directory buildUi() made. */
export function removeUiBuild(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
