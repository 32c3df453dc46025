import { describe, expect, it } from "vitest";
import { deciderSpec } from "../testing/decider-spec.ts";
import { barsFromCloses, fearGreed, news, specSetup } from "./agent-fixtures.ts";
import { scoreText } from "./crypto-lexicon.ts";
import { createSentimentAgentSpec } from "./sentiment-agent.ts";

const spec = createSentimentAgentSpec(specSetup());
const bar = (i: number, volume = 10) => barsFromCloses([100], { from: i, volume })[0]!;
const features = (o: unknown) => (o as { data: { features: Record<string, number | null> } }).data.features;

describe("crypto lexicon", () => {
  it("scores AFINN words plus crypto terms, mean word score ÷ 5 in [−1, 1], negation included", () => {
    expect(scoreText("Bitcoin ETF approval sends BTC to the moon")).toMatchObject({
      score: 5,
      scoredWords: 2,
      normalised: 0.5,
    });
    expect(scoreText("Exchange hacked, traders rekt").normalised).toBeCloseTo(-0.6, 12);
    expect(scoreText("not bullish").normalised).toBeCloseTo(-0.6, 12);
    expect(scoreText("Bitcoin trades sideways").normalised).toBe(0);
  });
});

describe("sentiment agent", () => {
  it("holds with confidence 0 without news or Fear & Greed", () => {
    deciderSpec(spec)
      .given()
      .when(bar(0))
      .then([
        {
          data: {
            action: "HOLD",
            confidence: 0,
            features: { ready: false, newsScore: null, fearGreed: null },
          },
        },
      ]);
  });

  it("overall = 0.6·news + 0.4·(FG − 50)/50, BUY beyond +0.3", () => {
    const { outputs } = deciderSpec(spec)
      .given(news(0, "n1", "Bitcoin ETF approval sends BTC to the moon"), fearGreed(0, 80))
      .when(bar(0));
    expect(outputs[0]).toMatchObject({ data: { action: "BUY" } });
    expect(features(outputs[0]).overall).toBeCloseTo(0.6 * 0.5 + 0.4 * 0.6, 12);
  });

  it("weights news by e^(−age_h/24) by event time and forgets items older than 72 h", () => {
    const good = news(100, "good", "Bitcoin rally, bulls bullish", 48);
    const bad = news(100, "bad", "Exchange hacked, traders rekt", 0);
    const { outputs } = deciderSpec(spec).given(good, bad).when(bar(100));
    const sGood = scoreText("Bitcoin rally, bulls bullish").normalised;
    const wGood = Math.exp(-2);
    expect(features(outputs[0]).newsScore).toBeCloseTo((wGood * sGood + 1 * -0.6) / (wGood + 1), 12);
    const old = news(100, "old", "Bitcoin rally, bulls bullish", 73);
    deciderSpec(spec)
      .given(old)
      .when(bar(100))
      .then([{ data: { action: "HOLD", confidence: 0 } }]);
  });

  it("ignores news of other currencies and duplicates, counts untagged news", () => {
    const eth = news(0, "e", "Ethereum to the moon", 0, ["ETH"]);
    const dup = news(0, "d", "Bitcoin hacked", 0);
    const general = news(0, "g", "Crypto market bullish", 0, []);
    const { outputs } = deciderSpec(spec).given(eth, dup, dup, general).when(bar(0));
    expect(features(outputs[0]).newsCount).toBe(2);
  });

  it("does not see news published after the bar's close", () => {
    const future = news(0, "f", "Bitcoin to the moon", -1);
    deciderSpec(spec)
      .given(future)
      .when(bar(0))
      .then([{ data: { action: "HOLD", confidence: 0 } }]);
  });

  it("sells on extreme fear with bad news; a missing part counts as neutral", () => {
    const { outputs } = deciderSpec(spec)
      .given(news(0, "x", "Exchange hacked, traders rekt"), fearGreed(0, 10))
      .when(bar(0));
    expect(outputs[0]).toMatchObject({ data: { action: "SELL" } });
    const fgOnly = deciderSpec(spec).given(fearGreed(0, 90)).when(bar(0, 0)).outputs[0];
    expect(features(fgOnly).overall).toBeCloseTo(0.4 * 0.8, 12);
    expect(fgOnly).toMatchObject({ data: { action: "BUY" } });
  });

  it("is neutral on news without sentiment words (flat)", () => {
    deciderSpec(spec)
      .given(news(0, "n", "Bitcoin trades sideways"))
      .when(bar(0))
      .then([{ data: { action: "HOLD", confidence: 1, features: { overall: 0 } } }]);
  });
});
