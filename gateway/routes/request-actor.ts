import type { FastifyRequest } from "fastify";

/** Who a request acts as, for `issuedBy`/`createdBy` fields: `key:<id>:<name>`. */
export function actor(request: FastifyRequest): string {
  const p = request.principal;
  return p === null ? "anonymous" : `key:${p.keyId}:${p.name}`.slice(0, 100);
}
