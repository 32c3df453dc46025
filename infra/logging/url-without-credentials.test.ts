import { describe, expect, it } from "vitest";
import { urlWithoutCredentials } from "./url-without-credentials.ts";

describe("urlWithoutCredentials", () => {
  it("masks passwords and tokens in userinfo, leaves the rest", () => {
    expect(urlWithoutCredentials("nats://cf:s3cret@127.0.0.1:4222")).toBe("nats://cf:***@127.0.0.1:4222");
    expect(urlWithoutCredentials("nats://tok3n@h:4222")).toBe("nats://***@h:4222");
    expect(urlWithoutCredentials("nats://a:b@h1:1,tls://c:d%40e@h2:2 stream X")).toBe(
      "nats://a:***@h1:1,tls://c:***@h2:2 stream X",
    );
    expect(urlWithoutCredentials("postgres://postgres:pw@db/test?options=-c%20x")).toBe(
      "postgres://postgres:***@db/test?options=-c%20x",
    );
    expect(urlWithoutCredentials("nats://127.0.0.1:4222")).toBe("nats://127.0.0.1:4222");
    expect(urlWithoutCredentials("/home/cf/events.jsonl")).toBe("/home/cf/events.jsonl");
  });
});
