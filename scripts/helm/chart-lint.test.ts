import type { Command } from "commander";
import { beforeAll, describe, expect, it } from "vitest";
import { buildProgram } from "../../infra/cli/main.ts";
import { environmentNames } from "../../infra/config/app-config.ts";
import { loadChartFiles, type Values } from "./chart-files.ts";
import { blockProblems, type TemplateAction, templateActions } from "./go-template-actions.ts";

// No helm binary here: the chart's templates are checked by reading them. Block structure, helper names, every
// .Values path against values.yaml and the schema, the environment names against the application's config, and the
// roles' command-line flags against the real CLI.

const chart = loadChartFiles();
const parsed = new Map<string, TemplateAction[]>();
for (const [name, text] of chart.templates) {
  if (name.endsWith(".yaml") || name.endsWith(".tpl") || name.endsWith(".txt")) {
    parsed.set(name, templateActions(text));
  }
}
const bodies = (name: string) => (parsed.get(name) ?? []).filter((a) => !a.comment).map((a) => a.body);
const allBodies = [...parsed.keys()].flatMap(bodies);

/** `.Values` paths a template uses, with `$x := .Values…` aliases (and `index $.Values $c` over a range list). */
function valuesPaths(name: string): string[][] {
  const aliases = new Map<string, string[][]>();
  const rangeLists = new Map<string, string[]>();
  const used: string[][] = [];
  const resolve = (expr: string): string[][] => {
    const direct = /(?:^|[^\w$])(?:\$\w*|\.root)?\.Values((?:\.\w+)*)$/.exec(expr);
    if (direct) return [direct[1]!.split(".").filter(Boolean)];
    const alias = /^\$(\w+)((?:\.\w+)*)$/.exec(expr);
    const base = alias ? aliases.get(alias[1]!) : undefined;
    if (alias && base) return base.map((b) => [...b, ...alias[2]!.split(".").filter(Boolean)]);
    const indexed = /^index \$\.Values \$(\w+)$/.exec(expr);
    if (indexed) return (rangeLists.get(indexed[1]!) ?? []).map((c) => [c]);
    return [];
  };
  for (const body of bodies(name)) {
    const range = /^range \$(\w+) := list ((?:"[\w-]+"\s*)+)$/.exec(body);
    if (range)
      rangeLists.set(
        range[1]!,
        [...range[2]!.matchAll(/"([\w-]+)"/g)].map((m) => m[1]!),
      );
    const assign = /^\$(\w+) :?= (.+)$/.exec(body);
    if (assign) {
      const paths = resolve(assign[2]!.trim());
      if (paths.length > 0) aliases.set(assign[1]!, paths);
    }
    for (const m of body.matchAll(/\.Values((?:\.\w+)+)/g)) used.push(m[1]!.split(".").filter(Boolean));
    for (const m of body.matchAll(/\$(\w+)((?:\.\w+)+)/g)) {
      for (const base of aliases.get(m[1]!) ?? []) used.push([...base, ...m[2]!.split(".").filter(Boolean)]);
    }
  }
  return used;
}

/** Walks `path` in a values tree; an empty map or list at the end of the walk accepts anything below it. */
function inValues(values: unknown, path: readonly string[]): boolean {
  let node = values;
  for (const key of path) {
    if (node === null || typeof node !== "object") return false;
    if (Object.keys(node).length === 0) return true;
    if (!(key in node)) return false;
    node = (node as Values)[key];
  }
  return true;
}

function inSchema(schema: Record<string, unknown>, path: readonly string[]): boolean {
  let node: Record<string, unknown> | undefined = schema;
  for (const key of path) {
    const props = node?.properties as Record<string, Record<string, unknown>> | undefined;
    if (props === undefined) return node?.type === "object" || node?.type === "array";
    node = props[key];
    if (node === undefined) return false;
  }
  return true;
}

function leaves(values: unknown, prefix: string[] = []): string[][] {
  if (values === null || typeof values !== "object" || Array.isArray(values)) return [prefix];
  const entries = Object.entries(values as Values);
  if (entries.length === 0) return [prefix];
  return entries.flatMap(([k, v]) => leaves(v, [...prefix, k]));
}

describe("chart templates (helm/cryptofunk/templates)", () => {
  it("holds the templates of every role and resource", () => {
    for (const t of [
      "_helpers.tpl",
      "NOTES.txt",
      "configmap.yaml",
      "gateway-deployment.yaml",
      "projector-deployment.yaml",
      "worker-deployment.yaml",
      "migrate-job.yaml",
      "gateway-service.yaml",
      "ingress.yaml",
      "hpa.yaml",
      "pdb.yaml",
      "networkpolicy.yaml",
      "servicemonitor.yaml",
      "prometheusrule.yaml",
      "serviceaccount.yaml",
    ]) {
      expect([...chart.templates.keys()]).toContain(t);
    }
  });

  it.each([...parsed.keys()])("%s: every if/range/with/define is closed by an end", (name) => {
    expect(blockProblems(parsed.get(name)!)).toEqual([]);
  });

  it("the block check itself catches an unclosed if, a stray end and a misplaced else", () => {
    expect(blockProblems(templateActions("{{ if .a }}x"))).toEqual(["line 1: if never ended"]);
    expect(blockProblems(templateActions("x{{- end }}"))).toEqual(["line 1: end without an open block"]);
    expect(blockProblems(templateActions("{{ else }}"))).toEqual(["line 1: else outside if/with/range"]);
    expect(
      blockProblems(templateActions('{{ if .a }}{{ printf "{{ if }}" }}{{/* {{ end }} */}}{{ end }}')),
    ).toEqual([]);
  });

  it("every included template is defined, and every defined helper is used", () => {
    const defined = allBodies.flatMap((b) => [...b.matchAll(/^define "([^"]+)"/g)].map((m) => m[1]!));
    const included = new Set(
      allBodies.flatMap((b) => [...b.matchAll(/\b(?:include|template) "([^"]+)"/g)].map((m) => m[1]!)),
    );
    expect(new Set(defined).size).toBe(defined.length);
    expect([...included].filter((n) => !defined.includes(n))).toEqual([]);
    expect(defined.filter((n) => !included.has(n))).toEqual([]);
  });

  it("every .Values path exists in values.yaml and in values.schema.json", () => {
    const missing: string[] = [];
    for (const name of parsed.keys()) {
      for (const path of valuesPaths(name)) {
        if (!inValues(chart.values, path))
          missing.push(`${name}: .Values.${path.join(".")} not in values.yaml`);
        if (!inSchema(chart.schema, path))
          missing.push(`${name}: .Values.${path.join(".")} not in the schema`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("every value in values.yaml is used by a template", () => {
    const used = [...parsed.keys()].flatMap(valuesPaths).map((p) => p.join("."));
    const unused = leaves(chart.values)
      .map((l) => l.join("."))
      .filter((leaf) => !used.some((u) => leaf === u || leaf.startsWith(`${u}.`)));
    expect(unused).toEqual([]);
  });

  it("the path check itself resolves aliases and catches a missing value", () => {
    const probe = "{{- $v := .Values -}}{{ $v.nats.nope }}{{ .Values.config.env }}";
    const actions = templateActions(probe);
    parsed.set("probe.yaml", actions);
    try {
      const paths = valuesPaths("probe.yaml").map((p) => p.join("."));
      expect(paths).toEqual(["nats.nope", "config.env"]);
      expect(inValues(chart.values, ["nats", "nope"])).toBe(false);
      expect(inSchema(chart.schema, ["nats", "nope"])).toBe(false);
    } finally {
      parsed.delete("probe.yaml");
    }
  });
});

describe("the chart wires the application's own names", () => {
  const helpers = chart.templates.get("_helpers.tpl")!;
  const define = (name: string) => {
    const start = helpers.indexOf(`{{- define "${name}" -}}`);
    return helpers.slice(start, helpers.indexOf("{{- define", start + 10));
  };
  const configVars = [...define("cryptofunk.configEnv").matchAll(/^([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!);
  const fileVars = [...define("cryptofunk.credentialFiles").matchAll(/"env": "([A-Z][A-Z0-9_]*)"/g)].map(
    (m) => m[1]!,
  );
  // Variables whose value is itself a path: reading them through X_FILE would turn the file's content into a path.
  const pathValued = new Set([
    "nats.credsFile",
    "nats.tls.ca",
    "nats.tls.cert",
    "nats.tls.key",
    "database.sslCa",
  ]);

  it("every environment variable is one infra/config/app-config.ts reads (X or X_FILE)", () => {
    expect(configVars.length).toBeGreaterThan(15);
    expect(fileVars).toEqual(
      expect.arrayContaining(["NATS_CREDS", "DATABASE_URL_FILE", "EXCHANGE_SECRET_FILE"]),
    );
    const unknown = [...configVars, ...fileVars].filter(
      (n) => environmentNames[n] === undefined && environmentNames[n.replace(/_FILE$/, "")] === undefined,
    );
    expect(unknown).toEqual([]);
  });

  it("secrets arrive as X_FILE; path-valued settings (CAs, .creds) as the path itself", () => {
    for (const n of fileVars) {
      const base = n.replace(/_FILE$/, "");
      if (n.endsWith("_FILE")) expect(pathValued.has(environmentNames[base]!), n).toBe(false);
      else expect(pathValued.has(environmentNames[n]!), n).toBe(true);
    }
    for (const n of configVars.filter((v) => v.startsWith("NATS_TLS") || v === "DATABASE_SSL_CA")) {
      expect(pathValued.has(environmentNames[n]!), n).toBe(true);
    }
    // No credential is ever a plain value in the ConfigMap.
    const secretNames = ["NATS_PASSWORD", "NATS_TOKEN", "NATS_NKEY_SEED", "DATABASE_URL", "EXCHANGE_SECRET"];
    expect(configVars.filter((v) => secretNames.includes(v))).toEqual([]);
  });

  const roles: Record<string, string[]> = {
    "gateway-deployment.yaml": ["gateway"],
    "projector-deployment.yaml": ["projector"],
    "worker-deployment.yaml": ["worker"],
    "migrate-job.yaml": ["migrate", "up"],
  };
  let program: Command;
  beforeAll(async () => {
    program = await buildProgram();
  });
  const find = (path: readonly string[]): Command | undefined => {
    let c: Command | undefined = program;
    for (const name of path) c = c?.commands.find((s) => s.name() === name);
    return c;
  };

  it.each(Object.entries(roles))("%s runs a real command with real flags", (file, path) => {
    const command = find(path);
    expect(command, `cryptofunk ${path.join(" ")}`).toBeDefined();
    const text = chart.templates.get(file)!;
    expect(text).toContain(`list ${path.map((p) => `"${p}"`).join(" ")}`);
    const flags = [...text.matchAll(/"(--[a-z][a-z-]*)"/g)].map((m) => m[1]!);
    const known = command!.options.map((o) => o.long);
    expect(flags.filter((f) => !known.includes(f))).toEqual([]);
  });

  it("every long-running role has probes on /healthz and /readyz, the workers and projector on their health port", () => {
    for (const file of ["gateway-deployment.yaml", "projector-deployment.yaml", "worker-deployment.yaml"]) {
      expect(chart.templates.get(file)).toContain('"probes" true');
    }
    expect(helpers).toMatch(/livenessProbe:\s+httpGet:\s+path: \/healthz/);
    expect(helpers).toMatch(/readinessProbe:\s+httpGet:\s+path: \/readyz/);
    expect(chart.templates.get("worker-deployment.yaml")).toMatch(
      /"--health-port" \(toString \$w\.healthPort\)/,
    );
    expect(chart.templates.get("projector-deployment.yaml")).toMatch(
      /"--health-port" \(toString \$p\.healthPort\)/,
    );
  });

  it("the migrations run as a pre-install/pre-upgrade hook and credentials are required from existing Secrets", () => {
    expect(chart.templates.get("migrate-job.yaml")).toContain("helm.sh/hook: pre-install,pre-upgrade");
    const validate = define("cryptofunk.validate");
    for (const v of [
      "$v.nats.url",
      "$v.nats.tls.existingSecret",
      "$v.nats.auth.existingSecret",
      "$v.database.existingSecret",
      "$v.database.tls.existingSecret",
      "$v.exchange.existingSecret",
      "$v.vault.role",
    ]) {
      expect(validate).toMatch(new RegExp(`required .*\\${v.replace(/\./g, "\\.")}\\b`));
    }
  });
});
