// The end-to-end suite (test/e2e) with real pusher-js clients, run twice: against a real soketi and against
// the library's own server (NodePusherTest), the same tests with what differs in test/e2e/harness/profile.ts.
// `pnpm test:e2e`. Files run one after another (each starts its own server); every wait is bounded lower.
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
    teardownTimeout: 10_000,
    projects: [
      { extends: true, test: { name: "soketi", env: { E2E_SERVER: "soketi" } } },
      { extends: true, test: { name: "local", env: { E2E_SERVER: "local" } } }
    ]
  }
})
