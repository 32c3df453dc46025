import {
  type ActorSpec,
  createSessionActors,
  marketFeed,
  parseStrategy,
  type SessionSetup,
  syntheticMarket,
} from "../../actors/index.ts";
import {
  type AnyEventDraft,
  type EventEnvelope,
  UnsupportedError,
  ValidationError,
} from "../../events/index.ts";
import { loadCandleFile } from "../loaders/candle-file-loader.ts";

export interface SessionPlan {
  readonly setup: SessionSetup;
  readonly specs: readonly ActorSpec[];
  readonly feed: Iterable<AnyEventDraft>;
}

/** The setup recorded in a SessionCreated event (the strategy re-validated, so an edited log cannot smuggle one in). */
export function setupFromCreated(created: EventEnvelope<"SessionCreated">): SessionSetup {
  const d = created.data;
  const symbol = d.symbols[0];
  if (symbol === undefined)
    throw new ValidationError("SessionCreated has no symbol", [{ path: "data.symbols", message: "empty" }]);
  return {
    sessionId: created.sessionId,
    mode: d.mode,
    symbol,
    timeframe: d.timeframe,
    strategy: parseStrategy(d.strategy),
    initialCash: d.initialCash,
    quoteCurrency: d.quoteCurrency,
  };
}

/** `seed:7;bars:3000` → { seed: 7, bars: 3000 }. */
export function parseSyntheticRef(ref: string): { seed: number; bars: number } {
  const fields = Object.fromEntries(ref.split(";").map((kv) => kv.split(":") as [string, string]));
  const seed = Number(fields.seed);
  const bars = Number(fields.bars);
  if (!Number.isInteger(seed) || !Number.isInteger(bars) || bars < 1) {
    throw new ValidationError(`synthetic source "${ref}" must read seed:<n>;bars:<n>`, [
      { path: "data.source.ref", message: "not seed:<n>;bars:<n>" },
    ]);
  }
  return { seed, bars };
}

/**
 * How a worker (or `cryptofunk run`) rebuilds a session from its SessionCreated: the actors from the recorded setup,
 * the feed from the recorded source (a seeded synthetic market or a candle file resampled to the timeframe).
 */
export async function planSession(created: EventEnvelope<"SessionCreated">): Promise<SessionPlan> {
  const setup = setupFromCreated(created);
  const source = created.data.source;
  let feed: Iterable<AnyEventDraft>;
  switch (source.kind) {
    case "synthetic": {
      const { seed, bars } = parseSyntheticRef(source.ref);
      feed = syntheticMarket({ seed, bars, symbol: setup.symbol, timeframe: setup.timeframe });
      break;
    }
    case "file": {
      const loaded = await loadCandleFile(source.ref);
      if (source.checksum !== undefined && loaded.report.sha256 !== source.checksum) {
        throw new ValidationError(`${source.ref} changed since the session was created (checksum differs)`, [
          { path: "data.source.checksum", message: "mismatch" },
        ]);
      }
      feed = marketFeed({ symbol: setup.symbol, timeframe: setup.timeframe, candles: loaded.candles });
      break;
    }
    default:
      throw new UnsupportedError(`sessions with a ${source.kind} source cannot be run by a worker yet`);
  }
  return { setup, specs: createSessionActors(setup), feed };
}
