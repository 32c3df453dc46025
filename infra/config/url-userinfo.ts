import { ConfigError } from "../../events/index.ts";

/** A URL split from the credentials in its userinfo: `user:pass@` gives user and pass, a lone `token@` a token. */
export interface UrlUserinfo {
  /** The URL without its userinfo. */
  readonly url: string;
  readonly user?: string;
  readonly pass?: string;
  readonly token?: string;
}

/**
 * Splits `scheme://userinfo@rest` (percent-decoded); a URL without userinfo comes back as it is. `field` names the
 * setting in the error a malformed percent-encoding raises.
 */
export function splitUrlUserinfo(url: string, field: string): UrlUserinfo {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/@\s]*)@(.*)$/i.exec(url);
  if (m === null) return { url };
  const [, scheme = "", userinfo = "", rest = ""] = m;
  const decode = (v: string) => {
    try {
      return decodeURIComponent(v);
    } catch {
      throw new ConfigError(`${field}: the userinfo is not valid percent-encoding`, [
        { path: field, message: "bad percent-encoding in userinfo" },
      ]);
    }
  };
  const colon = userinfo.indexOf(":");
  const stripped = `${scheme}${rest}`;
  return colon < 0
    ? { url: stripped, token: decode(userinfo) }
    : { url: stripped, user: decode(userinfo.slice(0, colon)), pass: decode(userinfo.slice(colon + 1)) };
}
