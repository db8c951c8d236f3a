// The Effect 4 line's end-to-end suite (test/e2e): the Effect 3 line's cases, written for Effect 4, with real
// pusher-js clients, run twice: against a real soketi and against the library's own server (NodePusherTest).
// vitest 5 needs Node >= 22.12: `pnpm test:e2e` at the repository's root runs it on a Node 22 (scripts/e2e.mjs),
// with soketi itself on the root's Node 20 (E2E_SOKETI_NODE: soketi's native WebSocket server has no Node 22
// binary). soketi's harness, ports and the servers' profile are the Effect 3 suite's (../../test/e2e/harness).
// Files run one after another (each starts its own server); every wait is bounded lower.
import { defineConfig } from "vitest/config"
import base from "./vitest.config.js"

export default defineConfig({
  resolve: base.resolve ?? {},
  test: {
    include: ["test/e2e/**/*.test.ts"],
    globalSetup: ["../../test/e2e/globalSetup.ts"],
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
