/**
 * Runs once before the e2e files: installs soketi into test/soketi if it is missing (the e2e script does
 * this too; this covers `npx vitest --config vitest.e2e.config.ts` run directly).
 */
import * as Soketi from "./harness/soketi.js"

export default function setup() {
  Soketi.ensureInstalled()
}
