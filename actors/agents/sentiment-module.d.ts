// The `sentiment` package ships no types: the part of its API the sentiment agent uses.
declare module "sentiment" {
  interface AnalysisResult {
    score: number;
    comparative: number;
    words: string[];
    positive: string[];
    negative: string[];
    tokens: string[];
  }
  interface Language {
    labels: Record<string, number>;
    scoringStrategy?: unknown;
  }
  class Sentiment {
    analyze(phrase: string, options?: { language?: string; extras?: Record<string, number> }): AnalysisResult;
    registerLanguage(code: string, language: Language): void;
  }
  export = Sentiment;
}
