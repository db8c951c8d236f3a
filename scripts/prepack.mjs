// The `prepack` of every published package (run by `pnpm pack`, `pnpm publish`, `npm pack`, `npm publish` in
// the package's folder): a clean build of that package into `dist/`, so a tarball never ships stale files
// (`tsc -b` never deletes the output of a source that was removed or renamed, and skips the build when its
// tsbuildinfo says it is up to date even if `dist/` is gone, so both are removed first).
//
// `npm pack` keeps `workspace:` ranges as they are, and npm cannot install them (EUNSUPPORTEDPROTOCOL), so
// for a package that has one, packing with npm stops here with a message instead of writing a broken
// tarball; `pnpm pack` rewrites them to the versions of the workspace.
import { spawnSync } from "node:child_process"
import { readFileSync, rmSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"

const cwd = process.cwd()
const manifest = JSON.parse(readFileSync(join(cwd, "package.json"), "utf8"))
const agent = process.env.npm_config_user_agent ?? ""

const workspaceRanges = ["dependencies", "peerDependencies", "optionalDependencies"].flatMap((field) =>
  Object.entries(manifest[field] ?? {})
    .filter(([, range]) => String(range).startsWith("workspace:"))
    .map(([name, range]) => `${field}.${name}: ${range}`)
)
if (workspaceRanges.length > 0 && !agent.startsWith("pnpm/")) {
  console.error(
    `${manifest.name}: pack it with \`pnpm pack\` (or \`pnpm publish\`), which replaces the workspace ranges ` +
      `(${workspaceRanges.join(", ")}) with the versions of the workspace; ` +
      `${agent.split(" ")[0] || "this client"} would ship them as they are, and npm cannot install them.`
  )
  process.exit(1)
}

rmSync(join(cwd, "dist"), { recursive: true, force: true })
rmSync(join(cwd, "build", "tsbuildinfo", "build.tsbuildinfo"), { force: true })

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
const build = spawnSync(process.execPath, [tsc, "-b", "tsconfig.build.json"], { cwd, stdio: "inherit" })
process.exit(build.status ?? 1)
