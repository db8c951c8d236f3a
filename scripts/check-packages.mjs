// `pnpm check:packages`: packs every published package as a user gets it (scripts/pack.mjs) and checks each
// tarball: its manifest (no `workspace:` range left, repository/homepage/bugs/keywords), its files (README,
// LICENSE, and for every source module its .js, .d.ts and both maps), that every source map resolves inside
// the tarball (so go-to-definition lands in the shipped `src/`), publint (strict), and attw for node16 from
// ESM and bundler on every public module (`--profile esm-only`: the packages are ESM only; `require()` from
// CommonJS is proven by `pnpm test:pack`). Prints `N passed, N failed`; exits 1 on a failure.
//
//   pnpm check:packages             pack, then check
//   pnpm check:packages --packed    check the tarballs already in build/pack
import { spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, relative } from "node:path"
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

const list = packAll({ reuse: process.argv.includes("--packed") })
const work = mkdtempSync(join(tmpdir(), "check-packages-"))
try {
  for (const p of list) {
    const unpacked = join(work, p.folder)
    mkdirSync(unpacked, { recursive: true })
    const untar = spawnSync("tar", ["xzf", p.tarball, "-C", unpacked, "--strip-components=1"], { encoding: "utf8" })
    if (untar.status !== 0) {
      check(`${p.name}: unpack`, [untar.stderr])
      continue
    }
    const files = new Set(walk(unpacked).map((file) => relative(unpacked, file)))
    const manifest = JSON.parse(readFileSync(join(unpacked, "package.json"), "utf8"))

    // The manifest a user installs.
    const manifestProblems = []
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
      for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
        if (String(range).startsWith("workspace:")) manifestProblems.push(`${field}.${dep} is ${range}`)
      }
    }
    if (manifest.repository?.directory !== `packages/${p.folder}`) manifestProblems.push("repository.directory")
    for (const field of ["license", "homepage", "bugs", "keywords", "description"]) {
      if (manifest[field] === undefined) manifestProblems.push(`no ${field}`)
    }
    check(`${p.name}: manifest`, manifestProblems)

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
    check(`${p.name}: files (${sources.length} modules)`, fileProblems)

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
    check(`${p.name}: ${maps.length} source maps resolve inside the tarball`, mapProblems)

    const lint = run([publint, "run", p.tarball, "--strict"])
    check(`${p.name}: publint --strict`, lint.ok && /All good/.test(lint.output) ? [] : ["publint"], lint.output)

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
      `${p.name}: attw node16 (ESM) and bundler, ${modules.length + 1} entrypoints`,
      types.ok ? [] : ["attw"],
      types.ok ? "" : types.output
    )
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}

console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
