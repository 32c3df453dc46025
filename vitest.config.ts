import { defineConfig } from "vitest/config";

// kysely is inlined so its FileMigrationProvider's dynamic import() of projections/migrations/*.ts goes through
// the test transform (natively, Node 20 cannot import .ts files).
const server = { deps: { inline: ["kysely"] } };

// Test tiers by file name: *.test.ts are pure (no services), *.int.test.ts use the real NATS and Postgres,
// *.e2e.test.ts run whole processes.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["{events,actors,projections,gateway,infra,scripts}/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/*.e2e.test.ts", "**/node_modules/**"],
          testTimeout: 30_000,
          server,
        },
      },
      {
        test: {
          name: "int",
          include: ["{events,actors,projections,gateway,infra,scripts}/**/*.{int,e2e}.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          server,
        },
      },
    ],
    coverage: {
      provider: "v8",
      include: [
        "events/**/*.ts",
        "actors/**/*.ts",
        "projections/**/*.ts",
        "gateway/**/*.ts",
        "infra/**/*.ts",
      ],
      exclude: ["**/*.test.ts", "**/index.ts"],
      reporter: ["text-summary", "json-summary"],
      thresholds: {
        "events/**/*.ts": { lines: 80 },
      },
    },
  },
});
