#!/usr/bin/env node
// The `cryptofunk` command: the sources through tsx in a checkout; the compiled dist/ where only it ships (images).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiled = join(root, "dist", "infra", "cli", "main.js");
const source = join(root, "infra", "cli", "main.ts");
if (!existsSync(source) && existsSync(compiled)) {
  const { main } = await import(pathToFileURL(compiled).href);
  await main();
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import(pathToFileURL(source).href);
  await main();
}
