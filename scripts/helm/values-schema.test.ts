import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { loadChartFiles, mergeValues, type Values } from "./chart-files.ts";

// helm validates the coalesced values (defaults, then the user's file) against values.schema.json; so does this.

const chart = loadChartFiles();
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
const validate = ajv.compile(chart.schema);
const errors = (values: Values) => {
  validate(values);
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
};
const withOverride = (over: Values) => mergeValues(chart.values, over);

describe("values.schema.json", () => {
  it("accepts the chart's values.yaml", () => {
    expect(errors(chart.values)).toEqual([]);
  });

  it("has example values files", () => {
    expect([...chart.examples.keys()]).toEqual(
      expect.arrayContaining(["production.yaml", "vault.yaml", "live-trading.yaml", "kind.yaml"]),
    );
  });

  it.each([...chart.examples.keys()])("accepts examples/%s over the defaults", (name) => {
    expect(errors(withOverride(chart.examples.get(name)!))).toEqual([]);
  });

  it.each([
    ["an unknown key", { gatway: { port: 1 } }, "must NOT have additional properties"],
    [
      "a writable root filesystem",
      { securityContext: { readOnlyRootFilesystem: false } },
      "must be equal to constant",
    ],
    [
      "privilege escalation",
      { securityContext: { allowPrivilegeEscalation: true } },
      "must be equal to constant",
    ],
    [
      "capabilities not dropped",
      { securityContext: { capabilities: { drop: ["NET_RAW"] } } },
      "must contain",
    ],
    ["root", { podSecurityContext: { runAsNonRoot: false } }, "must be equal to constant"],
    [
      "a credential in extraEnv",
      { config: { extraEnv: { DATABASE_URL: "postgres://u:p@h/db" } } },
      "must NOT be valid",
    ],
    [
      "a lowercase variable in extraEnv",
      { config: { extraEnv: { foo: "1" } } },
      "property name must be valid",
    ],
    ["an unknown NATS auth method", { nats: { auth: { method: "password" } } }, "must be equal to one of"],
    ["an unknown environment", { config: { env: "prod" } }, "must be equal to one of"],
    ["two projectors", { projector: { replicaCount: 2 } }, "must be <= 1"],
    ["a bad stream name", { config: { stream: "a.b" } }, "must match pattern"],
    ["a tag-like digest", { image: { digest: "latest" } }, "must match pattern"],
  ])("refuses %s", (_what, over, message) => {
    expect(errors(withOverride(over as Values)).join("; ")).toContain(message);
  });
});
