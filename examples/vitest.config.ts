import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"
import base from "../vitest.config.js"

// The sources of the packages, as in the root config; the examples' own tests and the vitest example.
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  resolve: { alias: base.resolve?.alias ?? [] },
  test: {
    include: ["test/**/*.test.ts", "vitest/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // The example servers run in their own processes and mostly wait on I/O: start them side by side.
    maxWorkers: 3,
    minWorkers: 1
  }
})
