// Runs vitest once with its JSON reporter beside the default one, then prints one plain line,
// `N passed, N failed`, so that a run that executed no test is visible (it counts as one failure). Exits with
// vitest's code, or 1 when no test ran at all.
//
//   --workspace DIR   runs the vitest installed in DIR, from DIR (its vitest.config.ts): the Effect 4 line's
//                     workspace, packages/effect4, has vitest 5 where the root has vitest 3
//   --label TEXT      printed before the count, naming the line the count is for
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"

const argv = process.argv.slice(2)
const option = (name) => {
  const at = argv.indexOf(name)
  if (at === -1) return undefined
  const [, value] = argv.splice(at, 2)
  if (value === undefined) {
    console.error(`${name} needs a value`)
    process.exit(1)
  }
  return value
}
const workspace = option("--workspace")
const label = option("--label")
const cwd = resolve(workspace ?? ".")

const dir = mkdtempSync(join(tmpdir(), "vitest-report-"))
const report = join(dir, "report.json")
// vitest's own CLI under this Node, not `npx vitest`: npx is npm, which warns ("Unknown env config") about
// each of the pnpm-only npm_config_* variables that `pnpm test` passes down.
// With --workspace, the one installed there: resolved from that folder, never from this script's (the root's).
const vitest = join(
  dirname(
    createRequire(workspace === undefined ? import.meta.url : join(cwd, "package.json")).resolve("vitest/package.json")
  ),
  "vitest.mjs"
)
const args = [
  vitest,
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
  ...argv
]
const run = spawnSync(process.execPath, args, { cwd, stdio: "inherit" })
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
if (passed === 0 && failed === 0) {
  console.log("no test ran: counted as one failure")
  failed = 1
}
if (label !== undefined) console.log(`${label}:`)
console.log(`${passed} passed, ${failed} failed`)
const code = run.status ?? 1
process.exit(code !== 0 ? code : passed === 0 ? 1 : 0)
