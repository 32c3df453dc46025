import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { environmentNames, loadConfig } from "../../infra/config/app-config.ts";
import { chartDir, loadChartFiles, mergeValues, repoRoot, type Values } from "./chart-files.ts";

// The chart rendered by Go's own text/template (scripts/helm/render-chart: the Helm functions the chart uses, strict
// about missing keys) and the manifests checked as Kubernetes would receive them — above all, that the environment
// each role gets passes the application's production rules.

type Manifest = {
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field
  spec?: any;
  data?: Record<string, string>;
};

const chart = loadChartFiles();
const work = mkdtempSync(join(tmpdir(), "cf-render-"));
const binary = join(work, "render-chart");

beforeAll(() => {
  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  if (go.error !== undefined) {
    throw new Error(
      "go is not installed: apt-get update && apt-get install -y golang-go (renders the chart)",
    );
  }
  execFileSync("go", ["build", "-o", binary, "."], {
    cwd: join(repoRoot, "scripts", "helm", "render-chart"),
    env: { ...process.env, GOPROXY: "off", GOFLAGS: "-mod=mod", CGO_ENABLED: "0" },
    stdio: "pipe",
  });
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
/** Renders the chart with values.yaml coalesced with `over`; the error text when a template refuses. */
function render(over: Values): { manifests: Manifest[]; notes: string } | { error: string } {
  const file = join(work, `values-${n++}.json`);
  writeFileSync(file, JSON.stringify(mergeValues(chart.values, over)));
  const r = spawnSync(binary, [chartDir, file, "rel", "trading"], { encoding: "utf8" });
  if (r.status !== 0) return { error: r.stderr };
  const sections = r.stdout.split(/^---\n# Source: cryptofunk\/(templates\/[^\n]+)\n/m);
  const manifests: Manifest[] = [];
  let notes = "";
  for (let i = 1; i < sections.length; i += 2) {
    if (sections[i] === "templates/NOTES.txt") {
      notes = sections[i + 1]!;
      continue;
    }
    for (const doc of parseAllDocuments(sections[i + 1]!)) {
      if (doc.errors.length > 0) throw new Error(`${sections[i]}: ${doc.errors[0]!.message}`);
      const m = doc.toJS() as Manifest | null;
      if (m !== null) manifests.push(m);
    }
  }
  return { manifests, notes };
}

function rendered(over: Values): Manifest[] {
  const r = render(over);
  if ("error" in r) throw new Error(r.error);
  return r.manifests;
}

const example = (name: string) => chart.examples.get(name)!;
const examples = [...chart.examples.keys()];
const of = (ms: Manifest[], kind: string) => ms.filter((m) => m.kind === kind);
const workloads = (ms: Manifest[]) => [...of(ms, "Deployment"), ...of(ms, "Job")];

/** What a role's container would see: the ConfigMap (envFrom) then its own env. */
function environment(ms: Manifest[], workload: Manifest): Record<string, string> {
  const container = workload.spec.template.spec.containers[0];
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    Object.assign(env, of(ms, "ConfigMap").find((c) => c.metadata.name === from.configMapRef.name)!.data);
  }
  for (const e of container.env ?? []) env[e.name] = e.value;
  return env;
}

describe("the chart rendered (Go text/template)", () => {
  it("refuses to render without the NATS URL and the Secrets, naming the value", () => {
    const r = render({});
    expect("error" in r && r.error).toMatch(/nats\.url is required/);
    const prod = example("production.yaml");
    const cases: [Values, RegExp][] = [
      [{ database: { existingSecret: "" } }, /database\.existingSecret is required/],
      [{ database: { tls: { existingSecret: "" } } }, /database\.tls\.existingSecret is required/],
      [
        { nats: { auth: { existingSecret: "" } } },
        /nats\.auth\.existingSecret is required for nats\.auth\.method=creds/,
      ],
      [{ nats: { tls: { enabled: false } } }, /production requires TLS to NATS/],
      [{ nats: { auth: { method: "none" } } }, /production requires NATS authentication/],
      [{ database: { tls: { enabled: false } } }, /production requires sslmode=verify-full/],
      [{ exchange: { enabled: true, id: "binance" } }, /exchange\.existingSecret is required/],
      [{ vault: { enabled: true, role: "r", natsPath: "p" } }, /vault\.databasePath is required/],
    ];
    for (const [over, message] of cases) {
      const r2 = render(mergeValues(prod, over));
      expect("error" in r2 ? r2.error : "rendered", JSON.stringify(over)).toMatch(message);
    }
  });

  it.each(examples)("%s: valid YAML, the three roles, the hook Job, and never a Secret", (name) => {
    const ms = rendered(example(name));
    expect(
      of(ms, "Deployment")
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(["rel-cryptofunk-gateway", "rel-cryptofunk-projector", "rel-cryptofunk-worker"]);
    const job = of(ms, "Job")[0]!;
    expect(job.metadata.annotations!["helm.sh/hook"]).toBe("pre-install,pre-upgrade");
    expect(job.spec.template.spec.containers[0].args.slice(0, 2)).toEqual(["migrate", "up"]);
    expect(job.spec.template.spec.restartPolicy).toBe("Never");
    expect(of(ms, "Secret")).toEqual([]);
    expect(of(ms, "Service").map((s) => s.metadata.name)).toEqual(["rel-cryptofunk-gateway"]);
    expect(of(ms, "ConfigMap").length).toBeGreaterThan(0);
  });

  it.each(examples)("%s: every pod and container is locked down", (name) => {
    for (const w of workloads(rendered(example(name)))) {
      const pod = w.spec.template.spec;
      expect(pod.securityContext.runAsNonRoot, w.metadata.name).toBe(true);
      expect(pod.securityContext.seccompProfile.type).toBe("RuntimeDefault");
      for (const c of pod.containers) {
        expect(c.securityContext).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        });
        expect(c.resources.requests.memory).toBeDefined();
        expect(c.volumeMounts.find((v: { mountPath: string }) => v.mountPath === "/tmp")).toBeDefined();
      }
    }
  });

  it.each(examples)("%s: every Deployment probes /healthz and /readyz on a port it declares", (name) => {
    for (const d of of(rendered(example(name)), "Deployment")) {
      const c = d.spec.template.spec.containers[0];
      const ports = c.ports.map((p: { name: string; containerPort: number }) => p.name);
      expect(c.livenessProbe.httpGet.path).toBe("/healthz");
      expect(c.readinessProbe.httpGet.path).toBe("/readyz");
      expect(c.startupProbe.httpGet.path).toBe("/healthz");
      expect(ports).toContain(c.livenessProbe.httpGet.port);
      expect(ports).toContain(c.readinessProbe.httpGet.port);
      const port = c.ports[0].containerPort as number;
      if (d.metadata.name.endsWith("-gateway"))
        expect(environment(rendered(example(name)), d).PORT).toBe(String(port));
      else expect(c.args.join(" ")).toContain(`--health-port ${port}`);
      expect(d.spec.selector.matchLabels).toEqual(
        Object.fromEntries(
          Object.entries(d.spec.template.metadata.labels).filter(([k]) => k in d.spec.selector.matchLabels),
        ),
      );
    }
  });

  it.each(examples)("%s: every variable is the application's, every file it names is mounted", (name) => {
    const ms = rendered(example(name));
    for (const w of workloads(ms)) {
      const pod = w.spec.template.spec;
      const annotations = w.spec.template.metadata.annotations ?? {};
      const mounts = pod.containers[0].volumeMounts as { name: string; mountPath: string }[];
      for (const [variable, value] of Object.entries(environment(ms, w))) {
        expect(
          environmentNames[variable] ?? environmentNames[variable.replace(/_FILE$/, "")],
          `${w.metadata.name}: ${variable}`,
        ).toBeDefined();
        const secretFile = /^\/var\/run\/secrets\/cryptofunk\/([^/]+)\/([^/]+)$/.exec(value);
        if (secretFile) {
          const [, volume, file] = secretFile;
          expect(mounts.find((m) => m.name === volume)?.mountPath, `${w.metadata.name}: ${variable}`).toBe(
            `/var/run/secrets/cryptofunk/${volume}`,
          );
          const v = pod.volumes.find((x: { name: string }) => x.name === volume);
          expect(v.secret.items.map((i: { path: string }) => i.path)).toContain(file);
          expect(v.secret.secretName).toMatch(/^cryptofunk-/);
        }
        const vaultFile = /^\/vault\/secrets\/(.+)$/.exec(value);
        if (vaultFile) {
          expect(annotations[`vault.hashicorp.com/agent-inject-secret-${vaultFile[1]}`]).toMatch(
            /^secret\/data\//,
          );
          expect(annotations[`vault.hashicorp.com/agent-inject-template-${vaultFile[1]}`]).toMatch(
            /^\{\{- with secret "secret\/data\/[^"]+" -\}\}\{\{ index \.Data\.data "[^"]+" \}\}\{\{- end \}\}$/,
          );
        }
      }
    }
  });

  it.each(examples)(
    "%s: the environment each role gets passes the application's configuration rules",
    (name) => {
      const ms = rendered(example(name));
      const files = mkdtempSync(join(work, "files-"));
      for (const w of workloads(ms)) {
        const env = environment(ms, w);
        for (const [variable, value] of Object.entries(env)) {
          if (!variable.endsWith("_FILE")) continue;
          // The Secret's content, as an operator would store it.
          const path = join(files, variable);
          writeFileSync(
            path,
            variable === "DATABASE_URL_FILE"
              ? "postgres://cryptofunk:a-long-database-password@pg.internal:5432/cryptofunk?sslmode=verify-full"
              : "a-long-enough-secret-value",
          );
          expect(value).toMatch(/^\/(var\/run\/secrets\/cryptofunk|vault\/secrets)\//);
          env[variable] = path;
        }
        const config = loadConfig({ env });
        expect(config.env).toBe(example(name).config && (example(name).config as Values).env);
        if (config.env === "production") {
          expect(config.nats.tls?.ca).toBe("/var/run/secrets/cryptofunk/nats-tls/ca.crt");
          expect(config.database.sslCa).toBe("/var/run/secrets/cryptofunk/database-tls/ca.crt");
        }
        const live =
          w.metadata.name.endsWith("-worker") && (example(name).exchange as Values | undefined)?.enabled;
        expect(config.exchange.secret !== undefined, w.metadata.name).toBe(Boolean(live));
      }
      rmSync(files, { recursive: true, force: true });
    },
  );

  it("network policies: default deny for the release, egress to DNS/NATS/Postgres, exchange only for live workers", () => {
    const prod = rendered(example("production.yaml"));
    const policies = of(prod, "NetworkPolicy");
    const deny = policies.find((p) => p.metadata.name.endsWith("-default-deny"))!;
    expect(deny.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(deny.spec.ingress).toBeUndefined();
    expect(deny.spec.egress).toBeUndefined();
    expect(deny.spec.podSelector.matchLabels).toEqual({
      "app.kubernetes.io/name": "cryptofunk",
      "app.kubernetes.io/instance": "rel",
    });
    const egress = policies.find((p) => p.metadata.name.endsWith("-egress"))!;
    expect(egress.spec.egress.map((e: { ports: { port: number }[] }) => e.ports[0]!.port)).toEqual([
      53, 4222, 5432,
    ]);
    expect(egress.spec.egress[2].to).toEqual([{ ipBlock: { cidr: "10.20.0.0/24" } }]);
    const ingress = policies.filter((p) => p.spec.policyTypes.includes("Ingress") && p !== deny);
    expect(ingress.map((p) => p.spec.podSelector.matchLabels["app.kubernetes.io/component"])).toEqual([
      "gateway",
    ]);
    expect(policies.find((p) => p.metadata.name.endsWith("-worker-exchange"))).toBeUndefined();
    const live = of(rendered(example("live-trading.yaml")), "NetworkPolicy").find((p) =>
      p.metadata.name.endsWith("-worker-exchange"),
    )!;
    expect(live.spec.podSelector.matchLabels["app.kubernetes.io/component"]).toBe("worker");
    expect(live.spec.egress[0].ports).toEqual([{ protocol: "TCP", port: 443 }]);
    expect(live.spec.egress[0].to[0].ipBlock.except).toContain("10.0.0.0/8");
  });

  it("autoscaling, disruption budgets, monitoring and dashboards", () => {
    const prod = rendered(example("production.yaml"));
    expect(of(prod, "HorizontalPodAutoscaler").map((h) => h.spec.scaleTargetRef.name)).toEqual([
      "rel-cryptofunk-gateway",
      "rel-cryptofunk-worker",
    ]);
    for (const d of of(prod, "Deployment").filter((x) => !x.metadata.name.endsWith("-projector"))) {
      expect(d.spec.replicas, "the HPA owns replicas").toBeUndefined();
    }
    expect(of(prod, "PodDisruptionBudget").map((p) => p.metadata.name)).toEqual([
      "rel-cryptofunk-gateway",
      "rel-cryptofunk-worker",
    ]);
    const monitor = of(prod, "ServiceMonitor")[0]!;
    expect(monitor.spec.endpoints[0]).toMatchObject({ port: "http", path: "/metrics" });
    const rule = of(prod, "PrometheusRule")[0]!;
    const rulesFile = parseYaml(readFileSync(join(chartDir, "alerts", "cryptofunk.rules.yaml"), "utf8"));
    expect(rule.spec).toEqual(rulesFile);
    const dashboards = of(prod, "ConfigMap").filter((c) => c.metadata.labels?.grafana_dashboard === "1");
    expect(dashboards).toHaveLength(4);
    for (const d of dashboards)
      for (const json of Object.values(d.data!)) expect(JSON.parse(json).uid).toMatch(/^cryptofunk-/);
    const kind = rendered(example("kind.yaml"));
    expect(of(kind, "HorizontalPodAutoscaler")).toEqual([]);
    expect(of(kind, "Deployment").every((d) => d.spec.replicas === 1)).toBe(true);
  });

  it("Vault: credentials from the agent, CAs from Secrets, the hook Job pre-populated only", () => {
    const ms = rendered(example("vault.yaml"));
    for (const w of workloads(ms)) {
      const annotations = w.spec.template.metadata.annotations;
      expect(annotations["vault.hashicorp.com/agent-inject"]).toBe("true");
      expect(annotations["vault.hashicorp.com/role"]).toBe("cryptofunk");
      expect(w.spec.template.spec.automountServiceAccountToken).toBe(true);
      const volumes = w.spec.template.spec.volumes.map((v: { name: string }) => v.name);
      expect(volumes).toEqual(["tmp", "nats-tls", "database-tls"]);
      expect(annotations["vault.hashicorp.com/agent-pre-populate-only"]).toBe(
        w.kind === "Job" ? "true" : undefined,
      );
    }
    const egress = of(ms, "NetworkPolicy").find((p) => p.metadata.name.endsWith("-egress"))!;
    expect(egress.spec.egress.map((e: { ports: { port: number }[] }) => e.ports[0]!.port)).toEqual([
      53, 4222, 5432, 8200,
    ]);
    const sa = of(ms, "ServiceAccount").map((s) => s.metadata.name);
    for (const w of workloads(ms)) expect(sa).toContain(w.spec.template.spec.serviceAccountName);
  });

  it("NOTES.txt names the roles and how to issue the first key", () => {
    const r = render(example("production.yaml"));
    expect("notes" in r && r.notes).toMatch(/gateway {4}Deployment rel-cryptofunk-gateway/);
    expect("notes" in r && r.notes).toMatch(/keys issue --role admin/);
  });
});

describe("the renderer itself", () => {
  it("fails on a missing key, like helm in strict mode", () => {
    const dir = mkdtempSync(join(work, "chart-"));
    mkdirSync(join(dir, "templates"));
    writeFileSync(join(dir, "Chart.yaml"), 'name: t\nversion: 0.0.1\nappVersion: "1"\n');
    writeFileSync(join(dir, "templates", "a.yaml"), "x: {{ .Values.nope.deeper }}\n");
    writeFileSync(join(work, "empty.json"), "{}");
    const r = spawnSync(binary, [dir, join(work, "empty.json")], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/map has no entry for key "nope"/);
  });
});
