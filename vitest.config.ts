import { defineConfig } from "vitest/config";

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
        },
      },
      {
        test: {
          name: "int",
          include: ["{events,actors,projections,gateway,infra,scripts}/**/*.{int,e2e}.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 120_000,
          hookTimeout: 60_000,
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
