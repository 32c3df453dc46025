import { createHash } from "node:crypto";
import { createSeededRandom, parseStrategy, type StrategyConfig } from "../../actors/index.ts";
import { canonicalJson, ValidationError } from "../../events/index.ts";

/** One parameter's range: listed values, or min/max with a step (grid) or uniform draws (random). */
export type ParameterRange =
  | { readonly values: readonly (number | string | boolean)[] }
  | { readonly min: number; readonly max: number; readonly step?: number; readonly integer?: boolean };

/** A search space: strategy paths (`agents.trend.emaFast`) to ranges. */
export type SearchSpace = Readonly<Record<string, ParameterRange>>;
export type ParameterSet = Readonly<Record<string, number | string | boolean>>;

/** Validates a parsed YAML/JSON search space (`{parameters: {...}}` or the map itself). */
export function parseSearchSpace(raw: unknown): SearchSpace {
  const obj = (raw as { parameters?: unknown })?.parameters ?? raw;
  if (obj === null || typeof obj !== "object" || Object.keys(obj).length === 0) {
    throw new ValidationError("the search space names no parameter", [
      { path: "parameters", message: "empty" },
    ]);
  }
  const out: Record<string, ParameterRange> = {};
  for (const [path, r] of Object.entries(obj as Record<string, unknown>)) {
    const range = r as Record<string, unknown>;
    if (Array.isArray(range?.values) && range.values.length > 0) out[path] = { values: range.values };
    else if (typeof range?.min === "number" && typeof range?.max === "number" && range.min <= range.max) {
      if (range.step !== undefined && !(typeof range.step === "number" && range.step > 0)) {
        throw new ValidationError(`${path}: step must be a positive number`, [{ path, message: "bad step" }]);
      }
      out[path] = {
        min: range.min,
        max: range.max,
        ...(range.step === undefined ? {} : { step: range.step as number }),
        ...(range.integer === true ? { integer: true } : {}),
      };
    } else {
      throw new ValidationError(`${path}: give values: [...] or min and max (min ≤ max)`, [
        { path, message: "bad range" },
      ]);
    }
  }
  return out;
}

function gridValues(r: ParameterRange): (number | string | boolean)[] {
  if ("values" in r) return [...r.values];
  const step = r.step ?? (r.integer === true ? 1 : (r.max - r.min) / 4 || 1);
  const out: number[] = [];
  for (let i = 0; ; i++) {
    const v = Number((r.min + i * step).toPrecision(12));
    if (v > r.max + 1e-12) break;
    out.push(r.integer === true ? Math.round(v) : v);
  }
  return [...new Set(out)];
}

/** Every combination, in a fixed order (parameters sorted by path). */
export function gridCandidates(space: SearchSpace): ParameterSet[] {
  const paths = Object.keys(space).sort();
  let sets: Record<string, number | string | boolean>[] = [{}];
  for (const p of paths) {
    const next: Record<string, number | string | boolean>[] = [];
    for (const s of sets) for (const v of gridValues(space[p] as ParameterRange)) next.push({ ...s, [p]: v });
    sets = next;
  }
  return sets;
}

/** `n` seeded draws (values picked uniformly; ranges drawn uniformly, on the step grid when there is one). */
export function randomCandidates(space: SearchSpace, n: number, seed: number): ParameterSet[] {
  const rnd = createSeededRandom(seed, 7);
  const paths = Object.keys(space).sort();
  const out: ParameterSet[] = [];
  for (let i = 0; i < n; i++) {
    const s: Record<string, number | string | boolean> = {};
    for (const p of paths) {
      const r = space[p] as ParameterRange;
      if ("values" in r || r.step !== undefined) {
        const vs = gridValues(r);
        s[p] = vs[rnd.int(0, vs.length - 1)] as number | string | boolean;
      } else if (r.integer === true) s[p] = rnd.int(Math.ceil(r.min), Math.floor(r.max));
      else s[p] = Number((r.min + rnd.next() * (r.max - r.min)).toPrecision(12));
    }
    out.push(s);
  }
  return out;
}

/** A short content hash of anything JSON: the key of a parameter set (and window) in the results file. */
export function contentHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, 16);
}

/** The strategy with each path set (`agents.trend.emaFast` → strategy.agents.trend.emaFast), re-validated. */
export function applyParameters(base: StrategyConfig, params: ParameterSet): StrategyConfig {
  const copy = structuredClone(base) as unknown as Record<string, unknown>;
  for (const [path, value] of Object.entries(params)) {
    const keys = path.split(".");
    let node = copy;
    for (const k of keys.slice(0, -1)) {
      const child = node[k];
      if (child === null || typeof child !== "object") {
        throw new ValidationError(`${path} is not a strategy parameter`, [{ path, message: "unknown path" }]);
      }
      node = child as Record<string, unknown>;
    }
    node[keys.at(-1) as string] = value;
  }
  return parseStrategy(copy);
}
