import { afterEach, describe, expect, it } from "vitest";
import { createEmbeddedEventLog } from "../../events/index.ts";
import { type FakeBinanceExchange, startFakeBinanceExchange } from "../testing/fake-binance-exchange.ts";
import { expectLiveBooksAgree, runLiveScenario } from "../testing/live-session-scenario.ts";

let fake: FakeBinanceExchange | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("a live session end to end (embedded log, local Binance-format exchange)", () => {
  it("decisions become orders at the exchange, its answers become fills and positions; nothing sent twice", async () => {
    let price = "100";
    fake = await startFakeBinanceExchange({
      apiKey: "test-key",
      secret: "test-secret",
      marketPrice: () => price,
    });
    const { setup, result } = await runLiveScenario(createEmbeddedEventLog(), fake, (p) => {
      price = p;
    });
    expectLiveBooksAgree(setup, result.events, fake);
    expect(result.gateway.reason).toMatch(/session-ended|stopped/);
  }, 120_000);
});
