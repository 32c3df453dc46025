import type { Kysely } from "kysely";

// Every table carries session_id and the seq/id of the event that last wrote the row. Money, prices and quantities
// are numeric (exact; strings in JS). The migrator runs with the target schema applied (db.withSchema), so names
// here are unqualified and the same migrations build every versioned schema.

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the generated types they produce
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("sessions")
    .addColumn("session_id", "text", (c) => c.primaryKey())
    .addColumn("mode", "text", (c) => c.notNull())
    .addColumn("symbols", "jsonb", (c) => c.notNull())
    .addColumn("timeframe", "text", (c) => c.notNull())
    .addColumn("initial_cash", "numeric", (c) => c.notNull())
    .addColumn("quote_currency", "text", (c) => c.notNull())
    .addColumn("strategy", "jsonb", (c) => c.notNull())
    .addColumn("strategy_version", "text", (c) => c.notNull())
    .addColumn("source", "jsonb", (c) => c.notNull())
    .addColumn("parent_session_id", "text")
    .addColumn("label", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("status_reason", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull())
    .addColumn("started_at", "timestamptz")
    .addColumn("stopped_at", "timestamptz")
    .addColumn("final_equity", "numeric")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sessions_created_idx").on("sessions").columns(["created_at"]).execute();
  await db.schema
    .createIndex("sessions_status_idx")
    .on("sessions")
    .columns(["status", "created_at"])
    .execute();

  await db.schema
    .createTable("candles")
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("symbol", "text", (c) => c.notNull())
    .addColumn("timeframe", "text", (c) => c.notNull())
    .addColumn("open_time", "timestamptz", (c) => c.notNull())
    .addColumn("close_time", "timestamptz", (c) => c.notNull())
    .addColumn("open", "numeric", (c) => c.notNull())
    .addColumn("high", "numeric", (c) => c.notNull())
    .addColumn("low", "numeric", (c) => c.notNull())
    .addColumn("close", "numeric", (c) => c.notNull())
    .addColumn("volume", "numeric", (c) => c.notNull())
    .addColumn("source_bars", "integer", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("candles_pk", ["session_id", "symbol", "timeframe", "close_time"])
    .execute();
  await db.schema.createIndex("candles_event_idx").on("candles").columns(["event_id"]).execute();

  await db.schema
    .createTable("signals")
    .addColumn("signal_id", "text", (c) => c.primaryKey())
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("agent", "text", (c) => c.notNull())
    .addColumn("symbol", "text", (c) => c.notNull())
    .addColumn("timeframe", "text", (c) => c.notNull())
    .addColumn("bar", "timestamptz", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("confidence", "double precision", (c) => c.notNull())
    .addColumn("reasoning", "text", (c) => c.notNull())
    .addColumn("features", "jsonb", (c) => c.notNull())
    .addColumn("veto", "boolean", (c) => c.notNull())
    .addColumn("at", "timestamptz", (c) => c.notNull())
    .addColumn("correlation_id", "text", (c) => c.notNull())
    .addColumn("causation_id", "text")
    .addColumn("seq", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("signals_session_bar_idx")
    .on("signals")
    .columns(["session_id", "bar"])
    .execute();
  await db.schema
    .createIndex("signals_session_agent_idx")
    .on("signals")
    .columns(["session_id", "agent", "bar"])
    .execute();

  await db.schema
    .createTable("decisions")
    .addColumn("decision_id", "text", (c) => c.primaryKey())
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("symbol", "text", (c) => c.notNull())
    .addColumn("timeframe", "text", (c) => c.notNull())
    .addColumn("bar", "timestamptz", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("consensus", "double precision", (c) => c.notNull())
    .addColumn("score_buy", "double precision", (c) => c.notNull())
    .addColumn("score_sell", "double precision", (c) => c.notNull())
    .addColumn("score_hold", "double precision", (c) => c.notNull())
    .addColumn("missing", "jsonb", (c) => c.notNull())
    .addColumn("price", "numeric", (c) => c.notNull())
    .addColumn("rule_version", "text", (c) => c.notNull())
    .addColumn("reasoning", "text", (c) => c.notNull())
    .addColumn("at", "timestamptz", (c) => c.notNull())
    .addColumn("correlation_id", "text", (c) => c.notNull())
    .addColumn("causation_id", "text")
    .addColumn("seq", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("decisions_session_bar_idx")
    .on("decisions")
    .columns(["session_id", "bar"])
    .execute();
  await db.schema
    .createIndex("decisions_session_action_idx")
    .on("decisions")
    .columns(["session_id", "action", "bar"])
    .execute();
  await db.schema
    .createIndex("decisions_correlation_idx")
    .on("decisions")
    .columns(["correlation_id"])
    .execute();

  await db.schema
    .createTable("decision_votes")
    .addColumn("decision_id", "text", (c) => c.notNull())
    .addColumn("agent", "text", (c) => c.notNull())
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("confidence", "double precision", (c) => c.notNull())
    .addColumn("weight", "double precision", (c) => c.notNull())
    .addColumn("signal_id", "text", (c) => c.notNull())
    .addColumn("veto", "boolean", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("decision_votes_pk", ["decision_id", "agent"])
    .execute();
  await db.schema
    .createIndex("decision_votes_signal_idx")
    .on("decision_votes")
    .columns(["signal_id"])
    .execute();

  await db.schema
    .createTable("risk_verdicts")
    .addColumn("verdict_id", "text", (c) => c.primaryKey())
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("decision_id", "text", (c) => c.notNull())
    .addColumn("verdict", "text", (c) => c.notNull())
    .addColumn("symbol", "text", (c) => c.notNull())
    .addColumn("action", "text")
    .addColumn("side", "text")
    .addColumn("quantity", "numeric")
    .addColumn("price", "numeric")
    .addColumn("notional", "numeric")
    .addColumn("reduce_only", "boolean")
    .addColumn("sizing", "jsonb")
    .addColumn("stop_loss", "numeric")
    .addColumn("take_profit", "numeric")
    .addColumn("trailing_pct", "double precision")
    .addColumn("checks", "jsonb", (c) => c.notNull())
    .addColumn("trading_state", "text")
    .addColumn("at", "timestamptz", (c) => c.notNull())
    .addColumn("correlation_id", "text", (c) => c.notNull())
    .addColumn("causation_id", "text")
    .addColumn("seq", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("risk_verdicts_decision_idx")
    .on("risk_verdicts")
    .columns(["decision_id"])
    .execute();
  await db.schema
    .createIndex("risk_verdicts_session_at_idx")
    .on("risk_verdicts")
    .columns(["session_id", "at"])
    .execute();

  await db.schema
    .createTable("orders")
    .addColumn("order_id", "text", (c) => c.primaryKey())
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("client_order_id", "text", (c) => c.notNull())
    .addColumn("decision_id", "text")
    .addColumn("parent_order_id", "text")
    .addColumn("symbol", "text", (c) => c.notNull())
    .addColumn("side", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("quantity", "numeric", (c) => c.notNull())
    .addColumn("limit_price", "numeric")
    .addColumn("stop_price", "numeric")
    .addColumn("trailing_pct", "double precision")
    .addColumn("reduce_only", "boolean", (c) => c.notNull())
    .addColumn("venue", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("venue_order_id", "text")
    .addColumn("filled_quantity", "numeric", (c) => c.notNull())
    .addColumn("status_reason", "text")
    .addColumn("submitted_at", "timestamptz", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addColumn("submitted_event_id", "text", (c) => c.notNull())
    .addColumn("correlation_id", "text", (c) => c.notNull())
    .addColumn("causation_id", "text")
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("orders_session_at_idx")
    .on("orders")
    .columns(["session_id", "submitted_at"])
    .execute();
  await db.schema.createIndex("orders_client_idx").on("orders").columns(["client_order_id"]).execute();
  await db.schema.createIndex("orders_decision_idx").on("orders").columns(["decision_id"]).execute();
  await db.schema.createIndex("orders_correlation_idx").on("orders").columns(["correlation_id"]).execute();

  await db.schema
    .createTable("fills")
    .addColumn("fill_id", "text", (c) => c.primaryKey())
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("order_id", "text", (c) => c.notNull())
    .addColumn("client_order_id", "text", (c) => c.notNull())
    .addColumn("symbol", "text", (c) => c.notNull())
    .addColumn("side", "text", (c) => c.notNull())
    .addColumn("price", "numeric", (c) => c.notNull())
    .addColumn("quantity", "numeric", (c) => c.notNull())
    .addColumn("fee", "numeric", (c) => c.notNull())
    .addColumn("fee_currency", "text", (c) => c.notNull())
    .addColumn("liquidity", "text", (c) => c.notNull())
    .addColumn("cumulative_quantity", "numeric", (c) => c.notNull())
    .addColumn("remaining_quantity", "numeric", (c) => c.notNull())
    .addColumn("partial", "boolean", (c) => c.notNull())
    .addColumn("fill_model", "text", (c) => c.notNull())
    .addColumn("at", "timestamptz", (c) => c.notNull())
    .addColumn("correlation_id", "text", (c) => c.notNull())
    .addColumn("causation_id", "text")
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("fills_order_idx").on("fills").columns(["order_id"]).execute();
  await db.schema.createIndex("fills_session_at_idx").on("fills").columns(["session_id", "at"]).execute();

  await db.schema
    .createTable("positions")
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("symbol", "text", (c) => c.notNull())
    .addColumn("quantity", "numeric", (c) => c.notNull())
    .addColumn("average_price", "numeric", (c) => c.notNull())
    .addColumn("realized_pnl", "numeric", (c) => c.notNull())
    .addColumn("cash", "numeric", (c) => c.notNull())
    .addColumn("fill_id", "text", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("positions_pk", ["session_id", "symbol"])
    .execute();

  await db.schema
    .createTable("trades")
    .addColumn("trade_id", "text", (c) => c.primaryKey())
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("symbol", "text", (c) => c.notNull())
    .addColumn("side", "text", (c) => c.notNull())
    .addColumn("entry_price", "numeric", (c) => c.notNull())
    .addColumn("exit_price", "numeric", (c) => c.notNull())
    .addColumn("quantity", "numeric", (c) => c.notNull())
    .addColumn("pnl", "numeric", (c) => c.notNull())
    .addColumn("opened_at", "timestamptz", (c) => c.notNull())
    .addColumn("closed_at", "timestamptz", (c) => c.notNull())
    .addColumn("fill_id", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("trades_session_closed_idx")
    .on("trades")
    .columns(["session_id", "closed_at"])
    .execute();

  await db.schema
    .createTable("equity")
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("bar", "timestamptz", (c) => c.notNull())
    .addColumn("cash", "numeric", (c) => c.notNull())
    .addColumn("equity", "numeric", (c) => c.notNull())
    .addColumn("peak_equity", "numeric", (c) => c.notNull())
    .addColumn("drawdown", "double precision", (c) => c.notNull())
    .addColumn("exposure", "numeric", (c) => c.notNull())
    .addColumn("realized_pnl", "numeric", (c) => c.notNull())
    .addColumn("unrealized_pnl", "numeric", (c) => c.notNull())
    .addColumn("fees", "numeric", (c) => c.notNull())
    .addColumn("positions", "jsonb", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("equity_pk", ["session_id", "bar"])
    .execute();

  await db.schema
    .createTable("agent_status")
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("agent", "text", (c) => c.notNull())
    .addColumn("signal_id", "text", (c) => c.notNull())
    .addColumn("bar", "timestamptz", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("confidence", "double precision", (c) => c.notNull())
    .addColumn("reasoning", "text", (c) => c.notNull())
    .addColumn("ready", "boolean", (c) => c.notNull())
    .addColumn("signals", "integer", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("agent_status_pk", ["session_id", "agent"])
    .execute();

  await db.schema
    .createTable("trading_state")
    .addColumn("session_id", "text", (c) => c.primaryKey())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("previous", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("at", "timestamptz", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("circuit_breakers")
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("breaker", "text", (c) => c.notNull())
    .addColumn("tripped", "boolean", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("value", "text")
    .addColumn("threshold", "text")
    .addColumn("until", "timestamptz")
    .addColumn("trips", "integer", (c) => c.notNull())
    .addColumn("at", "timestamptz", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("circuit_breakers_pk", ["session_id", "breaker"])
    .execute();

  await db.schema
    .createTable("audit_trail")
    .addColumn("audit_id", "text", (c) => c.primaryKey())
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("actor", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("details", "jsonb", (c) => c.notNull())
    .addColumn("at", "timestamptz", (c) => c.notNull())
    .addColumn("recorded_at", "timestamptz", (c) => c.notNull())
    .addColumn("correlation_id", "text", (c) => c.notNull())
    .addColumn("causation_id", "text")
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("audit_session_at_idx")
    .on("audit_trail")
    .columns(["session_id", "at"])
    .execute();
  await db.schema
    .createIndex("audit_correlation_idx")
    .on("audit_trail")
    .columns(["correlation_id"])
    .execute();
  await db.schema.createIndex("audit_kind_idx").on("audit_trail").columns(["kind", "at"]).execute();

  await db.schema
    .createTable("dead_letters")
    .addColumn("dead_letter_id", "text", (c) => c.primaryKey())
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("original_subject", "text", (c) => c.notNull())
    .addColumn("original_seq", "bigint")
    .addColumn("refused_by", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("payload_bytes", "integer", (c) => c.notNull())
    .addColumn("at", "timestamptz", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("dead_letters_session_idx")
    .on("dead_letters")
    .columns(["session_id", "seq"])
    .execute();

  await db.schema
    .createTable("feedback")
    .addColumn("feedback_id", "text", (c) => c.primaryKey())
    .addColumn("session_id", "text", (c) => c.notNull())
    .addColumn("decision_id", "text", (c) => c.notNull())
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("rating", "integer", (c) => c.notNull())
    .addColumn("comment", "text")
    .addColumn("tags", "jsonb", (c) => c.notNull())
    .addColumn("at", "timestamptz", (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("feedback_decision_idx").on("feedback").columns(["decision_id"]).execute();

  await db.schema
    .createTable("projection_checkpoints")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("last_seq", "bigint", (c) => c.notNull())
    .addColumn("events_applied", "bigint", (c) => c.notNull())
    .addColumn("dead_lettered", "bigint", (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of readModelTables.toReversed()) await db.schema.dropTable(table).ifExists().execute();
}

const readModelTables = [
  "sessions",
  "candles",
  "signals",
  "decisions",
  "decision_votes",
  "risk_verdicts",
  "orders",
  "fills",
  "positions",
  "trades",
  "equity",
  "agent_status",
  "trading_state",
  "circuit_breakers",
  "audit_trail",
  "dead_letters",
  "feedback",
  "projection_checkpoints",
] as const;
