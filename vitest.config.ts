import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/`, import.meta.url))

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@effect-pusher\/protocol$/, replacement: `${src("protocol")}index.ts` },
      { find: /^@effect-pusher\/protocol\/(.*)$/, replacement: `${src("protocol")}$1.ts` },
      { find: /^@effect-pusher\/core$/, replacement: `${src("core")}index.ts` },
      { find: /^@effect-pusher\/core\/(.*)$/, replacement: `${src("core")}$1.ts` },
      { find: /^@effect-pusher\/platform-node$/, replacement: `${src("platform-node")}index.ts` },
      { find: /^@effect-pusher\/platform-node\/(.*)$/, replacement: `${src("platform-node")}$1.ts` }
    ]
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    // packages/effect4 is the Effect 4 line: its own workspace, vitest 5 and Node 22 (`pnpm test:effect4`).
    exclude: ["**/node_modules/**", "test/e2e/**", "packages/effect4/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
