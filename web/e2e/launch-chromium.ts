import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium (package `chromium`): the browser the UI tests drive; playwright-core downloads none. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Headless in a container: no sandbox (no user namespaces), no GPU, and no traffic of the browser's own (updates,
// sync, safe-browsing lists), so the tests touch only the gateway they started. Playwright adds --headless and a
// fresh temporary --user-data-dir of its own (it refuses one in args), removed when the browser closes.
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Launches headless Chromium with a fresh profile. Throws (never skips) when the browser is missing, saying how to
 * install it, so a CI without it fails rather than passing without having looked at the UI.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is not installed at ${chromiumPath}: install Debian's package with ` +
        "`apt-get install -y chromium` (.ci/run does it when missing), or point CHROMIUM_PATH at a Chromium binary",
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    timeout: 30_000,
  });
}
