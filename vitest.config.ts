import { defineConfig } from "vitest/config";

// kysely is inlined so its FileMigrationProvider's dynamic import() of projections/migrations/*.ts goes through
// the test transform (natively, Node 20 cannot import .ts files).
const server = { deps: { inline: ["kysely"] } };

// Test tiers by file name: *.test.ts are pure (no services), *.int.test.ts use the real NATS and Postgres,
// *.e2e.test.ts run whole processes; *.faults.test.ts break things on purpose and take minutes (`npm run test:faults`,
// not part of `npm test`).
export default defineConfig({
  test: {
    // Vitest's default on 2 cores is one file at a time; most integration files wait on NATS, Postgres or child
    // processes, so three at once roughly halve CI's wall time. (The faults project still runs its files one by one.)
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: "unit",
          include: ["{events,actors,projections,gateway,infra,scripts,web}/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/*.e2e.test.ts", "**/*.faults.test.ts", "**/node_modules/**"],
          testTimeout: 30_000,
          server,
        },
      },
      {
        test: {
          name: "int",
          include: ["{events,actors,projections,gateway,infra,scripts,web}/**/*.{int,e2e}.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          server,
        },
      },
      {
        test: {
          name: "faults",
          include: ["{events,actors,projections,gateway,infra,scripts,web}/**/*.faults.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 900_000,
          hookTimeout: 120_000,
          fileParallelism: false,
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
