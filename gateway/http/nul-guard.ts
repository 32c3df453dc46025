import { ValidationError } from "../../events/index.ts";
import type { GatewayApp } from "./gateway-app.ts";

/**
 * The field (`root` or `root.<top-level key>`) of the first string, key or value, in `value` that holds U+0000; null
 * when there is none. Iterative, and it keeps no full path: a body may nest tens of thousands of levels deep.
 */
export function nulField(value: unknown, root: string): string | null {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [v, field] = stack.pop()!;
    if (typeof v === "string") {
      if (v.includes("\u0000")) return field;
    } else if (Array.isArray(v)) {
      for (const x of v) stack.push([x, field]);
    } else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        const at = field === root ? `${root}.${k.replaceAll("\u0000", "\\u0000").slice(0, 100)}` : field;
        if (k.includes("\u0000")) return at;
        stack.push([x, at]);
      }
    }
  }
  return null;
}

/** Throws VALIDATION when `value` holds U+0000 anywhere. */
export function refuseNul(value: unknown, root: string): void {
  const field = nulField(value, root);
  if (field !== null) {
    throw new ValidationError(`${field} holds a NUL character (U+0000)`, [
      { path: field, message: "NUL characters are not accepted" },
    ]);
  }
}

/**
 * Postgres text and jsonb cannot hold U+0000. A request carrying it in a parameter, the query or the body is refused
 * here as VALIDATION, rather than failing in the database (a 500) or, once appended to the log, in the projector (a
 * dead letter the client that got 202 never hears of).
 */
export function installNulGuard(app: GatewayApp): void {
  app.addHook("preValidation", async (request) => {
    refuseNul(request.params, "params");
    refuseNul(request.query, "querystring");
    refuseNul(request.body, "body");
  });
}
