// Node resolves a bare import by walking up the folders, so a package the Effect 4 workspace lacks is found in
// the root's node_modules, which hold the Effect 3 line's dependencies: `effect/Either` (gone in Effect 4)
// or `@effect/platform` type-check and even load from there, silently mixing the two majors. This test
// resolves every bare import of the Effect 4 line's sources, tests and harness from its own file and fails
// when one lands outside this workspace (or the shared protocol).
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, relative, sep } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const effect4 = join(dirname(fileURLToPath(import.meta.url)), "..", "..")
const protocol = join(effect4, "..", "protocol")

const walk = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((entry) => {
    if (entry === "node_modules" || entry === "dist" || entry === "build") return []
    const path = join(dir, entry)
    return statSync(path).isDirectory() ? walk(path) : path.endsWith(".ts") ? [path] : []
  })

const files = ["core", "platform-node", "test", "infra"].flatMap((folder) => walk(join(effect4, folder)))

// Static and dynamic imports and `export ... from` of a bare specifier (not relative, not node:).
const specifiers = (source: string): Array<string> =>
  [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)"([^".][^"]*)"/g)]
    .map((match) => match[1]!)
    .filter((specifier) => !specifier.startsWith("node:"))

// The folder Node takes a package from: the first node_modules/<name> walking up from the importing file
// (what Node does before it reads the package's exports).
const packageDirFrom = (from: string, name: string): string | undefined => {
  for (let dir = from;; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name)
    if (existsSync(candidate)) return realpathSync(candidate)
    if (dirname(dir) === dir) return undefined
  }
}

// Our own packages resolve through the `@effect-pusher/source` condition (vitest's aliases); the manifest
// shows where Node links them from, which is what this test is about.
const packageOf = (specifier: string): string =>
  specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!

const inside = (path: string, dir: string) => {
  const rel = relative(realpathSync(dir), path)
  return !rel.startsWith("..") && !rel.startsWith(sep)
}

describe("imports of the Effect 4 line", () => {
  it("reads a real set of files", () => {
    expect(files.length).toBeGreaterThan(100)
  })

  it("every bare import resolves inside packages/effect4 or packages/protocol", () => {
    const outside: Array<string> = []
    let checked = 0
    for (const file of files) {
      for (const specifier of new Set(specifiers(readFileSync(file, "utf8")))) {
        checked++
        const resolved = packageDirFrom(dirname(file), packageOf(specifier))
        if (resolved === undefined) {
          outside.push(`${relative(effect4, file)}: ${specifier} is not installed`)
          continue
        }
        if (!inside(resolved, effect4) && !inside(resolved, protocol)) {
          outside.push(`${relative(effect4, file)}: ${specifier} → ${resolved}`)
        }
      }
    }
    expect(checked).toBeGreaterThan(500)
    expect(outside).toEqual([])
  })

  it("every `effect/…` module imported exists in the installed Effect 4", () => {
    const effectDist = join(
      dirname(createRequire(join(effect4, "core", "src", "index.ts")).resolve("effect/package.json")),
      "dist"
    )
    const missing = files.flatMap((file) =>
      specifiers(readFileSync(file, "utf8"))
        .filter((specifier) => specifier.startsWith("effect/"))
        .filter((specifier) => {
          const module = specifier.slice("effect/".length)
          const exists = (path: string) => {
            try {
              return statSync(path).isFile()
            } catch {
              return false
            }
          }
          return !exists(join(effectDist, `${module}.js`)) && !exists(join(effectDist, module, "index.js"))
        })
        .map((specifier) => `${relative(effect4, file)}: ${specifier}`)
    )
    expect(missing).toEqual([])
  })
})
