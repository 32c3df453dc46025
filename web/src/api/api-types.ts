// The API's wire shapes the UI reads (gateway/routes/read-schemas.ts and the what-if routes): decimal strings for
// money, prices and quantities, ISO-8601 instants.

export type Role = "viewer" | "trader" | "admin";
export type Action = "BUY" | "SELL" | "HOLD";

export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}
export interface Items<T> {
  readonly items: readonly T[];
}

export interface Me {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
}

export interface Session {
  readonly sessionId: string;
  readonly mode: string;
  readonly symbols: readonly string[];
  readonly timeframe: string;
  readonly initialCash: string;
  readonly quoteCurrency: string;
  readonly strategy: unknown;
  readonly strategyVersion: string;
  readonly parentSessionId: string | null;
  readonly label: string | null;
  readonly status: string;
  readonly statusReason: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly stoppedAt: string | null;
  readonly finalEquity: string | null;
  readonly seq: number;
}

export interface Vote {
  readonly agent: string;
  readonly action: string;
  readonly confidence: number;
  readonly weight: number;
  readonly signalId: string;
  readonly veto?: boolean;
}

export interface Decision {
  readonly decisionId: string;
  readonly sessionId: string;
  readonly symbol: string;
  readonly timeframe: string;
  readonly bar: string;
  readonly action: string;
  readonly consensus: number;
  readonly scores: { readonly BUY: number; readonly SELL: number; readonly HOLD: number };
  readonly missing: readonly string[];
  readonly price: string;
  readonly reasoning: string;
  readonly at: string;
  readonly seq: number;
  /** Present on the one-decision route and on decisions built from a stream event. */
  readonly votes?: readonly Vote[];
}

export interface Verdict {
  readonly verdictId: string;
  readonly decisionId: string;
  readonly verdict: "approved" | "rejected";
  readonly side: string | null;
  readonly quantity: string | null;
  readonly price: string | null;
  readonly notional: string | null;
  readonly stopLoss: string | null;
  readonly takeProfit: string | null;
  readonly trailingPct: number | null;
  readonly checks: unknown;
  readonly tradingState: string | null;
  readonly at: string;
}

export interface Feedback {
  readonly keyId: string;
  readonly rating: number;
  readonly comment: string | null;
  readonly tags: readonly string[];
  readonly at: string;
}

export interface DecisionDetail extends Decision {
  readonly votes: readonly Vote[];
  readonly verdict: Verdict | null;
  readonly feedback: readonly Feedback[];
}

export interface Signal {
  readonly signalId: string;
  readonly agent: string;
  readonly bar: string;
  readonly action: string;
  readonly confidence: number;
  readonly reasoning: string;
  readonly features: Readonly<Record<string, unknown>>;
  readonly veto: boolean;
  readonly seq: number;
}

export interface Order {
  readonly orderId: string;
  readonly decisionId: string | null;
  readonly parentOrderId: string | null;
  readonly symbol: string;
  readonly side: string;
  readonly type: string;
  readonly quantity: string;
  readonly limitPrice: string | null;
  readonly stopPrice: string | null;
  readonly trailingPct: number | null;
  readonly status: string;
  readonly filledQuantity: string;
  readonly statusReason: string | null;
  readonly submittedAt: string;
  readonly updatedAt: string;
  readonly seq: number;
}

export interface Fill {
  readonly fillId: string;
  readonly orderId: string;
  readonly symbol: string;
  readonly side: string;
  readonly price: string;
  readonly quantity: string;
  readonly fee: string;
  readonly feeCurrency: string;
  readonly at: string;
  readonly seq: number;
}

export interface Bar {
  readonly symbol: string;
  readonly timeframe: string;
  readonly openTime: string;
  readonly closeTime: string;
  readonly open: string;
  readonly high: string;
  readonly low: string;
  readonly close: string;
  readonly volume: string;
  readonly seq: number;
}

export interface Position {
  readonly symbol: string;
  readonly quantity: string;
  readonly averagePrice: string;
  readonly realizedPnl: string;
  readonly updatedAt: string;
  readonly seq: number;
}

export interface EquityPoint {
  readonly bar: string;
  readonly equity: string;
  readonly drawdown: number;
  readonly seq: number;
}

export interface Metrics {
  readonly sessionId: string;
  readonly initialCash: string | null;
  readonly equity: string | null;
  readonly totalReturn: string | null;
  readonly maxDrawdown: number;
  readonly realizedPnl: string | null;
  readonly fees: string | null;
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly winRate: number;
  readonly decisions: { readonly BUY: number; readonly SELL: number; readonly HOLD: number };
}

export interface AgentStatus {
  readonly agent: string;
  readonly bar: string;
  readonly action: string;
  readonly confidence: number;
  readonly reasoning: string;
  readonly ready: boolean;
  readonly signals: number;
  readonly seq: number;
}

export interface Breaker {
  readonly breaker: string;
  readonly tripped: boolean;
  readonly reason: string;
  readonly until: string | null;
  readonly trips: number;
  readonly seq: number;
}

export interface TradingState {
  readonly sessionId: string;
  readonly state: string;
  readonly reason: string | null;
  readonly since: string | null;
  readonly breakers: readonly Breaker[];
}

export interface OrderExplanation {
  readonly order: Order;
  readonly fills: readonly Fill[];
  readonly parent: Order | null;
  readonly verdict: Verdict | null;
  readonly decision: Decision | null;
  readonly votes: readonly (Vote & { readonly signal: Signal | null; readonly bar: Bar | null })[];
  readonly chain: readonly string[];
}

export interface CommandAccepted {
  readonly sessionId: string;
  readonly commandId: string;
  readonly command: string;
  readonly status: string;
}

export interface CommandStatus {
  readonly commandId: string;
  readonly command: string;
  readonly state: "pending" | "accepted" | "rejected";
  readonly outcome?: { readonly from?: string; readonly to?: string; readonly reason?: string };
}

export interface ComparisonSide {
  readonly sessionId: string | null;
  readonly decisions: { readonly BUY: number; readonly SELL: number; readonly HOLD: number };
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly pnl: string;
  readonly finalEquity: string;
  readonly fees: string;
  readonly maxDrawdown: number;
  readonly winRate: number | null;
  readonly profitFactor: number | null;
}

export interface ChangedDecision {
  readonly bar: string;
  readonly parent: string | null;
  readonly child: string | null;
  readonly parentConsensus: number | null;
  readonly childConsensus: number | null;
}

export interface Comparison {
  readonly sessionId: string;
  readonly parentSessionId: string;
  readonly comparison: {
    readonly parent: ComparisonSide;
    readonly child: ComparisonSide;
    readonly decisionsCompared: number;
    readonly decisionsChanged: { readonly count: number; readonly list: readonly ChangedDecision[] };
    readonly sameTrades: boolean;
  };
}

/** One event as the stream carries it (events/envelope). */
export interface EventEnvelope {
  readonly id: string;
  readonly type: string;
  readonly sessionId: string;
  readonly seq: number;
  readonly at: string;
  readonly data: Record<string, unknown>;
}
