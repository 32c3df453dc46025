/**
 * A URL fit for logs and error messages: the credentials in its userinfo masked — `scheme://user:***@host`, or
 * `scheme://***@host` when the userinfo is a single part (NATS reads that as a token). Works on lists (`a,b`) and on
 * strings that are not URLs (returned as they are).
 */
export function urlWithoutCredentials(url: string): string {
  return url.replace(/([a-z][a-z0-9+.-]*:\/\/)([^/@\s,]*)@/gi, (_, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(":");
    return `${scheme}${colon < 0 ? "***" : `${userinfo.slice(0, colon)}:***`}@`;
  });
}
