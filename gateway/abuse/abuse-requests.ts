import { connect } from "node:net";
import { deflateSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { type ApiRole, apiRoles, type RouteRole, routeRoles } from "../auth/route-roles.ts";

/** How a request presents itself: no key, a key that cannot be valid, a revoked one, or a live key of a role. */
export type KeyKind = "none" | "malformed" | "unknown" | "revoked" | ApiRole;
export const keyKinds: readonly KeyKind[] = ["none", "malformed", "unknown", "revoked", ...apiRoles];

/** What the fuzzer knows about the gateway under test: keys to present and ids that exist. */
export interface AbuseTargets {
  readonly keys: Readonly<Record<"revoked" | ApiRole, string>>;
  /** Ids that exist (a session, a decision, an order, a strategy name…), so some requests reach past "not found". */
  readonly knownIds: readonly string[];
}

/** One generated request, sent byte for byte as described (no client-side normalisation). */
export interface AbuseRequest {
  /** The role-table entry aimed at, `METHOD /path/:param`. */
  readonly route: string;
  readonly method: string;
  /** The request target: path and query, already encoded (or deliberately not). */
  readonly target: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer | null;
  /** Sent with Transfer-Encoding: chunked instead of Content-Length. */
  readonly chunked: boolean;
  readonly key: KeyKind;
  /**
   * True when the request is aimed squarely at its route (its own method, well-formed params, headers within the
   * server's limits), so the route's role decides the status: the access guard runs before anything else.
   */
  readonly aimed: boolean;
}

const injections = [
  "' OR '1'='1",
  "'; drop table api_keys; --",
  '" OR ""="',
  "1; select pg_sleep(5)",
  "$where",
  '{"$gt":""}',
  "../../../../etc/passwd",
  "..\\..\\..\\windows\\win.ini",
  "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  "....//....//etc/passwd",
  "a\r\nSet-Cookie: pwned=1",
  "%0d%0aX-Injected:%201",
  "\u0000",
  "%00",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell probe, a literal on purpose.
  "${jndi:ldap://127.0.0.1/x}",
  "{{7*7}}",
  "<script>alert(1)</script>",
  "%s%s%s%n",
  "\u202eevil",
  "\ud800",
  "🦊💥",
  "__proto__",
  "constructor",
  "prototype",
  "cf.>",
  "*",
  ">",
  "NaN",
  "Infinity",
  "-1",
  "1e999",
  "99999999999999999999999",
  "0x7fffffff",
  "",
  " ",
  "null",
  "true",
];

const injection = fc.constantFrom(...injections);
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 3, arbitrary: injection },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 70_000 }).map((n) => "x".repeat(n)) },
);

/** A path segment: encoded so it stays one segment (aimed), or raw and hostile. */
function segment(targets: AbuseTargets) {
  const plain = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...targets.knownIds) },
    { weight: 4, arbitrary: text.filter((s) => s.length > 0 && s.length < 2000).map(percentEncode) },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/) },
  );
  const hostile = fc.constantFrom(
    "..",
    "%2e%2e",
    "%ZZ",
    "%",
    "a%2fb",
    "a/b",
    "",
    "x".repeat(10_000),
    "%C0%AE%C0%AE",
    "%ff%fe",
    ";x=1",
    "?",
    "#",
  );
  return fc.oneof(
    { weight: 5, arbitrary: plain.map((s) => ({ s, plain: true })) },
    { weight: 1, arbitrary: hostile.map((s) => ({ s, plain: false })) },
  );
}

const queryPair = fc.tuple(
  fc.oneof(
    fc.constantFrom(
      "limit",
      "offset",
      "from",
      "to",
      "types",
      "action",
      "symbol",
      "format",
      "sessionId",
      "status",
      "mode",
      "order",
      "agent",
      "maxRating",
      "since",
      "__proto__[admin]",
      "constructor[prototype][x]",
      "limit[]",
      "a[b][c][d][e]",
    ),
    fc.string({ maxLength: 10 }),
  ),
  fc.oneof(text, fc.integer().map(String), fc.constant("")),
);

/** JSON values that are not random noise: deep nesting, pollution keys, injections, numbers at the edges. */
const hostileJson = fc.oneof(
  fc.integer({ min: 1, max: 40_000 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`),
  fc.integer({ min: 1, max: 10_000 }).map((n) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`),
  fc.constant('{"__proto__":{"role":"admin","isAdmin":true},"constructor":{"prototype":{"polluted":1}}}'),
  fc.constant('{"config":{"__proto__":{"x":1}},"name":{"constructor":{"prototype":{"y":2}}}}'),
  fc.constant('{"$where":"sleep(1000)","$gt":"","name":{"$ne":null}}'),
  fc.constant('{"a":1e999,"b":-0,"c":123456789012345678901234567890,"d":"\\ud800"}'),
  fc.constant('{"a":1,"a":2,"a":{"b":3}}'),
  fc
    .record({
      mode: fc.constantFrom("paper", "backtest", "live", "x"),
      symbols: fc.array(text, { maxLength: 3 }),
      timeframe: fc.oneof(fc.constantFrom("1h", "1m", "1d"), text),
      initialCash: fc.oneof(fc.constantFrom("1000", "-1", "0", "1e400", "NaN"), text),
      source: fc.record({ kind: fc.oneof(fc.constantFrom("synthetic", "file"), text), ref: text }),
    })
    .map((r) => JSON.stringify(r)),
  fc
    .record({
      format: fc.constantFrom("yaml", "json", "xml", "toml"),
      content: fc.oneof(
        text,
        fc.constant("a: &a [*a, *a, *a]\nb: *a"),
        fc.constant(
          "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
        ),
        fc.constant("!!js/function 'function(){return 1}'"),
        fc.constant('{"name":"x","orchestrator":{"threshold":2}}'),
      ),
    })
    .map((r) => JSON.stringify(r)),
  fc
    .record({
      rating: fc.oneof(fc.integer({ min: -5, max: 10 }), text),
      tags: fc.array(text, { maxLength: 5 }),
      comment: text,
    })
    .map((r) => JSON.stringify(r)),
  fc.record({ name: text, role: fc.oneof(fc.constantFrom(...apiRoles), text) }).map((r) => JSON.stringify(r)),
  fc
    .record({ reason: text, commandId: text, config: fc.jsonValue({ maxDepth: 3 }) })
    .map((r) => JSON.stringify(r)),
);

const bodyText = fc.oneof(
  { weight: 3, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 4, arbitrary: hostileJson },
  { weight: 2, arbitrary: text },
  { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 300_000 }).map((n) => `"${"y".repeat(n)}"`) },
);

const body = fc.oneof(
  { weight: 5, arbitrary: bodyText.map((s) => Buffer.from(s, "utf8")) },
  // Invalid UTF-8: lone continuation bytes, overlong forms, a truncated sequence.
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 200 })
      .map((b) =>
        Buffer.concat([Buffer.from('{"x":"'), Buffer.from([0xc0, 0xaf, 0xff, 0xfe, 0xe2, 0x82]), b]),
      ),
  },
);

const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=utf-16",
  "application/json; charset=bogus",
  "application/vnd.api+json",
  "text/plain",
  "text/plain; charset=latin1",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "application/xml",
  "application/octet-stream",
  "application/yaml",
  "*/*",
  "",
  "application/json, text/plain",
  "x".repeat(3000),
);

type Encoding = "identity" | "gzip" | "deflate" | "gzip-bogus" | "br" | "bogus" | "gzip, gzip" | null;
const encoding = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Encoding>(null) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<Encoding>(
      "identity",
      "gzip",
      "deflate",
      "gzip-bogus",
      "br",
      "bogus",
      "gzip, gzip",
    ),
  },
);

const extraHeader = fc.oneof(
  fc.tuple(fc.constant("x-forwarded-for"), fc.oneof(fc.ipV4(), fc.ipV6(), text)),
  fc.tuple(fc.constant("origin"), fc.constantFrom("https://ui.example", "https://evil.example", "null")),
  fc.tuple(fc.constant("last-event-id"), text),
  fc.tuple(fc.constant("accept"), fc.constantFrom("*/*", "text/event-stream", "application/xml", "")),
  fc.tuple(fc.constant("accept-encoding"), fc.constantFrom("gzip", "br", "deflate", "*", "bogus;q=2")),
  fc.tuple(fc.constant("range"), fc.constantFrom("bytes=0-0", "bytes=-1", "bytes=999999-", "bytes=x")),
  fc.tuple(fc.constant("if-none-match"), fc.constantFrom('"x"', "*", "W/")),
  fc.tuple(fc.constant("access-control-request-method"), fc.constantFrom("GET", "DELETE", "TRACE", "")),
  fc.tuple(fc.constant("cookie"), text),
  fc.tuple(fc.constant("x-api-key"), text),
  fc.tuple(
    fc.string({ minLength: 1, maxLength: 20 }).filter((s) => /^[A-Za-z0-9-]+$/.test(s)),
    text,
  ),
);

/** A header far beyond the server's header limit (16 KiB): the HTTP parser must refuse it, not the process die. */
const hugeHeader = fc.integer({ min: 8_000, max: 40_000 }).map((n) => ["x-padding", "p".repeat(n)] as const);

/** Ways out of the UI root towards the file beside it (gateway-process.ts writes it), for the static routes. */
export const uiTraversals = [
  "../outside-the-root.txt",
  "..%2foutside-the-root.txt",
  "%2e%2e/outside-the-root.txt",
  "%2e%2e%2foutside-the-root.txt",
  "..%5coutside-the-root.txt",
  "....//outside-the-root.txt",
  "%252e%252e/outside-the-root.txt",
  "assets/../../outside-the-root.txt",
  "assets/..%2f..%2foutside-the-root.txt",
  "%c0%ae%c0%ae/outside-the-root.txt",
  "..;/outside-the-root.txt",
  "%00../outside-the-root.txt",
];

const methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"] as const;

/** A control character other than HTAB: node's HTTP parser refuses a header value holding one. */
const hasControlCharacter = (v: string) =>
  [...v].some((c) => {
    const code = c.charCodeAt(0);
    return (code < 0x20 && code !== 0x09) || code === 0x7f;
  });

/** Percent-encodes every byte of the UTF-8 form outside the unreserved set (lone surrogates become U+FFFD). */
function percentEncode(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9._~-]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Characters a header value cannot carry on the wire (CR, LF, NUL would break or extend the message). */
const headerSafe = (s: string) => s.replace(/[\r\n\0]/g, " ");

/**
 * Requests over every route of the role table and every method: params filled with known ids, junk and injection
 * strings; random and hostile headers, encodings and bodies; keys of every kind.
 */
export function abuseRequest(targets: AbuseTargets): fc.Arbitrary<AbuseRequest> {
  const routes = Object.keys(routeRoles);
  const seg = segment(targets);
  return fc
    .record({
      route: fc.constantFrom(...routes),
      ownMethod: fc.boolean(),
      method: fc.constantFrom(...methods),
      params: fc.array(seg, { minLength: 4, maxLength: 4 }),
      wildcard: fc.oneof(
        fc.array(seg, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...uiTraversals).map((t) => [{ s: t, plain: false }]),
      ),
      query: fc.array(queryPair, { maxLength: 5 }),
      key: fc.constantFrom(...keyKinds),
      bearer: fc.boolean(),
      body: fc.option(body, { freq: 2 }),
      contentType: fc.option(contentType, { freq: 4 }),
      encoding,
      chunked: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      headers: fc.array(extraHeader, { maxLength: 4 }),
      huge: fc.oneof({ weight: 39, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: hugeHeader }),
      wsUpgrade: fc.boolean(),
    })
    .map((r) => build(r, targets));
}

interface Drawn {
  readonly route: string;
  readonly ownMethod: boolean;
  readonly method: string;
  readonly params: readonly { s: string; plain: boolean }[];
  readonly wildcard: readonly { s: string; plain: boolean }[];
  readonly query: readonly (readonly [string, string])[];
  readonly key: KeyKind;
  readonly bearer: boolean;
  readonly body: Buffer | null;
  readonly contentType: string | null;
  readonly encoding: Encoding;
  readonly chunked: boolean;
  readonly headers: readonly (readonly [string, string])[];
  readonly huge: readonly [string, string] | null;
  readonly wsUpgrade: boolean;
}

function build(r: Drawn, targets: AbuseTargets): AbuseRequest {
  const [routeMethod, template] = r.route.split(" ") as [string, string];
  const method = r.ownMethod ? routeMethod : r.method;
  let i = 0;
  let plain = true;
  const take = () => {
    const p = r.params[i++ % r.params.length]!;
    // fastify answers 404 for a parameter over its maxParamLength (100) before any hook runs.
    plain &&= p.plain && p.s.length <= 100;
    return p.s;
  };
  let path: string;
  if (template === "*") {
    // The CORS preflight answers any path: aim it at another route of the table.
    const other = Object.keys(routeRoles)[r.params[0]!.s.length % Object.keys(routeRoles).length]!;
    path = other
      .split(" ")[1]!
      .replace(/:[A-Za-z]+/g, take)
      .replace("*", "x");
  } else if (template.endsWith("/*")) {
    path = `/${r.wildcard.map((w) => w.s).join("/")}`;
    plain = false; // the wildcard may land on /api/… (the API's 404) or a file: no role claim
  } else {
    path = template.replace(/:[A-Za-z]+/g, take);
  }
  const query = r.query.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v).slice(0, 20_000)}`).join("&");
  const target = query === "" ? path : `${path}?${query}`;
  const headers: [string, string][] = [];
  const keyValue = presented(r.key, targets);
  if (keyValue !== null)
    headers.push(r.bearer ? ["authorization", `Bearer ${keyValue}`] : ["x-api-key", keyValue]);
  let payload = r.body;
  if (payload !== null) {
    if (r.contentType !== null) headers.push(["content-type", r.contentType]);
    if (r.encoding !== null) {
      const [name, encoded] = encode(r.encoding, payload);
      headers.push(["content-encoding", name]);
      payload = encoded;
    }
  }
  for (const [k, v] of r.headers) {
    // The fuzz's extra x-api-key would replace the key under test: keep the key kind honest.
    if (k === "x-api-key" && keyValue !== null) continue;
    headers.push([k, headerSafe(v).slice(0, 4000)]);
  }
  if (r.wsUpgrade && template.endsWith("/ws")) {
    headers.push(["upgrade", "websocket"], ["connection", "Upgrade"]);
    headers.push(["sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="], ["sec-websocket-version", "13"]);
  }
  if (r.huge !== null) headers.push([r.huge[0], r.huge[1]]);
  const headSize = target.length + headers.reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v) + 4, 0);
  const aimed =
    plain &&
    method === routeMethod &&
    template !== "*" &&
    !r.headers.some(([k]) => k === "x-api-key" && keyValue === null) &&
    // Control characters in a header value make node's HTTP parser answer 400 before any route runs.
    !headers.some(([, v]) => hasControlCharacter(v)) &&
    headSize < 14_000; // node's HTTP parser refuses a head over 16 KiB (431) before any route runs
  return { route: r.route, method, target, headers, body: payload, chunked: r.chunked, key: r.key, aimed };
}

function presented(kind: KeyKind, targets: AbuseTargets): string | null {
  switch (kind) {
    case "none":
      return null;
    case "malformed":
      return "cf_not-a-key' OR '1'='1";
    case "unknown":
      return `cf_${"0".repeat(12)}${"A".repeat(32)}`;
    default:
      return targets.keys[kind];
  }
}

function encode(kind: Exclude<Encoding, null>, payload: Buffer): [string, Buffer] {
  switch (kind) {
    case "gzip":
      return ["gzip", gzipSync(payload)];
    case "deflate":
      return ["deflate", deflateSync(payload)];
    case "gzip-bogus":
      return ["gzip", payload];
    case "gzip, gzip":
      return ["gzip, gzip", gzipSync(gzipSync(payload))];
    default:
      return [kind, payload];
  }
}

/** What the route's role says a request aimed at it must get: "denied" 401/403, or access granted. */
export function expectedAccess(request: AbuseRequest): 401 | 403 | "granted" {
  const need = (routeRoles as Record<string, RouteRole>)[request.route]!;
  if (need === "public") return "granted";
  if (request.key === "none" || request.key === "malformed" || request.key === "unknown") return 401;
  if (request.key === "revoked") return 401;
  return apiRoles.indexOf(request.key) >= apiRoles.indexOf(need) ? "granted" : 403;
}

/** The server's answer as seen on the wire; `status` is null when the connection ended without a status line. */
export interface RawResponse {
  readonly status: number | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** "reset" (closed without an answer) or "timeout" (no complete answer in time), else null. */
  readonly failure: "reset" | "timeout" | null;
}

/**
 * Sends one request over a fresh TCP connection exactly as built (Connection: close) and reads the answer. Streams
 * (SSE, WebSocket upgrades) are cut once their headers arrive.
 */
export function sendRaw(port: number, request: AbuseRequest, timeoutMs = 15_000): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (failure: RawResponse["failure"]) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const all = Buffer.concat(chunks);
      const end = all.indexOf("\r\n\r\n");
      if (end < 0) {
        resolve({ status: null, headers: {}, body: Buffer.alloc(0), failure: failure ?? "reset" });
        return;
      }
      const head = parseHead(all.subarray(0, end).toString("latin1"));
      resolve({ status: head.status, headers: head.headers, body: all.subarray(end + 4), failure });
    };
    const timer = setTimeout(() => finish("timeout"), timeoutMs);
    socket.on("data", (b: Buffer) => {
      chunks.push(b);
      const all = Buffer.concat(chunks);
      const end = all.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = parseHead(all.subarray(0, end).toString("latin1"));
      const status = head.status ?? 0;
      const type = head.headers["content-type"] ?? "";
      const bodyless = request.method === "HEAD" || status === 101 || status === 204 || status === 304;
      if (bodyless || (status === 200 && type.startsWith("text/event-stream"))) return finish(null);
      const length = head.headers["content-length"];
      if (length !== undefined && all.length - end - 4 >= Number(length)) finish(null);
    });
    socket.on("end", () => finish(null));
    socket.on("close", () => finish(null));
    socket.on("error", () => finish(null));
    socket.on("connect", () => {
      const lines = [
        `${request.method} ${request.target} HTTP/1.1`,
        `host: 127.0.0.1:${port}`,
        "connection: close",
      ];
      for (const [k, v] of request.headers) lines.push(`${k}: ${v}`);
      const payload = request.body;
      if (payload !== null) {
        lines.push(request.chunked ? "transfer-encoding: chunked" : `content-length: ${payload.length}`);
      }
      // One write: a body arriving after the server has answered and closed would meet a RST, which can discard the
      // answer on the client side (a TCP matter, not the gateway's).
      const head = Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "utf8");
      const parts: Buffer[] = [head];
      if (payload !== null && request.chunked) {
        if (payload.length > 0)
          parts.push(Buffer.from(`${payload.length.toString(16)}\r\n`), payload, Buffer.from("\r\n"));
        parts.push(Buffer.from("0\r\n\r\n"));
      } else if (payload !== null) parts.push(payload);
      socket.write(Buffer.concat(parts));
    });
  });
}

function parseHead(head: string): { status: number | null; headers: Record<string, string> } {
  const [statusLine, ...rest] = head.split("\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? "");
  const headers: Record<string, string> = {};
  for (const line of rest) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: m === null ? null : Number(m[1]), headers };
}
