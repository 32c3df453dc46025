import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";

/** The repository root and the chart directory. */
export const repoRoot = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..");
export const chartDir = join(repoRoot, "helm", "cryptofunk");

export type Values = Record<string, unknown>;

/** The chart as the tests read it: default values, schema, example values files and templates by file name. */
export interface ChartFiles {
  readonly values: Values;
  readonly schema: Record<string, unknown>;
  readonly examples: ReadonlyMap<string, Values>;
  readonly templates: ReadonlyMap<string, string>;
}

const read = (...parts: string[]) => readFileSync(join(chartDir, ...parts), "utf8");

export function loadChartFiles(): ChartFiles {
  const examples = new Map<string, Values>();
  for (const f of readdirSync(join(chartDir, "examples"))
    .filter((f) => f.endsWith(".yaml"))
    .sort()) {
    examples.set(f, parseYaml(read("examples", f)) as Values);
  }
  const templates = new Map<string, string>();
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(join(chartDir, "templates", dir), { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else templates.set(`${prefix}${entry.name}`, read("templates", dir, entry.name));
    }
  };
  walk("", "");
  return {
    values: parseYaml(read("values.yaml")) as Values,
    schema: JSON.parse(read("values.schema.json")) as Record<string, unknown>,
    examples,
    templates,
  };
}

const isMap = (v: unknown): v is Values => v !== null && typeof v === "object" && !Array.isArray(v);

/** Helm's coalescing of a values file over the defaults: maps merge, anything else replaces, null deletes. */
export function mergeValues(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else if (isMap(v) && isMap(out[k])) out[k] = mergeValues(out[k] as Values, v);
    else out[k] = v;
  }
  return out;
}
