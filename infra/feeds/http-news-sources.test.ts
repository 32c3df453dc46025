import { afterEach, describe, expect, it } from "vitest";
import { eventCatalog } from "../../events/index.ts";
import { createCryptoPanicSource, fetchCryptoPanicNews } from "./cryptopanic-news-source.ts";
import { createFearGreedSource, fetchFearGreed } from "./fear-greed-source.ts";
import { type RecordedServer, startRecordedServer } from "./fixtures/recorded-http-server.ts";

let server: RecordedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fast = { initialDelayMs: 5, maxDelayMs: 20, timeoutMs: 2_000 };

describe("CryptoPanic-style news", () => {
  it("maps recorded posts to news items, oldest first, with vote sentiment", async () => {
    server = await startRecordedServer({ "/api/v1/posts/": "cryptopanic-posts-btc.json" });
    const items = await fetchCryptoPanicNews({
      baseUrl: server.baseUrl,
      authToken: "secret-token",
      policy: fast,
    });
    expect(server.requests).toEqual(["/api/v1/posts/?auth_token=secret-token&currencies=BTC&public=true"]);
    expect(items.map((n) => n.id)).toEqual([
      "cryptopanic-10234501",
      "cryptopanic-10234550",
      "cryptopanic-10234567",
    ]);
    expect(items[2]).toEqual({
      id: "cryptopanic-10234567",
      source: "Example News",
      title: "Bitcoin tops $51,000 as institutional buyers return",
      publishedAt: Date.UTC(2021, 1, 19, 0, 3, 12),
      currencies: ["BTC"],
      url: "https://cryptopanic.com/news/10234567/Bitcoin-tops-51000",
      providerSentiment: 0.75,
    });
    expect(items[1]).toMatchObject({ currencies: ["BTC", "ETH"], providerSentiment: -1 });
    expect(items[0]).not.toHaveProperty("providerSentiment");
    expect(items[0]?.currencies).toEqual([]);
  });

  it("emits each post once across polls, as valid NewsPublished drafts", async () => {
    server = await startRecordedServer({ "/api/v1/posts/": "cryptopanic-posts-btc.json" });
    const source = createCryptoPanicSource({
      baseUrl: server.baseUrl,
      authToken: "t",
      currencies: ["BTC", "ETH"],
      policy: fast,
    });
    const first = await source.poll(0);
    expect(first.map((d) => d.at)).toEqual([
      "2021-02-18T23:58:00.000Z",
      "2021-02-19T00:01:40.000Z",
      "2021-02-19T00:03:12.000Z",
    ]);
    for (const d of first) expect(() => eventCatalog[d.type].schema.parse(d.data)).not.toThrow();
    expect(await source.poll(0)).toEqual([]);
    expect(server.requests[0]).toContain("currencies=BTC%2CETH");
  });

  it("does not retry a refusal and keeps the token out of the error", async () => {
    let calls = 0;
    server = await startRecordedServer({
      "/api/v1/posts/": () => {
        calls += 1;
        return { status: 401, body: { status: "Incomplete", info: "Token not found" } };
      },
    });
    const run = fetchCryptoPanicNews({ baseUrl: server.baseUrl, authToken: "very-secret", policy: fast });
    await expect(run).rejects.toThrow(/auth_token=\*\*\*&currencies=BTC&public=true answered HTTP 401/);
    await expect(run).rejects.not.toThrow(/very-secret/);
    expect(calls).toBe(1);
  });

  it("retries server errors, and refuses an answer of the wrong shape", async () => {
    let calls = 0;
    server = await startRecordedServer({
      "/api/v1/posts/": () => {
        calls += 1;
        return calls < 3 ? { status: 502, body: "bad gateway" } : { body: { results: [{ id: 1 }] } };
      },
    });
    await expect(
      fetchCryptoPanicNews({ baseUrl: server.baseUrl, authToken: "t", policy: fast }),
    ).rejects.toThrow(/unexpected answer/);
    expect(calls).toBe(3);
  });
});

describe("alternative.me-style Fear & Greed", () => {
  it("reads recorded readings oldest first (timestamps in seconds)", async () => {
    server = await startRecordedServer({ "/fng/": "alternative-me-fng-limit-2.json" });
    const readings = await fetchFearGreed({ baseUrl: server.baseUrl, limit: 2, policy: fast });
    expect(server.requests).toEqual(["/fng/?limit=2"]);
    expect(readings).toEqual([
      { at: Date.UTC(2021, 1, 18), value: 81, classification: "Extreme Greed", source: "alternative.me" },
      { at: Date.UTC(2021, 1, 19), value: 79, classification: "Extreme Greed", source: "alternative.me" },
    ]);
  });

  it("emits each reading once across polls", async () => {
    server = await startRecordedServer({ "/fng/": "alternative-me-fng-limit-2.json" });
    const source = createFearGreedSource({ baseUrl: server.baseUrl, limit: 2, policy: fast });
    const first = await source.poll(0);
    expect(first.map((d) => [d.type, d.at, d.type === "FearGreedObserved" ? d.data.value : null])).toEqual([
      ["FearGreedObserved", "2021-02-18T00:00:00.000Z", 81],
      ["FearGreedObserved", "2021-02-19T00:00:00.000Z", 79],
    ]);
    expect(await source.poll(0)).toEqual([]);
  });

  it("gives up after the per-attempt timeout and its retries", async () => {
    server = await startRecordedServer({ "/fng/": () => undefined });
    const started = Date.now();
    await expect(
      fetchFearGreed({ baseUrl: server.baseUrl, policy: { timeoutMs: 150, attempts: 2, initialDelayMs: 5 } }),
    ).rejects.toThrow(/timed out/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
