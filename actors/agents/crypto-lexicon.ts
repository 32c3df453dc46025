import { createRequire } from "node:module";
import Sentiment from "sentiment";

/**
 * Crypto terms the AFINN-165 lexicon lacks or scores for another sense (AFINN scale −5…+5). Single tokens: the
 * library's tokenizer splits on spaces, so "ETF approval" scores through AFINN's own "approval" (+2).
 */
export const cryptoTerms: Readonly<Record<string, number>> = {
  moon: 3,
  mooning: 3,
  hodl: 2,
  bullish: 3,
  bull: 2,
  rally: 2,
  rallies: 2,
  surge: 2,
  surges: 2,
  soar: 3,
  soars: 3,
  breakout: 2,
  adoption: 2,
  inflows: 2,
  ath: 3,
  upgrade: 1,
  partnership: 1,
  recovery: 1,
  bearish: -3,
  bear: -2,
  rekt: -3,
  hack: -3,
  hacked: -3,
  exploit: -3,
  exploited: -3,
  rug: -4,
  rugpull: -4,
  dump: -2,
  dumps: -2,
  plunge: -3,
  plunges: -3,
  selloff: -2,
  outflows: -2,
  liquidated: -2,
  liquidations: -2,
  delisted: -3,
  delist: -3,
  halted: -2,
  theft: -3,
  insolvent: -4,
};

const languageCode = "en-crypto";
const require = createRequire(import.meta.url);
const english = require("sentiment/languages/en/index.js") as {
  labels: Record<string, number>;
  scoringStrategy: unknown;
};
const analyzer = new Sentiment();
// A private copy of the English table plus the crypto terms: the library's `extras` option would merge them into
// its shared English table for the whole process, so other users of the library could change our scores or we theirs.
analyzer.registerLanguage(languageCode, {
  labels: { ...english.labels, ...cryptoTerms },
  scoringStrategy: english.scoringStrategy,
});

/** A text's lexicon score: the sum of word scores, the number of scored words, and their mean ÷ 5 in [−1, 1]. */
export interface TextSentiment {
  readonly score: number;
  readonly scoredWords: number;
  readonly normalised: number;
  readonly positive: readonly string[];
  readonly negative: readonly string[];
}

/** Scores a text with AFINN-165 plus `cryptoTerms` (negation handled by the library: "not bullish" scores −3). */
export function scoreText(text: string): TextSentiment {
  const r = analyzer.analyze(text, { language: languageCode });
  const scoredWords = r.words.length;
  const normalised = scoredWords > 0 ? Math.max(-1, Math.min(1, r.score / (5 * scoredWords))) : 0;
  return { score: r.score, scoredWords, normalised, positive: r.positive, negative: r.negative };
}
