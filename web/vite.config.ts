import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The web UI: plain TypeScript and lightweight-charts, bundled into web/dist (served by the gateway at `/`).
// Relative asset URLs (base "./") so the build also works behind a reverse proxy under a path prefix.
const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "./",
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL("./dist", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 400,
  },
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
});
