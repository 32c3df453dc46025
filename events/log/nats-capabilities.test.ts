import { describe, expect, it } from "vitest";
import { UnsupportedError } from "../errors/cryptofunk-error.ts";
import {
  compareServerVersions,
  hasCapability,
  natsCapabilities,
  parseServerVersion,
  requireCapability,
} from "./nats-capabilities.ts";

describe("NATS server capabilities", () => {
  it("parses and compares server versions numerically", () => {
    expect(parseServerVersion("2.9.10")).toEqual([2, 9, 10]);
    expect(parseServerVersion("v2.10.0-beta.1")).toEqual([2, 10, 0]);
    expect(parseServerVersion("garbage")).toEqual([0, 0, 0]);
    expect(compareServerVersions("2.9.10", "2.9.21")).toBeLessThan(0);
    expect(compareServerVersions("2.10.0", "2.9.21")).toBeGreaterThan(0);
    expect(compareServerVersions("2.9.21", "v2.9.21")).toBe(0);
  });

  it("knows what Debian's 2.9.10 can and cannot do", () => {
    expect(hasCapability("2.9.10", "namedConsumerCreate")).toBe(true);
    expect(hasCapability("2.9.10", "replicatedOcc")).toBe(false);
    expect(hasCapability("2.9.10", "multiFilterConsumers")).toBe(false);
    expect(hasCapability("2.11.3", "replicatedOcc")).toBe(true);
  });

  it("refuses with the capability, the version needed and the server's version", () => {
    expect(() => requireCapability("2.9.10", "replicatedOcc", "3 replicas")).toThrow(UnsupportedError);
    expect(() => requireCapability("2.9.10", "replicatedOcc")).toThrow(
      `${natsCapabilities.replicatedOcc.what} needs nats-server 2.9.21 or newer; this server is 2.9.10`,
    );
    expect(() => requireCapability("2.9.21", "replicatedOcc")).not.toThrow();
  });
});
