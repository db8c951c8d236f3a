/**
 * Generates the API reference under docs/api/ with @effect/docgen, one folder per package.
 *
 *   pnpm docs:api         regenerate docs/api/
 *   pnpm check:api-docs   regenerate into a temporary folder and fail if docs/api/ differs (drift)
 *
 * docgen runs once per package with that package's own `docgen.json` (as in the Effect monorepo). It fails
 * on an export without a description or `@since`, and type-checks and runs every `@example` (its
 * examples are complete programs against the in-memory emulator, so running them needs no network).
 *
 * Why a scratch folder: docgen reads `name` and `homepage` from the package.json of the folder it runs in,
 * and a package's real manifest need not have a homepage. So it runs in `packages/X/build/docgen/`, which
 * holds a two-field package.json, a copy of `docgen.json` and a `src` link to the package's sources;
 * examples import the package by name and docgen rewrites that to `../../src`, which is that link.
 * Workspace packages and `.js` import suffixes resolve through the `@effect-pusher/source` condition
 * (`customConditions` for tsc in `docgen.json`, `--conditions` for the tsx run), so nothing is built first.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
// @ts-expect-error: a plain .mjs script, without declarations
import { node22 } from "./effect4.mjs"

const root = path.resolve(import.meta.dirname, "..")
const packages = ["protocol", "core", "platform-node", "effect4/core", "effect4/platform-node"] as const

/** The npm name of a package folder: the Effect 4 line's packages have the Effect 3 line's names. */
const nameOf = (pkg: string): string => `@effect-pusher/${pkg.replace(/^effect4\//, "")}`

/** Which line a package folder belongs to, for the index's headings. */
const lineOf = (pkg: string): string =>
  pkg.startsWith("effect4/") ? " (Effect 4 line, 1.x)" : pkg === "protocol" ? " (both lines)" : " (Effect 3 line, 0.x)"
const bin = path.join(root, "node_modules", ".bin")

interface Run {
  readonly pkg: string
  readonly code: number
  readonly output: string
  readonly seconds: number
}

const prepare = (pkg: string): string => {
  const dir = path.join(root, "packages", pkg)
  const scratch = path.join(dir, "build", "docgen")
  fs.rmSync(scratch, { recursive: true, force: true })
  fs.mkdirSync(scratch, { recursive: true })
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
    readonly name: string
    readonly homepage?: string
  }
  fs.writeFileSync(
    path.join(scratch, "package.json"),
    JSON.stringify({ name: manifest.name, homepage: manifest.homepage ?? "", type: "module" }, null, 2)
  )
  fs.copyFileSync(path.join(dir, "docgen.json"), path.join(scratch, "docgen.json"))
  fs.symlinkSync(path.join("..", "..", "src"), path.join(scratch, "src"))
  return scratch
}

const docgen = (pkg: string): Promise<Run> =>
  new Promise((resolve) => {
    const started = Date.now()
    const scratch = prepare(pkg)
    const child = spawn(path.join(bin, "docgen"), [], {
      cwd: scratch,
      env: {
        ...process.env,
        // The Effect 4 line's examples run on Node 22 (its platform-node's undici 8 needs it): its folder goes
        // first on the PATH that docgen's `#!/usr/bin/env node` and the examples' runner look in.
        PATH: [bin, ...(pkg.startsWith("effect4/") ? [path.dirname(node22())] : []), process.env["PATH"] ?? ""]
          .join(path.delimiter),
        NODE_OPTIONS: `${process.env["NODE_OPTIONS"] ?? ""} --conditions=@effect-pusher/source`.trim()
      },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()))
    child.on("close", (code) =>
      resolve({ pkg, code: code ?? 1, output, seconds: Math.round((Date.now() - started) / 100) / 10 }))
  })

/** docgen's Markdown files of one package, relative to its `modules` folder, sorted. */
const listMarkdown = (dir: string): ReadonlyArray<string> =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((name) => name.endsWith(".ts.md")).sort()
    : []

const moduleName = (file: string): string => file.replace(/\.ts\.md$/, "")

/**
 * docgen writes Jekyll pages (front matter, `nav_order`) for a GitHub Pages site; here they are read on
 * GitHub or in an editor, so the front matter becomes a title that names the package.
 */
const toPage = (pkg: string, file: string, markdown: string): string => {
  const lines = markdown.split("\n")
  const close = lines.indexOf("---", 1)
  const body = close === -1 ? lines : lines.slice(close + 1)
  while (body[0] === "") body.shift()
  return [
    `# ${moduleName(file)}`,
    "",
    `\`${nameOf(pkg)}/${moduleName(file)}\`${lineOf(pkg)} · [API reference](${
      "../".repeat(pkg.split("/").length)
    }README.md)`,
    "",
    ...body
  ]
    .join("\n")
}

/**
 * The description of a package: the first JSDoc of its `src/index.ts` (docgen skips index.ts, whose first
 * comment it would also give to the first re-export), without its tags.
 */
const packageOverview = (pkg: string): string => {
  const source = fs.readFileSync(path.join(root, "packages", pkg, "src", "index.ts"), "utf8")
  const comment = /\/\*\*([\s\S]*?)\*\//.exec(source)?.[1] ?? ""
  return comment
    .split("\n")
    .map((line) => line.replace(/^\s*\* ?/, "").trimEnd())
    .filter((line) => !line.startsWith("@"))
    .join("\n")
    .trim()
}

const indexPage = (modules: ReadonlyMap<string, ReadonlyArray<string>>): string =>
  [
    "# API reference",
    "",
    "Generated by `@effect/docgen` from the JSDoc in `packages/*/src` (`pnpm docs:api`); do not edit by hand.",
    "CI fails when this folder differs from what the sources generate (`pnpm check:api-docs`).",
    "",
    ...packages.flatMap((pkg) => [
      `## ${nameOf(pkg)}${lineOf(pkg)}`,
      "",
      packageOverview(pkg),
      "",
      ...(modules.get(pkg) ?? []).map((file) => `- [${moduleName(file)}](${pkg}/${file})`),
      ""
    ])
  ].join("\n")

/** Runs docgen for every package and writes the Markdown into `out`; returns false on any failure. */
const generate = async (out: string): Promise<boolean> => {
  const runs = await Promise.all(packages.map(docgen))
  let ok = true
  for (const run of runs) {
    if (run.code !== 0) {
      ok = false
      process.stderr.write(`docgen failed for packages/${run.pkg} (${run.seconds}s):\n${run.output}\n`)
    } else {
      process.stdout.write(`docgen packages/${run.pkg}: ok (${run.seconds}s)\n`)
    }
  }
  if (!ok) return false
  fs.rmSync(out, { recursive: true, force: true })
  const modules = new Map<string, ReadonlyArray<string>>()
  for (const pkg of packages) {
    const from = path.join(root, "packages", pkg, "build", "docgen", "docs", "modules")
    const files = listMarkdown(from)
    modules.set(pkg, files)
    fs.mkdirSync(path.join(out, pkg), { recursive: true })
    for (const file of files) {
      fs.writeFileSync(path.join(out, pkg, file), toPage(pkg, file, fs.readFileSync(path.join(from, file), "utf8")))
    }
  }
  fs.writeFileSync(path.join(out, "README.md"), indexPage(modules))
  return true
}

/** Every file under `dir`, relative to it, sorted. */
const listAll = (dir: string, prefix = ""): ReadonlyArray<string> =>
  fs.existsSync(dir)
    ? fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((entry) =>
        entry.isDirectory()
          ? listAll(path.join(dir, entry.name), `${prefix}${entry.name}/`)
          : [`${prefix}${entry.name}`]
      )
      .sort()
    : []

const drift = (expected: string, actual: string): ReadonlyArray<string> => {
  const want = listAll(expected)
  const have = listAll(actual)
  const problems: Array<string> = []
  for (const file of want) {
    if (!have.includes(file)) problems.push(`missing: docs/api/${file}`)
    else if (fs.readFileSync(path.join(expected, file), "utf8") !== fs.readFileSync(path.join(actual, file), "utf8")) {
      problems.push(`differs: docs/api/${file}`)
    }
  }
  for (const file of have) if (!want.includes(file)) problems.push(`not generated: docs/api/${file}`)
  return problems
}

const main = async (): Promise<number> => {
  const started = Date.now()
  const check = process.argv.includes("--check")
  const docs = path.join(root, "docs", "api")
  if (!check) {
    const ok = await generate(docs)
    process.stdout.write(ok ? `docs/api/ written (${(Date.now() - started) / 1000}s)\n` : "")
    return ok ? 0 : 1
  }
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), "api-docs-"))
  try {
    if (!(await generate(temp))) return 1
    const problems = drift(temp, docs)
    if (problems.length > 0) {
      process.stderr.write(`docs/api/ is out of date; run \`pnpm docs:api\` and commit:\n${problems.join("\n")}\n`)
      return 1
    }
    process.stdout.write(`docs/api/ is up to date (${(Date.now() - started) / 1000}s)\n`)
    return 0
  } finally {
    fs.rmSync(temp, { recursive: true, force: true })
  }
}

main().then((code) => (process.exitCode = code))
