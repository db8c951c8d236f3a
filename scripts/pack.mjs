// Packs every published package of the workspace with `pnpm pack` (which runs each package's `prepack`, a
// clean build, and rewrites `workspace:` ranges to versions) into build/pack/, as a user would get them from
// the registry. Shared by check-packages.mjs and test-pack.mjs; `--packed` reuses the tarballs of the last run.
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { join, resolve } from "node:path"

export const root = resolve(import.meta.dirname, "..")
export const packDir = join(root, "build", "pack")

/**
 * The published packages, in dependency order, each with its Effect line: the root workspace's (Effect 3, and
 * the Effect-free protocol and emulator) and packages/effect4's (Effect 4, same names, a higher major).
 */
export const packages = () =>
  [
    ["protocol", "shared"],
    ["core", "effect3"],
    ["platform-node", "effect3"],
    ["emulator", "shared"],
    ["effect4/core", "effect4"],
    ["effect4/platform-node", "effect4"]
  ].map(([folder, line]) => {
    const dir = join(root, "packages", folder)
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
    const tarball = join(packDir, `${manifest.name.replace(/^@/, "").replace("/", "-")}-${manifest.version}.tgz`)
    return { folder, line, dir, name: manifest.name, version: manifest.version, tarball, bin: manifest.bin }
  })

/** pnpm itself when this runs under pnpm (`pnpm check:packages`), else `npx pnpm@10`. */
const pnpm = () => {
  const execpath = process.env.npm_execpath
  return execpath !== undefined && /pnpm/.test(execpath) && existsSync(execpath)
    ? [process.execPath, [execpath]]
    : ["npx", ["--yes", "pnpm@10"]]
}

/**
 * Packs the packages (or reuses build/pack with `reuse`); returns them with their tarball paths. Exits on failure,
 * or with `keepGoing` returns a package that did not pack with `problem` (and its output's end) instead, so that
 * check:packages still checks the others and counts it (one line that does not build does not hide the other).
 */
export const packAll = ({ keepGoing = false, reuse = false } = {}) => {
  const list = packages()
  if (reuse && list.every((p) => existsSync(p.tarball))) return list
  rmSync(packDir, { recursive: true, force: true })
  mkdirSync(packDir, { recursive: true })
  const [command, prefix] = pnpm()
  const failures = new Map()
  for (const p of list) {
    const started = Date.now()
    const run = spawnSync(command, [...prefix, "pack", "--pack-destination", packDir], {
      cwd: p.dir,
      encoding: "utf8"
    })
    if (run.status !== 0 || !existsSync(p.tarball)) {
      if (!keepGoing) {
        process.stderr.write(`${run.stdout}${run.stderr}pnpm pack failed in packages/${p.folder}\n`)
        process.exit(1)
      }
      const output = `${run.stdout}${run.stderr}`.trim().split("\n")
      failures.set(p.folder, {
        problem: `pnpm pack failed in packages/${p.folder}` +
          (output.length > 40 ? ` (the last 40 of ${output.length} lines)` : ""),
        output: output.slice(-40).join("\n")
      })
      continue
    }
    console.log(`packed ${p.name}@${p.version} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
  }
  const extra = readdirSync(packDir).filter((file) => !list.some((p) => p.tarball === join(packDir, file)))
  if (extra.length > 0) {
    process.stderr.write(`unexpected files in ${packDir}: ${extra.join(", ")}\n`)
    process.exit(1)
  }
  return list.map((p) => ({ ...p, ...failures.get(p.folder) }))
}
