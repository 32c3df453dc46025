import { createHash } from "node:crypto";
import { type AnyEvent, canonicalJson, normaliseEvent } from "../../events/index.ts";
import { inLogOrder, isOutputEvent } from "./recorded-inputs.ts";

/** One field that differs between the recording and the replay (`undefined` side: the field is absent there). */
export interface FieldDiff {
  /** Dotted path in the normalised event (`data.quantity`, `data.votes[2].action`). */
  readonly path: string;
  readonly recorded: unknown;
  readonly replayed: unknown;
}

/** The first output event that differs, named by its writer and position among that writer's outputs. */
export interface Divergence {
  /** `risk#12`: the 13th event the risk engine wrote. */
  readonly position: string;
  readonly writer: string;
  readonly recorded: { readonly id: string; readonly type: string; readonly at: string } | null;
  readonly replayed: { readonly id: string; readonly type: string; readonly at: string } | null;
  /** "differs" (both exist), "missing" (the replay did not write it), "extra" (only the replay wrote it). */
  readonly kind: "differs" | "missing" | "extra";
  readonly diffs: readonly FieldDiff[];
}

export interface ReplayVerdict {
  readonly match: boolean;
  /** Output events compared (the recording's). */
  readonly compared: number;
  /** outputsHash of the recording's output events, and of the replay's: equal when they match. */
  readonly recordedHash: string;
  readonly replayedHash: string;
  readonly divergence: Divergence | null;
}

type Normalised = Record<string, unknown>;

/** One output event normalised: the event, its normal form, and that form's canonical text. */
export interface NormalisedOutput {
  readonly e: AnyEvent;
  readonly n: Normalised;
  readonly text: string;
}

/**
 * Output events in a form two runs of the same inputs share, keyed by role: `seq`, `recordedAt` and `subject`
 * dropped; every event id replaced by its role (`#created`, `#feed<n>`, `#control<n>`, `<writer>#<n>`); the session id
 * by `#session`; other identifiers (order, fill, command ids) by the order of their first appearance in that writer's
 * output. So a replay under another session id, or of a session whose runner placed SessionCreated on `control`,
 * compares field by field, and a change in one writer does not renumber another's ids.
 */
export function normaliseOutputs(events: readonly AnyEvent[]): Map<string, NormalisedOutput> {
  const ordered = inLogOrder(events);
  const labels = new Map<string, string>();
  const perWriter = new Map<string, number>();
  let feed = 0;
  let control = 0;
  for (const e of ordered) {
    if (e.type === "SessionCreated") labels.set(e.id, "#created");
    else if (e.writer === "feed") labels.set(e.id, `#feed${feed++}`);
    else if (e.writer === "control") labels.set(e.id, `#control${control++}`);
    else {
      const k = perWriter.get(e.writer) ?? 0;
      perWriter.set(e.writer, k + 1);
      labels.set(e.id, `${e.writer}#${k}`);
    }
  }
  const sessionIds = new Set(ordered.map((e) => e.sessionId));
  const othersByWriter = new Map<string, Map<string, string>>();
  const result = new Map<string, NormalisedOutput>();
  for (const e of ordered) {
    if (!isOutputEvent(e)) continue;
    let scoped = othersByWriter.get(e.writer);
    if (scoped === undefined) {
      scoped = new Map();
      othersByWriter.set(e.writer, scoped);
    }
    const n = normaliseEvent(e, labels, sessionIds, scoped);
    result.set(labels.get(e.id) as string, { e, n, text: canonicalJson(n) });
  }
  return result;
}

/** sha256 over the normalised outputs, writer by writer in position order: equal outputs, equal hash. */
export function outputsHash(outputs: ReadonlyMap<string, NormalisedOutput>): string {
  const keyed = [...outputs].map(([label, o]) => ({ writer: o.e.writer, seq: o.e.seq, label, text: o.text }));
  keyed.sort((a, b) => (a.writer === b.writer ? a.seq - b.seq : a.writer < b.writer ? -1 : 1));
  const h = createHash("sha256");
  for (const k of keyed) h.update(`${k.label}\t${k.text}\n`);
  return h.digest("hex");
}

/** The fields where two JSON values differ (at most `limit`), depth first, keys sorted. */
export function diffFields(recorded: unknown, replayed: unknown, limit = 50): FieldDiff[] {
  const out: FieldDiff[] = [];
  const visit = (a: unknown, b: unknown, path: string): void => {
    if (out.length >= limit) return;
    const objA = a !== null && typeof a === "object";
    const objB = b !== null && typeof b === "object";
    if (objA && objB && Array.isArray(a) === Array.isArray(b)) {
      if (Array.isArray(a) && Array.isArray(b)) {
        for (let i = 0; i < Math.max(a.length, b.length); i++) visit(a[i], b[i], `${path}[${i}]`);
        return;
      }
      const ra = a as Record<string, unknown>;
      const rb = b as Record<string, unknown>;
      const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort();
      for (const k of keys) visit(ra[k], rb[k], path === "" ? k : `${path}.${k}`);
      return;
    }
    if (canonicalJson(a ?? null) !== canonicalJson(b ?? null) || (a === undefined) !== (b === undefined)) {
      out.push({ path: path === "" ? "(event)" : path, recorded: a, replayed: b });
    }
  };
  visit(recorded, replayed, "");
  return out;
}

const brief = (e: AnyEvent) => ({ id: e.id, type: e.type, at: e.at });

/**
 * Compares every output event of a replay with the recording. The first divergence is the first event, in the
 * replay's own order (the scheduler's causal order), that differs from or is missing in the recording; then any
 * recorded output the replay never wrote.
 */
export function compareReplay(recorded: readonly AnyEvent[], replayed: readonly AnyEvent[]): ReplayVerdict {
  const a = normaliseOutputs(recorded);
  const b = normaliseOutputs(replayed);
  const recordedHash = outputsHash(a);
  const replayedHash = outputsHash(b);
  const verdict = (divergence: Divergence | null): ReplayVerdict => ({
    match: divergence === null,
    compared: a.size,
    recordedHash,
    replayedHash,
    divergence,
  });
  const replayOrder = inLogOrder(replayed.filter(isOutputEvent));
  const labelOf = new Map([...b].map(([label, x]) => [x.e.id, label]));
  for (const e of replayOrder) {
    const label = labelOf.get(e.id) as string;
    const mine = b.get(label) as NormalisedOutput;
    const theirs = a.get(label);
    if (theirs === undefined) {
      return verdict({
        position: label,
        writer: e.writer,
        recorded: null,
        replayed: brief(e),
        kind: "extra",
        diffs: diffFields(undefined, mine.n),
      });
    }
    if (theirs.text !== mine.text) {
      return verdict({
        position: label,
        writer: e.writer,
        recorded: brief(theirs.e),
        replayed: brief(e),
        kind: "differs",
        diffs: diffFields(theirs.n, mine.n),
      });
    }
  }
  const recordedLabel = new Map([...a].map(([label, x]) => [x.e.id, label]));
  for (const e of inLogOrder(recorded.filter(isOutputEvent))) {
    const label = recordedLabel.get(e.id) as string;
    if (!b.has(label)) {
      return verdict({
        position: label,
        writer: e.writer,
        recorded: brief(e),
        replayed: null,
        kind: "missing",
        diffs: diffFields((a.get(label) as NormalisedOutput).n, undefined),
      });
    }
  }
  return verdict(null);
}
