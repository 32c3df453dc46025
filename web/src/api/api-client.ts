import { ApiError, apiErrorOf } from "./api-error.ts";

export type Query = Record<string, string | number | boolean | undefined>;

/** The gateway's REST API with one key (sent as X-API-Key); every call may be cancelled with the page's signal. */
export interface ApiClient {
  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T>;
  send<T>(method: "POST" | "PUT", path: string, body?: unknown, signal?: AbortSignal): Promise<T>;
  readonly key: string;
}

/** `/api/v1` + path + query string (undefined values left out). */
export function apiUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return `api/v1${path}${qs ? `?${qs}` : ""}`;
}

export function createApiClient(key: string): ApiClient {
  const call = async <T>(method: string, url: string, body: unknown, signal?: AbortSignal): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          "x-api-key": key,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === "AbortError") throw e;
      throw new ApiError(0, "NETWORK", `the gateway did not answer (${(e as Error).message})`);
    }
    if (!res.ok) throw await apiErrorOf(res);
    return (await res.json()) as T;
  };
  return {
    key,
    get: (path, query, signal) => call("GET", apiUrl(path, query), undefined, signal),
    send: (method, path, body, signal) => call(method, apiUrl(path), body ?? {}, signal),
  };
}
