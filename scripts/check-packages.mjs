// `pnpm check:packages`: packs every published package as a user gets it (scripts/pack.mjs) and checks each
// tarball: its manifest (no `workspace:` range left, repository/homepage/bugs/keywords), its files (README,
// LICENSE, and for every source module its .js, .d.ts and both maps), that every source map resolves inside
// the tarball (so go-to-definition lands in the shipped `src/`), publint (strict), and attw for node16 from
// ESM and bundler on every public module (`--profile esm-only`: the packages are ESM only; `require()` from
// CommonJS is proven by `pnpm test:pack`). Both lines: the Effect 3 packages (build/pack) and the Effect 4 ones,
// packed in their own workspace, packages/effect4 (build/pack-effect4), whose `workspace:` ranges must come out
// as that workspace's versions (`@effect-pusher/core` 1.x) and whose `effect` peer range must accept the
// effect it is built and tested with. Prints `N passed, N failed`; exits 1 on a failure.
//
//   pnpm check:packages             pack, then check
//   pnpm check:packages --packed    check the tarballs already in build/pack and build/pack-effect4
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, relative } from "node:path"
import { effectVersionFrom, packEffect4 } from "./effect4.mjs"
import { packAll, root } from "./pack.mjs"

// The tools' own bin files, run with this Node (their package.json is not exported: found from node_modules).
const bin = (pkg, path) => join(root, "node_modules", pkg, path)
const publint = bin("publint", "src/cli.js")
const attw = bin("@arethetypeswrong/cli", "dist/index.js")

let passed = 0
let failed = 0
const check = (name, problems, output = "") => {
  if (problems.length === 0) {
    passed++
    console.log(`ok    ${name}`)
  } else {
    failed++
    console.log(`FAIL  ${name}\n${problems.map((p) => `      ${p}`).join("\n")}`)
    if (output !== "") console.log(output.replace(/^/gm, "      | "))
  }
}

const walk = (dir) =>
  readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })

const run = (args) => {
  const result = spawnSync(process.execPath, args, { encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } })
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() }
}

/** The version each `@effect-pusher/*` range of a line's tarballs must name: that line's workspace's. */
const versionsOf = (folders) =>
  Object.fromEntries(folders.map((folder) => {
    const manifest = JSON.parse(readFileSync(join(root, "packages", folder, "package.json"), "utf8"))
    return [manifest.name, manifest.version]
  }))

/** `~x.y.z` or `^x.y.z` (what the manifests use) accepts `version`. */
const accepts = (range, version) => {
  const match = /^([~^])(\d+)\.(\d+)\.(\d+)$/.exec(range)
  if (match === null) return false
  const [want, have] = [match.slice(2).map(Number), version.split(".").map(Number)]
  const sameMajor = have[0] === want[0]
  const sameMinor = sameMajor && have[1] === want[1]
  const atLeast = have[0] > want[0] || (sameMajor && (have[1] > want[1] || (sameMinor && have[2] >= want[2])))
  return atLeast && (match[1] === "~" ? sameMinor : sameMajor)
}

const reuse = process.argv.includes("--packed")
const lines = [
  {
    line: "Effect 3",
    packages: packAll({ reuse }),
    versions: versionsOf(["protocol", "core", "platform-node"]),
    effect: JSON.parse(readFileSync(join(root, "node_modules", "effect", "package.json"), "utf8")).version
  },
  {
    line: "Effect 4",
    packages: packEffect4({ reuse }),
    versions: versionsOf(["protocol", "effect4/core", "effect4/platform-node"]),
    effect: effectVersionFrom("core")
  }
]
const list = lines.flatMap(({ effect, line, packages, versions }) =>
  packages.map((p) => ({ ...p, line, versions, effect }))
)
const work = mkdtempSync(join(tmpdir(), "check-packages-"))
try {
  for (const p of list) {
    if (p.problem !== undefined) {
      check(`${p.name} (${p.line} line): pack`, [p.problem], p.output ?? "")
      continue
    }
    const id = `${p.name}@${p.version}`
    const unpacked = join(work, p.folder)
    mkdirSync(unpacked, { recursive: true })
    const untar = spawnSync("tar", ["xzf", p.tarball, "-C", unpacked, "--strip-components=1"], { encoding: "utf8" })
    if (untar.status !== 0) {
      check(`${id}: unpack`, [untar.stderr])
      continue
    }
    const files = new Set(walk(unpacked).map((file) => relative(unpacked, file)))
    const manifest = JSON.parse(readFileSync(join(unpacked, "package.json"), "utf8"))

    // The manifest a user installs.
    const manifestProblems = []
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
      for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
        if (String(range).startsWith("workspace:")) manifestProblems.push(`${field}.${dep} is ${range}`)
        // Packed in its own line's workspace: a merged workspace would give the other line's version.
        const version = p.versions[dep]
        if (version !== undefined && !accepts(String(range), version)) {
          manifestProblems.push(`${field}.${dep} is ${range}: not this line's ${dep}@${version}`)
        }
      }
    }
    const effectRange = manifest.peerDependencies?.effect
    // The protocol imports nothing from effect; every other package names the effect it was built with.
    const acceptsBuiltEffect = effectRange !== undefined && p.effect !== undefined && accepts(effectRange, p.effect)
    if (p.folder !== "protocol" && !acceptsBuiltEffect) {
      manifestProblems.push(`peerDependencies.effect is ${effectRange}: does not accept effect ${p.effect}, built with`)
    }
    if (manifest.engines?.node === undefined) manifestProblems.push("no engines.node")
    if (manifest.repository?.directory !== `packages/${p.folder}`) manifestProblems.push("repository.directory")
    for (const field of ["license", "homepage", "bugs", "keywords", "description"]) {
      if (manifest[field] === undefined) manifestProblems.push(`no ${field}`)
    }
    check(`${id} (${p.line} line): manifest`, manifestProblems)

    // Every source module is shipped built, typed and mapped; README and LICENSE are there.
    const fileProblems = ["README.md", "LICENSE"].filter((file) => !files.has(file)).map((file) => `no ${file}`)
    const sources = [...files].filter((file) => file.startsWith("src/") && file.endsWith(".ts"))
    if (sources.length === 0) fileProblems.push("no src/*.ts")
    for (const source of sources) {
      const base = `dist/${source.slice("src/".length, -".ts".length)}`
      for (const ext of [".js", ".js.map", ".d.ts", ".d.ts.map"]) {
        if (!files.has(base + ext)) fileProblems.push(`no ${base}${ext} for ${source}`)
      }
    }
    const orphans = [...files].filter((file) =>
      file.startsWith("dist/") && file.endsWith(".js") && !files.has(`src/${file.slice(5, -3)}.ts`)
    )
    for (const orphan of orphans) fileProblems.push(`${orphan} has no source (a stale build?)`)
    check(`${id}: files (${sources.length} modules)`, fileProblems)

    // Every map points at sources inside the tarball.
    const mapProblems = []
    const maps = [...files].filter((file) => file.endsWith(".map"))
    for (const map of maps) {
      const { sources: mapped = [] } = JSON.parse(readFileSync(join(unpacked, map), "utf8"))
      if (mapped.length === 0) mapProblems.push(`${map} maps no source`)
      for (const source of mapped) {
        const target = relative(unpacked, join(unpacked, dirname(map), source))
        if (!files.has(target)) mapProblems.push(`${map} → ${source} (not in the tarball)`)
      }
    }
    check(`${id}: ${maps.length} source maps resolve inside the tarball`, mapProblems)

    const lint = run([publint, "run", p.tarball, "--strict"])
    check(`${id}: publint --strict`, lint.ok && /All good/.test(lint.output) ? [] : ["publint"], lint.output)

    // Each public module by name (`exports` maps `./*`, which attw cannot enumerate on its own).
    const modules = [...files]
      .filter((file) => /^dist\/[A-Za-z]+\.d\.ts$/.test(file) && file !== "dist/index.d.ts")
      .map((file) => `./${file.slice(5, -5)}`)
    const types = run([
      attw,
      p.tarball,
      "--profile",
      "esm-only",
      "--format",
      "table-flipped",
      "--no-emoji",
      "--include-entrypoints",
      ...modules
    ])
    check(
      `${id}: attw node16 (ESM) and bundler, ${modules.length + 1} entrypoints`,
      types.ok ? [] : ["attw"],
      types.ok ? "" : types.output
    )
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}

console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
