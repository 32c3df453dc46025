import type { IPolicy } from "cockatiel";
import type { z } from "zod";
import { issuesFromZod, ValidationError } from "../../events/index.ts";
import { HttpStatusError, redact } from "./feed-policy.ts";

export type FetchLike = (
  url: string,
  init: { signal: AbortSignal; headers: Record<string, string> },
) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}>;

/** GETs `url` through `policy` (timeout + retries) and validates the JSON answer against `schema`. */
export async function fetchJson<S extends z.ZodType>(
  url: string,
  schema: S,
  policy: IPolicy,
  fetchImpl: FetchLike = globalThis.fetch,
): Promise<z.infer<S>> {
  const body = await policy.execute(async ({ signal }) => {
    const res = await fetchImpl(url, { signal, headers: { accept: "application/json" } });
    if (!res.ok) throw new HttpStatusError(url, res.status);
    return res.json();
  });
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ValidationError(`unexpected answer from ${redact(url)}`, issuesFromZod(parsed.error.issues));
  }
  return parsed.data;
}
