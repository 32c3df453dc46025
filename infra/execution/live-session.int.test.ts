import { afterEach, describe, expect, it } from "vitest";
import { type AnyEvent, sessionFilter } from "../../events/index.ts";
import { type FakeBinanceExchange, startFakeBinanceExchange } from "../testing/fake-binance-exchange.ts";
import { expectLiveBooksAgree, runLiveScenario } from "../testing/live-session-scenario.ts";
import { openTestJetStream, type TestJetStream } from "../testing/test-jetstream.ts";
import { createExchange } from "./create-exchange.ts";
import { startLiveVenueGateway } from "./live-venue-gateway.ts";

let fake: FakeBinanceExchange | undefined;
let js: TestJetStream | undefined;
afterEach(async () => {
  await fake?.close();
  await js?.dispose();
  fake = undefined;
  js = undefined;
});

describe("a live session over JetStream (local Binance-format exchange)", () => {
  it("orders reach the exchange once each, answers come back as events, the books agree; a restarted gateway changes nothing", async () => {
    js = await openTestJetStream("live-session-int");
    let price = "100";
    fake = await startFakeBinanceExchange({
      apiKey: "test-key",
      secret: "test-secret",
      marketPrice: () => price,
    });
    const { setup, result } = await runLiveScenario(js.log, fake, (p) => {
      price = p;
    });
    expectLiveBooksAgree(setup, result.events, fake);

    // Reconciliation over the real log: every order is answered, so a new gateway sends and records nothing.
    const posts = fake.orderPosts();
    const gateway = await startLiveVenueGateway({
      log: js.log,
      sessionId: setup.sessionId,
      exchange: createExchange({
        id: "binance",
        apiKey: "test-key",
        secret: "test-secret",
        baseUrl: fake.baseUrl,
      }),
      quoteCurrency: "USDT",
      pollIntervalMs: 20,
    });
    expect(gateway.outstanding()).toBe(0);
    expect(await gateway.settled(2_000)).toBe(true);
    await gateway.stop();
    const after: AnyEvent[] = [];
    for await (const e of js.log.read(sessionFilter(js.log.root, setup.sessionId))) after.push(e);
    expect(after.map((e) => e.id)).toEqual(result.events.map((e) => e.id));
    expect(fake.orderPosts()).toBe(posts);
  }, 180_000);
});
