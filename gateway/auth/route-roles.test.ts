import { describe, expect, it } from "vitest";
import { apiRoles, roleAllows, roleOf, routeRoles } from "./route-roles.ts";

describe("route roles", () => {
  it("orders viewer < trader < admin and lets anyone use public routes", () => {
    expect(roleAllows("viewer", "viewer")).toBe(true);
    expect(roleAllows("viewer", "trader")).toBe(false);
    expect(roleAllows("trader", "viewer")).toBe(true);
    expect(roleAllows("trader", "admin")).toBe(false);
    expect(roleAllows("admin", "trader")).toBe(true);
    for (const r of apiRoles) expect(roleAllows(r, "public")).toBe(true);
  });

  it("looks routes up by method and pattern, and knows nothing it does not declare", () => {
    expect(roleOf("get", "/api/v1/audit")).toBe("admin");
    expect(roleOf("POST", "/api/v1/sessions/:sessionId/flatten")).toBe("trader");
    expect(roleOf("GET", "/api/v1/sessions/:sessionId/flatten")).toBeUndefined();
    expect(roleOf("GET", "/toString")).toBeUndefined();
  });

  it("puts every control, key and audit route above viewer", () => {
    for (const [key, role] of Object.entries(routeRoles)) {
      const [method, url] = key.split(" ") as [string, string];
      if (method !== "GET" && method !== "OPTIONS" && url !== "/api/v1/strategies/validate") {
        expect(role, key).not.toBe("viewer");
        expect(role, key).not.toBe("public");
      }
      if (/\/(audit|keys|dead-letters)/.test(url)) expect(role, key).toBe("admin");
    }
  });
});
