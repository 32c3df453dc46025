#!/usr/bin/env node
// Runs a TypeScript entry file through tsx's loader (the project ships sources; `npm run build` emits dist/ for images).
import { pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

register();
const [, , entry, ...rest] = process.argv;
if (!entry) {
  console.error("usage: run-ts <file.ts> [args…]");
  process.exit(2);
}
process.argv = [process.argv[0], entry, ...rest];
await import(pathToFileURL(entry).href);
