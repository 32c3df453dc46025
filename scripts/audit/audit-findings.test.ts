import { describe, expect, it } from "vitest";
import { parseAuditOutput, untrackedSevere } from "./audit-findings.ts";

// The shape of `npm audit --json` (auditReportVersion 2): advisories sit in `via` of the package they apply to; a
// string in `via` points at another vulnerable package.
const report = JSON.stringify({
  auditReportVersion: 2,
  vulnerabilities: {
    ws: {
      name: "ws",
      severity: "high",
      isDirect: false,
      via: [
        {
          source: 1098392,
          name: "ws",
          dependency: "ws",
          title: "ws affected by a DoS when handling a request with many HTTP headers",
          url: "https://github.com/advisories/GHSA-3h5v-q93c-6h6q",
          severity: "high",
          range: ">=8.0.0 <8.17.1",
        },
      ],
      effects: ["@fastify/websocket"],
      range: "8.0.0 - 8.17.0",
      fixAvailable: true,
    },
    "@fastify/websocket": {
      name: "@fastify/websocket",
      severity: "high",
      isDirect: true,
      via: ["ws"],
      effects: [],
      range: "*",
      fixAvailable: true,
    },
    cookie: {
      name: "cookie",
      severity: "low",
      via: [
        {
          source: 1099846,
          name: "cookie",
          title: "cookie accepts cookie name, path, and domain with out of bounds characters",
          url: "https://github.com/advisories/GHSA-pxg6-pf52-xh8x",
          severity: "low",
          range: "<0.7.0",
        },
      ],
    },
  },
  metadata: {
    vulnerabilities: { info: 0, low: 1, moderate: 0, high: 2, critical: 0, total: 3 },
    dependencies: { prod: 120, dev: 0, optional: 0, peer: 0, peerOptional: 0, total: 120 },
  },
});

describe("parseAuditOutput", () => {
  it("counts by severity and lists each advisory once, by GHSA id, under the package it applies to", () => {
    const outcome = parseAuditOutput(report);
    expect(outcome.kind).toBe("report");
    if (outcome.kind !== "report") return;
    expect(outcome.counts).toEqual({ info: 0, low: 1, moderate: 0, high: 2, critical: 0, total: 3 });
    expect(outcome.advisories.map((a) => [a.id, a.packageName, a.severity])).toEqual([
      ["GHSA-3H5V-Q93C-6H6Q", "ws", "high"],
      ["GHSA-PXG6-PF52-XH8X", "cookie", "low"],
    ]);
  });

  it("says the endpoint was unreachable when npm printed an error instead of a report", () => {
    // What this registry answered on 2026-11-28 (the audit API is not served there).
    const refused = JSON.stringify({
      message: "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
      statusCode: 405,
      error: { summary: "", detail: "" },
    });
    expect(parseAuditOutput(refused)).toEqual({
      kind: "unreachable",
      reason: "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
    });
    const offline = JSON.stringify({ error: { code: "ENOTFOUND", summary: "request to registry failed" } });
    expect(parseAuditOutput(offline)).toEqual({
      kind: "unreachable",
      reason: "ENOTFOUND: request to registry failed",
    });
    expect(parseAuditOutput("")).toMatchObject({ kind: "unreachable" });
  });
});

describe("untrackedSevere", () => {
  it("keeps the high and critical advisories the tracking document does not name", () => {
    const outcome = parseAuditOutput(report);
    if (outcome.kind !== "report") throw new Error("expected a report");
    expect(untrackedSevere(outcome.advisories, "# Security\nnone").map((a) => a.id)).toEqual([
      "GHSA-3H5V-Q93C-6H6Q",
    ]);
    expect(
      untrackedSevere(outcome.advisories, "| ws | GHSA-3h5v-q93c-6h6q | high | tracked in #12 |"),
    ).toEqual([]);
  });
});
