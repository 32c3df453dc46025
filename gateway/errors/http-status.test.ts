import { describe, expect, it } from "vitest";
import {
  ConcurrencyError,
  CryptoFunkError,
  errorCodes,
  NotFoundError,
  UnavailableError,
  ValidationError,
} from "../../events/index.ts";
import { httpStatusForCode } from "./http-status.ts";
import { toHttpError } from "./to-http-error.ts";

describe("error codes → HTTP statuses", () => {
  it("maps every project error code to a status", () => {
    for (const code of errorCodes) expect(httpStatusForCode[code], code).toBeGreaterThanOrEqual(400);
    expect(Object.keys(httpStatusForCode).sort()).toEqual([...errorCodes].sort());
  });

  it("keeps the code, message and details of client errors", () => {
    const v = toHttpError(new ValidationError("bad field", [{ path: "a.b", message: "nope" }]));
    expect(v).toEqual({
      status: 400,
      serverFault: false,
      body: {
        error: {
          code: "VALIDATION",
          message: "bad field",
          details: { issues: [{ path: "a.b", message: "nope" }] },
        },
      },
    });
    expect(toHttpError(new NotFoundError("no such")).status).toBe(404);
    expect(toHttpError(new ConcurrencyError("raced")).status).toBe(409);
  });

  it("hides everything about unexpected errors, and names unavailable dependencies", () => {
    const e = toHttpError(
      new TypeError("cannot read properties of undefined (reading 'x') at /srv/app.ts:12"),
    );
    expect(e).toEqual({
      status: 500,
      serverFault: true,
      body: { error: { code: "INTERNAL", message: "internal error" } },
    });
    expect(JSON.stringify(toHttpError(new CryptoFunkError("CORRUPT", "/var/data torn")).body)).not.toContain(
      "/var",
    );
    expect(toHttpError(new UnavailableError("postgres: unreachable")).body.error.message).toBe(
      "postgres: unreachable",
    );
  });

  it("folds fastify's own client errors into the shape", () => {
    const tooLarge = Object.assign(new Error("Request body is too large"), {
      statusCode: 413,
      code: "FST_ERR_CTP_BODY_TOO_LARGE",
    });
    expect(toHttpError(tooLarge)).toMatchObject({
      status: 413,
      body: { error: { code: "PAYLOAD_TOO_LARGE" } },
    });
    const badJson = Object.assign(new SyntaxError("Unexpected token } in JSON"), { statusCode: 400 });
    expect(toHttpError(badJson)).toMatchObject({ status: 400, body: { error: { code: "VALIDATION" } } });
  });
});
