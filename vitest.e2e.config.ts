// The end-to-end suite (test/e2e) against a real soketi and real pusher-js clients: `pnpm test:e2e`.
// Files run one after another (each starts its own soketi); every wait inside is bounded much lower.
import { defineConfig } from "vitest/config"
import base from "./vitest.config.js"

export default defineConfig({
  resolve: base.resolve ?? {},
  test: {
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: ["test/e2e/globalSetup.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    teardownTimeout: 10_000
  }
})
