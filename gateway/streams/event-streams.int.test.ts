import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnyEventDraft } from "../../events/index.ts";
import { type GatewayFixture, startGatewayFixture } from "../testing/gateway-fixture.ts";
import { appendDrafts, seedAt, seedSession } from "../testing/seed-session.ts";
import { openWebSocket, readSse, type SseMessage } from "../testing/stream-clients.ts";

let f: GatewayFixture;
let viewer: string;
beforeAll(async () => {
  f = await startGatewayFixture({
    deps: { config: { heartbeatMs: 150, streamMaxBufferedBytes: 64 * 1024, streamDrainTimeoutMs: 300 } },
  });
  viewer = await f.key("viewer");
});
afterAll(async () => {
  await f?.dispose();
});

const paused = (reason: string): AnyEventDraft => ({ type: "SessionPaused", data: { reason }, at: seedAt });
const resumed = (reason: string): AnyEventDraft => ({ type: "SessionResumed", data: { reason }, at: seedAt });
const news = (i: number, bytes: number): AnyEventDraft => ({
  type: "NewsPublished",
  data: {
    newsId: `n${i}`,
    source: "test",
    title: `headline ${i}`,
    body: "x".repeat(bytes),
    publishedAt: seedAt,
    currencies: ["BTC"],
  },
  at: seedAt,
});
const events = (messages: readonly SseMessage[]) => messages.filter((m) => m.id !== undefined);

describe("SSE", () => {
  it("filters by type, resumes from Last-Event-ID or `from`, carries live events and heartbeats", async () => {
    const sessionId = "sse-1";
    await seedSession(f.log, sessionId);
    await appendDrafts(f.log, sessionId, "session", [paused("a"), resumed("b"), paused("c")]);
    const url = `${f.url}/api/v1/sessions/${sessionId}/events?types=SessionPaused,SessionResumed`;
    const first = await fetch(url, { headers: { "x-api-key": viewer } });
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toMatch(/text\/event-stream/);
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
    const seen = await readSse(first, (m) => events(m).length >= 3 && m.some((x) => x.event === "heartbeat"));
    const got = events(seen);
    expect(got.map((m) => m.event)).toEqual(["SessionPaused", "SessionResumed", "SessionPaused"]);
    expect(got.map((m) => JSON.parse(m.data).data.reason)).toEqual(["a", "b", "c"]);
    const ids = got.map((m) => Number(m.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    // Resume after the second: only the third, then a live one appended after connecting.
    const resume = await fetch(url, { headers: { "x-api-key": viewer, "last-event-id": String(ids[1]) } });
    setTimeout(() => void appendDrafts(f.log, sessionId, "session", [resumed("live")]), 200);
    const tail = events(await readSse(resume, (m) => events(m).length >= 2));
    expect(tail.map((m) => JSON.parse(m.data).data.reason)).toEqual(["c", "live"]);

    const from = await fetch(`${url}&from=${ids[2]}`, { headers: { "x-api-key": viewer } });
    const fromTail = events(await readSse(from, (m) => events(m).length >= 2));
    expect(fromTail.map((m) => JSON.parse(m.data).data.reason)).toEqual(["c", "live"]);
  });

  it("refuses unknown types (400), unknown sessions (404) and missing keys (401)", async () => {
    await seedSession(f.log, "sse-2");
    const h = { "x-api-key": viewer };
    expect((await fetch(`${f.url}/api/v1/sessions/sse-2/events?types=Nope`, { headers: h })).status).toBe(
      400,
    );
    expect((await fetch(`${f.url}/api/v1/sessions/none/events`, { headers: h })).status).toBe(404);
    expect((await fetch(`${f.url}/api/v1/sessions/sse-2/events`)).status).toBe(401);
  });

  it("drops a client that stops reading, with an `error` event naming the reason, and frees the stream", async () => {
    const sessionId = "sse-slow";
    await seedSession(f.log, sessionId);
    const before = await f.app.inject("/metrics");
    const chunks: Buffer[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      const req = httpRequest(
        `${f.url}/api/v1/sessions/${sessionId}/events`,
        { headers: { "x-api-key": viewer } },
        (res) => {
          res.pause();
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", resolve);
          res.on("error", reject);
          // Stop reading while ~24 MB are appended (more than the kernel buffers hold), then read what is left.
          setTimeout(() => res.resume(), 2500);
        },
      );
      req.on("error", reject);
      req.end();
    });
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 40; i += 5) {
      await appendDrafts(
        f.log,
        sessionId,
        "feed",
        [0, 1, 2, 3, 4].map((k) => news(i + k, 600_000)),
      );
    }
    await ended;
    const text = Buffer.concat(chunks).toString("utf8");
    const last = text.trimEnd().split("\n\n").at(-1) ?? "";
    expect(last).toContain("event: error");
    expect(JSON.parse(last.split("data: ")[1]!).reason).toBe("slow_consumer");
    // Fewer events reached the client than were appended: the gateway stopped, it did not buffer them all.
    expect((text.match(/event: NewsPublished/g) ?? []).length).toBeLessThan(40);
    const metrics = (await f.app.inject("/metrics")).body;
    expect(metrics).toMatch(
      /cryptofunk_gateway_dropped_streams_total\{kind="sse",reason="slow_consumer"\} 1/,
    );
    expect(before.body).not.toMatch(/dropped_streams_total\{kind="sse"/);
  });
});

describe("WebSocket", () => {
  it("streams filtered events from a sequence, then live, with heartbeats", async () => {
    const sessionId = "ws-1";
    await seedSession(f.log, sessionId);
    const [s1] = await appendDrafts(f.log, sessionId, "session", [paused("a"), resumed("b")]);
    const ws = openWebSocket(
      `${f.url.replace("http", "ws")}/api/v1/sessions/${sessionId}/ws?types=SessionPaused,SessionResumed&from=${s1! + 1}`,
      { "x-api-key": viewer },
    );
    const messages: { kind: string; event?: { data: { reason: string } } }[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on("error", reject);
      ws.on("open", () => void appendDrafts(f.log, sessionId, "session", [paused("live")]));
      ws.on("message", (data) => {
        messages.push(JSON.parse(data.toString()));
        const reasons = messages.flatMap((m) => (m.kind === "event" ? [m.event!.data.reason] : []));
        if (reasons.length >= 2 && messages.some((m) => m.kind === "heartbeat")) resolve();
      });
    });
    ws.close();
    expect(messages.flatMap((m) => (m.kind === "event" ? [m.event!.data.reason] : []))).toEqual([
      "b",
      "live",
    ]);
  });

  it("refuses the upgrade without a key (401)", async () => {
    await seedSession(f.log, "ws-2");
    const ws = openWebSocket(`${f.url.replace("http", "ws")}/api/v1/sessions/ws-2/ws`);
    const status = await new Promise<number>((resolve) => {
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode));
      ws.on("error", () => undefined);
    });
    expect(status).toBe(401);
    ws.terminate();
  });

  it("closes a slow client with 1008 and the reason", async () => {
    const sessionId = "ws-slow";
    await seedSession(f.log, sessionId);
    const ws = openWebSocket(`${f.url.replace("http", "ws")}/api/v1/sessions/${sessionId}/ws`, {
      "x-api-key": viewer,
    });
    const closed = new Promise<{ code: number; reason: string }>((resolve, reject) => {
      ws.on("error", reject);
      ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    await new Promise<void>((resolve) => ws.on("open", resolve));
    ws.pause();
    for (let i = 0; i < 40; i += 5) {
      await appendDrafts(
        f.log,
        sessionId,
        "feed",
        [0, 1, 2, 3, 4].map((k) => news(i + k, 600_000)),
      );
    }
    await new Promise((r) => setTimeout(r, 2500));
    ws.resume();
    const { code, reason } = await closed;
    expect(code).toBe(1008);
    expect(reason).toMatch(/^slow_consumer/);
  });
});
