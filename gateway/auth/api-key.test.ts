import { describe, expect, it } from "vitest";
import { apiKeyId, generateApiKey, hashApiKey, hashesMatch, presentedKey } from "./api-key.ts";

describe("API keys", () => {
  it("generates cf_ keys whose id can be read back and whose hash is sha256", () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.key).toMatch(/^cf_[0-9a-f]{12}[A-Za-z0-9_-]{32}$/);
    expect(a.key).not.toBe(b.key);
    expect(apiKeyId(a.key)).toBe(a.keyId);
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses malformed keys before any lookup and compares hashes exactly", () => {
    for (const bad of ["", "cf_", "cf_xyz", `cf_${"g".repeat(44)}`, `xx_${"0".repeat(44)}`])
      expect(apiKeyId(bad)).toBeNull();
    const h = hashApiKey("cf_x");
    expect(hashesMatch(h, h)).toBe(true);
    expect(hashesMatch(h, hashApiKey("cf_y"))).toBe(false);
    expect(hashesMatch(h, h.slice(0, 10))).toBe(false);
    expect(hashesMatch("", "")).toBe(false);
  });

  it("reads X-API-Key first, then Authorization: Bearer", () => {
    expect(presentedKey({ "x-api-key": "a", authorization: "Bearer b" })).toBe("a");
    expect(presentedKey({ authorization: "Bearer b" })).toBe("b");
    expect(presentedKey({ authorization: "bearer   c  " })).toBe("c");
    expect(presentedKey({ authorization: "Basic Zm9vOmJhcg==" })).toBeNull();
    expect(presentedKey({})).toBeNull();
  });
});
