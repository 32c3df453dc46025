/** An API failure as the UI shows it: the gateway's error code and message (status 0: no answer at all). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Reads the gateway's error shape `{"error":{"code","message"}}`, falling back on the HTTP status. */
export async function apiErrorOf(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || "request failed";
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  return new ApiError(res.status, code, message);
}

/** True for the rejection of a request cancelled because the page changed (not an error to show). */
export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === "AbortError";
}
