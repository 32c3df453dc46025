import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** A certificate authority and one server certificate it signed, as PEM files in `dir`. */
export interface SelfSignedTls {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/**
 * Makes a throwaway CA and a server certificate for `localhost` (and, when `ipSan`, 127.0.0.1) with openssl. The CA
 * is the only trust anchor a client needs; leaving 127.0.0.1 out lets a test prove hostname verification.
 */
export function makeSelfSignedTls(dir: string, options: { ipSan?: boolean } = {}): SelfSignedTls {
  const openssl = (...args: string[]) => {
    try {
      execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    } catch (e) {
      throw new Error(`openssl ${args[0]} failed (is openssl installed? apt-get install -y openssl): ${e}`);
    }
  };
  const san = options.ipSan === false ? "DNS:localhost" : "DNS:localhost,IP:127.0.0.1";
  writeFileSync(
    join(dir, "server.ext"),
    `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`,
  );
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=cryptofunk test CA",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
  );
  openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=localhost",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
  );
  openssl(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "server.ext",
    "-out",
    "server.crt",
  );
  return { caFile: join(dir, "ca.crt"), certFile: join(dir, "server.crt"), keyFile: join(dir, "server.key") };
}
