import { defineConfig } from "vitest/config";

// Unit tests need nothing but Node. CLI tests run the built CLI in real
// temporary git repositories, without services. Integration tests talk to
// the real local stack (scripts/stack/up.sh) and run one file at a time,
// because they share one Docker engine, registry and Prefect server.
export default defineConfig({
  test: {
    projects: [
      {
        test: { name: "unit", include: ["test/unit/**/*.test.ts"] },
      },
      {
        test: {
          name: "cli",
          include: ["test/cli/**/*.test.ts"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
