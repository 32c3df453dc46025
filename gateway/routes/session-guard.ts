import { NotFoundError, subjectFor } from "../../events/index.ts";
import type { GatewayContext } from "../http/gateway-context.ts";

/** NotFoundError unless the log holds the session (its `session` subject has events). */
export async function assertSessionExists(ctx: GatewayContext, sessionId: string): Promise<void> {
  const last = await ctx.log.lastSeq(subjectFor(ctx.log.root, sessionId, "session"));
  if (last === 0) throw new NotFoundError(`no session ${sessionId}`);
}
