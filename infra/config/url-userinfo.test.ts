import { describe, expect, it } from "vitest";
import { ConfigError } from "../../events/index.ts";
import { splitUrlUserinfo } from "./url-userinfo.ts";

describe("splitUrlUserinfo", () => {
  it("splits user and password, a lone token, or nothing", () => {
    expect(splitUrlUserinfo("nats://cf:p%40ss%3Aw@h:4222", "NATS_URL")).toEqual({
      url: "nats://h:4222",
      user: "cf",
      pass: "p@ss:w",
    });
    expect(splitUrlUserinfo("tls://s.tok3n@h", "NATS_URL")).toEqual({ url: "tls://h", token: "s.tok3n" });
    expect(splitUrlUserinfo("postgres://u:@db/x", "database.url")).toEqual({
      url: "postgres://db/x",
      user: "u",
      pass: "",
    });
    expect(splitUrlUserinfo("nats://127.0.0.1:4222", "NATS_URL")).toEqual({ url: "nats://127.0.0.1:4222" });
  });

  it("refuses malformed percent-encoding, naming the setting", () => {
    expect(() => splitUrlUserinfo("nats://cf:%E0%A4%A@h", "NATS_URL")).toThrow(ConfigError);
    expect(() => splitUrlUserinfo("nats://cf:%zz@h", "NATS_URL")).toThrow(/NATS_URL/);
  });
});
