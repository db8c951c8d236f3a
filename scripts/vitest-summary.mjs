// Runs vitest once with its JSON reporter beside the default one, then prints one plain line,
// `N passed, N failed`, so that a run that executed no test is visible. Exits with vitest's code,
// or 1 when no test ran at all.
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"

const dir = mkdtempSync(join(tmpdir(), "vitest-report-"))
const report = join(dir, "report.json")
// vitest's own CLI under this Node, not `npx vitest`: npx is npm, which warns ("Unknown env config") about
// each of the pnpm-only npm_config_* variables that `pnpm test` passes down.
const vitest = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs")
const args = [
  vitest,
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
  ...process.argv.slice(2)
]
const run = spawnSync(process.execPath, args, { stdio: "inherit" })
let passed = 0
let failed = 0
try {
  const json = JSON.parse(readFileSync(report, "utf8"))
  passed = json.numPassedTests ?? 0
  // A file that failed to load, or whose setup (`beforeAll`, a shared layer) failed, has no failed test of
  // its own (none, or all skipped): count it as one failure.
  const brokenFiles = (json.testResults ?? []).filter((r) =>
    r.status === "failed" && !r.assertionResults.some((a) => a.status === "failed")
  )
  failed = (json.numFailedTests ?? 0) + brokenFiles.length
} catch {
  failed = 1
}
rmSync(dir, { recursive: true, force: true })
console.log(`${passed} passed, ${failed} failed`)
const code = run.status ?? 1
process.exit(code !== 0 ? code : passed === 0 ? 1 : 0)
