import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { createGatewayMetrics } from "../../gateway/observability/gateway-metrics.ts";
import { createSystemMetrics } from "../../infra/observability/metrics.ts";
import { chartDir } from "./chart-files.ts";

// Dashboards and alerts may only use what the code exports: the process registry as the gateway builds it (system
// metrics, default process metrics, the gateway's HTTP and stream metrics). The rules also pass promtool.

const system = createSystemMetrics();
createGatewayMetrics(system.registry);
const registered = new Map<string, Set<string>>();
for (const m of await system.registry.getMetricsAsJSON()) {
  // prom-client keeps each metric's declared label names on the metric object.
  const declared = system.registry.getSingleMetric(m.name) as unknown as { labelNames?: readonly string[] };
  const labels = new Set(declared.labelNames ?? []);
  const series =
    String(m.type) === "histogram"
      ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`]
      : String(m.type) === "summary"
        ? [m.name, `${m.name}_sum`, `${m.name}_count`]
        : [m.name];
  for (const s of series) registered.set(s, new Set([...labels, ...(s.endsWith("_bucket") ? ["le"] : [])]));
}

interface Reference {
  readonly where: string;
  readonly expr: string;
}

const dashboardsDir = join(chartDir, "dashboards");
const rulesFile = join(chartDir, "alerts", "cryptofunk.rules.yaml");
const dashboards = readdirSync(dashboardsDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => ({ file: f, json: JSON.parse(readFileSync(join(dashboardsDir, f), "utf8")) }));
const rules = parseYaml(readFileSync(rulesFile, "utf8")) as {
  groups: { name: string; rules: { alert: string; expr: string }[] }[];
};

const references: Reference[] = [
  ...dashboards.flatMap(({ file, json }) =>
    (json.panels as { title: string; targets: { expr: string }[] }[]).flatMap((p) =>
      p.targets.map((t) => ({ where: `${file} / ${p.title}`, expr: t.expr })),
    ),
  ),
  ...rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `rules / ${r.alert}`, expr: r.expr }))),
];

/** The problems of one PromQL expression: unknown cryptofunk_ series, label matchers or groupings they lack. */
function problems(expr: string): string[] {
  const out: string[] = [];
  const metrics = [...expr.matchAll(/\b(cryptofunk_[a-zA-Z0-9_]+)(\{[^}]*\})?/g)];
  const labelsOfAll = new Set<string>();
  for (const [, name, matchers] of metrics) {
    const labels = registered.get(name!);
    if (labels === undefined) {
      out.push(`${name} is not registered by the code`);
      continue;
    }
    for (const l of labels) labelsOfAll.add(l);
    for (const [, label] of (matchers ?? "").matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)) {
      if (!labels.has(label!)) out.push(`${name} has no label ${label}`);
    }
  }
  // Labels Prometheus adds at scrape time are always there.
  for (const l of ["instance", "job", "le"]) labelsOfAll.add(l);
  for (const [, list] of expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)) {
    for (const label of list!
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (!labelsOfAll.has(label)) out.push(`grouping by ${label}, a label none of the series has`);
    }
  }
  return out;
}

describe("dashboards and alert rules use only metrics the code registers", () => {
  it("the registry holds the system and gateway metrics", () => {
    for (const name of [
      "cryptofunk_event_appends_total",
      "cryptofunk_projection_lag_events",
      "cryptofunk_decisions_total",
      "cryptofunk_http_requests_total",
      "cryptofunk_http_request_duration_seconds_bucket",
    ]) {
      expect(registered.has(name), name).toBe(true);
    }
  });

  it("there are the four dashboards and the rules", () => {
    expect(dashboards.map((d) => d.file).sort()).toEqual([
      "agents.json",
      "gateway.json",
      "pipeline.json",
      "trading.json",
    ]);
    expect(rules.groups.flatMap((g) => g.rules).length).toBeGreaterThanOrEqual(8);
  });

  it.each(references.map((r) => [r.where, r.expr] as const))("%s", (_where, expr) => {
    expect(problems(expr)).toEqual([]);
  });

  it("every system metric appears on a dashboard", () => {
    const all = references.map((r) => r.expr).join("\n");
    const system = [...registered.keys()].filter(
      (n) => !/_(bucket|sum|count)$/.test(n) && !/^cryptofunk_(process|nodejs)_/.test(n),
    );
    expect(system.filter((n) => !all.includes(n))).toEqual([]);
  });

  it("the check itself refuses an unknown metric, an unknown label and a bad grouping", () => {
    expect(problems("rate(cryptofunk_nope_total[5m])")).toEqual([
      "cryptofunk_nope_total is not registered by the code",
    ]);
    expect(problems('cryptofunk_orders_total{symbol="x"}')).toEqual([
      "cryptofunk_orders_total has no label symbol",
    ]);
    expect(problems("sum by (agent) (cryptofunk_orders_total)")).toEqual([
      "grouping by agent, a label none of the series has",
    ]);
  });

  it("dashboards are well-formed: unique uids and panel ids, Prometheus datasource variable", () => {
    const uids = dashboards.map((d) => d.json.uid as string);
    expect(new Set(uids).size).toBe(uids.length);
    for (const { json } of dashboards) {
      const ids = (json.panels as { id: number }[]).map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(JSON.stringify(json.templating)).toContain('"type":"datasource"');
    }
  });
});

describe("promtool", () => {
  const promtool = (...args: string[]) => {
    try {
      return execFileSync("promtool", args, {
        cwd: join(chartDir, "alerts"),
        encoding: "utf8",
        stdio: "pipe",
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
      if (err.code === "ENOENT") {
        throw new Error(
          "promtool is not installed: apt-get update && apt-get install -y prometheus (Debian ships promtool in it)",
        );
      }
      throw new Error(`promtool ${args.join(" ")} failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`);
    }
  };

  it("check rules: the rules file is valid", () => {
    expect(promtool("check", "rules", "cryptofunk.rules.yaml")).toMatch(/SUCCESS: \d+ rules found/);
  });

  it("test rules: the alerts fire on the series that should trigger them", () => {
    expect(promtool("test", "rules", "cryptofunk.rules.test.yaml")).toContain("SUCCESS");
  });
});
