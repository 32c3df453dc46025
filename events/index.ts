// The language of CryptoFunk: the public surface of events/. Other modules import from here, never from deep files.

export { canonicalJson } from "./canonical/canonical-json.ts";
export { normaliseEvent } from "./canonical/normalise-event.ts";
export { canonicalOrder, normaliseSession, sessionHash } from "./canonical/session-hash.ts";
export type { CatalogEntry, EventCatalog, EventData, EventType, Upcaster } from "./catalog/event-catalog.ts";
export { eventCatalog, eventTypes, isEventType } from "./catalog/event-catalog.ts";
export type { AgentName, SessionMode, Side, Timeframe, TradeAction } from "./catalog/primitives.ts";
export {
  agentName,
  agentNames,
  bookLevel,
  decimalString,
  features,
  isoInstant,
  sessionMode,
  side,
  symbol,
  timeframe,
  timeframeMs,
  timeframes,
  token,
  tradeAction,
  unsignedDecimalString,
} from "./catalog/primitives.ts";
export type { ControlCommand, SessionStatus } from "./catalog/session-events.ts";
export { controlCommand, sessionCreated, sessionStatus } from "./catalog/session-events.ts";
export { apiRole } from "./catalog/system-events.ts";
export {
  decisionMade,
  orderType,
  riskCheck,
  signalEmitted,
  tradingState,
  vote,
} from "./catalog/trading-events.ts";
export type { DecodeResult, EncodedEvent } from "./codec/event-codec.ts";
export {
  decodeEvent,
  encodeEvent,
  eventHeaders,
  maxEventBytes,
  upcast,
  validateNewEvent,
} from "./codec/event-codec.ts";
export type { AnyEvent, AnyNewEvent, EventEnvelope, NewEvent, Writer } from "./envelope/event-envelope.ts";
export { envelopeSchema } from "./envelope/event-envelope.ts";
export type { ErrorCode, ErrorOptions, ValidationIssue } from "./errors/cryptofunk-error.ts";
export {
  ConcurrencyError,
  ConfigError,
  CorruptError,
  CryptoFunkError,
  errorCodes,
  FencedError,
  hasErrorCode,
  issuesFromZod,
  NotFoundError,
  UnavailableError,
  UnsupportedError,
  ValidationError,
} from "./errors/cryptofunk-error.ts";
export type { AnyEventDraft, Cause, EventContext, EventDraft } from "./factory/create-event.ts";
export { createEvent, createEvents } from "./factory/create-event.ts";
export { clientOrderId, deterministicId, eventId } from "./ids/deterministic-id.ts";
export type { EmbeddedEventLogOptions, RecoveryReport } from "./log/embedded-event-log.ts";
export { createEmbeddedEventLog, EmbeddedEventLog } from "./log/embedded-event-log.ts";
export type {
  AppendOptions,
  AppendResult,
  EventLog,
  EventSubscription,
  InvalidMessage,
  ReadOptions,
  SubscribeOptions,
} from "./log/event-log.ts";
export type { JetStreamEventLogOptions } from "./log/jetstream-event-log.ts";
export { createJetStreamEventLog, JetStreamEventLog } from "./log/jetstream-event-log.ts";
export type { NatsCapability } from "./log/nats-capabilities.ts";
export {
  compareServerVersions,
  hasCapability,
  natsCapabilities,
  requireCapability,
} from "./log/nats-capabilities.ts";
export {
  assertToken,
  auditSubject,
  deadLetterSubject,
  parseSubject,
  rootFilter,
  sessionFilter,
  subjectFor,
  subjectMatches,
} from "./subjects/subjects.ts";
export { sampleCandle } from "./testing/sample-candle.ts";
