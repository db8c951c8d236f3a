// `pnpm test:e2e`: the end-to-end suite (real pusher-js clients against a real soketi and against the library's
// own server) of both lines, one after the other, each printing its own `N passed, N failed`; fails if either
// fails. Arguments go to both vitest runs (a file filter such as `auth` selects the same file on both lines).
//
//   the Effect 3 line   test/e2e, vitest.e2e.config.ts, on this Node
//   the Effect 4 line   packages/effect4/test/e2e, its vitest.e2e.config.ts (vitest 5), on the Node >= 22.19 that
//                       scripts/effect4.mjs finds; soketi still runs on this Node (E2E_SOKETI_NODE), since the
//                       uWebSockets.js soketi loads has native binaries for Node 16, 18 and 20 only
//
// soketi is installed into test/soketi by the `test:e2e` script line (and by each line's globalSetup).
import { spawnSync } from "node:child_process"
import { join } from "node:path"
import { effect4Dir, node22, root } from "./effect4.mjs"

const args = process.argv.slice(2)
const vitestSummary = join(root, "scripts", "vitest-summary.mjs")

/** The exit code of one line's run; `status` is null when the run was killed by a signal: a failure. */
const run = (node, options, env) => {
  const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim()
  const result = spawnSync(
    node,
    [
      vitestSummary,
      ...options,
      "--label",
      `${env.label} (Node ${version})`,
      "--config",
      "vitest.e2e.config.ts",
      ...args
    ],
    { cwd: root, stdio: "inherit", env: env.vars }
  )
  return result.status ?? 1
}

// Both lines always run: a failure in one does not hide the other's result.
const effect3 = run(process.execPath, [], { label: "Effect 3 line, e2e", vars: process.env })
const soketiNode = process.env.E2E_SOKETI_NODE !== undefined && process.env.E2E_SOKETI_NODE !== ""
  ? process.env.E2E_SOKETI_NODE
  : process.execPath
const effect4 = run(node22(), ["--workspace", effect4Dir], {
  label: "Effect 4 line, e2e",
  vars: { ...process.env, E2E_SOKETI_NODE: soketiNode }
})
process.exit(effect3 !== 0 ? effect3 : effect4)
