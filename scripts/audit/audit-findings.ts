// Reading `npm audit --json` output (report version 2) and deciding which findings are tracked in docs/security.md.

export type Severity = "info" | "low" | "moderate" | "high" | "critical";

/** One advisory as npm reports it under the vulnerable package it applies to. */
export interface Advisory {
  /** The GHSA id (from the advisory URL), else npm's numeric source id as text. */
  readonly id: string;
  readonly packageName: string;
  readonly title: string;
  readonly url: string;
  readonly severity: Severity;
  readonly range: string;
}

export type AuditOutcome =
  | {
      readonly kind: "report";
      readonly counts: Readonly<Record<Severity | "total", number>>;
      readonly advisories: readonly Advisory[];
    }
  | { readonly kind: "unreachable"; readonly reason: string };

interface RawVia {
  source?: number;
  name?: string;
  title?: string;
  url?: string;
  severity?: Severity;
  range?: string;
}

const ghsa = /GHSA(-[23456789cfghjmpqrvwx]{4}){3}/i;

/** Parses npm audit's JSON: a report, or why there is none (the registry's audit endpoint did not answer). */
export function parseAuditOutput(stdout: string): AuditOutcome {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    return {
      kind: "unreachable",
      reason: `npm audit printed no JSON: ${stdout.trim().slice(0, 200) || "(nothing)"}`,
    };
  }
  const meta = (json.metadata as { vulnerabilities?: Record<string, number> } | undefined)?.vulnerabilities;
  if (json.auditReportVersion !== 2 || meta === undefined || typeof json.vulnerabilities !== "object") {
    const error = json.error as { code?: string; summary?: string } | undefined;
    const reason =
      (typeof json.message === "string" && json.message) ||
      [error?.code, error?.summary].filter(Boolean).join(": ") ||
      JSON.stringify(json).slice(0, 200);
    return { kind: "unreachable", reason };
  }
  const advisories = new Map<string, Advisory>();
  for (const vulnerability of Object.values(json.vulnerabilities as Record<string, { via?: unknown[] }>)) {
    // A string in `via` names another vulnerable package (the advisory is listed under that one).
    for (const via of vulnerability.via ?? []) {
      if (typeof via !== "object" || via === null) continue;
      const v = via as RawVia;
      const url = v.url ?? "";
      const id = ghsa.exec(url)?.[0].toUpperCase() ?? String(v.source ?? url);
      advisories.set(`${id} ${v.name}`, {
        id,
        packageName: v.name ?? "?",
        title: v.title ?? "",
        url,
        severity: v.severity ?? "info",
        range: v.range ?? "",
      });
    }
  }
  const count = (k: Severity | "total") => Number(meta[k] ?? 0);
  return {
    kind: "report",
    counts: {
      info: count("info"),
      low: count("low"),
      moderate: count("moderate"),
      high: count("high"),
      critical: count("critical"),
      total: count("total"),
    },
    advisories: [...advisories.values()].sort((a, b) => a.id.localeCompare(b.id)),
  };
}

/** High and critical advisories whose id does not appear in the tracking document (docs/security.md). */
export function untrackedSevere(advisories: readonly Advisory[], trackingDoc: string): Advisory[] {
  const tracked = trackingDoc.toUpperCase();
  return advisories.filter(
    (a) => (a.severity === "high" || a.severity === "critical") && !tracked.includes(a.id.toUpperCase()),
  );
}
