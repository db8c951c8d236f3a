import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

// The Effect 4 line's unit tests. vitest 5 needs Node >= 22.12: run through `pnpm test:effect4` at the repository's
// root, which finds a Node 22 (see scripts/effect4.mjs). Sources are read as TypeScript, as on the Effect 3 line.
const src = (dir: string) => fileURLToPath(new URL(dir, import.meta.url))
const pkg = (name: string, dir: string) => [
  { find: new RegExp(`^@effect-pusher/${name}$`), replacement: `${src(dir)}index.ts` },
  { find: new RegExp(`^@effect-pusher/${name}/(.*)$`), replacement: `${src(dir)}$1.ts` }
]

export default defineConfig({
  resolve: {
    alias: [
      ...pkg("protocol", "../protocol/src/"),
      ...pkg("core", "./core/src/"),
      ...pkg("platform-node", "./platform-node/src/")
    ]
  },
  test: {
    include: ["*/test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
