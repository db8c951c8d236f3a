// ARCHITECTURE.md lists the port files: the source files written once per Effect line, at the same path under
// packages/X/src and packages/effect4/X/src. Any other source file exists once. This fails when a file is
// written twice without being listed (a copy that should live in protocol), listed without existing on both
// lines, or exists only in the Effect 4 line.
import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const effect4 = join(dirname(fileURLToPath(import.meta.url)), "..", "..")
const packages = join(effect4, "..")
const architecture = readFileSync(join(packages, "..", "ARCHITECTURE.md"), "utf8")

const walk = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry)
    return statSync(path).isDirectory() ? walk(path) : path.endsWith(".ts") ? [path] : []
  })

const sourcesOf = (base: string) =>
  ["core", "platform-node"].flatMap((pkg) => walk(join(base, pkg, "src")).map((file) => relative(base, file)))

// The "port files" table of the "Two Effect lines" section: every `pkg/src/...` path in its first column.
const section = architecture.slice(architecture.indexOf("## Two Effect lines"))
const table = section.slice(
  section.indexOf("| port files |"),
  section.indexOf("\n\n", section.indexOf("| port files |"))
)
const listed = new Set(
  table.split("\n").slice(2).flatMap((row) =>
    [...(row.split("|")[1] ?? "").matchAll(/`((?:core|platform-node)\/src\/[^`]+\.ts)`/g)].map((m) => m[1]!)
  )
)

describe("port files", () => {
  const effect4Sources = sourcesOf(effect4)
  const effect3Sources = new Set(sourcesOf(packages))

  it("the table lists a real set", () => {
    expect(listed.size).toBeGreaterThan(40)
  })

  it("every Effect 4 source file is a port of the Effect 3 file at the same path", () => {
    expect(effect4Sources.filter((file) => !effect3Sources.has(file))).toEqual([])
  })

  it("ARCHITECTURE.md lists every port file, and only files that exist on both lines", () => {
    expect(effect4Sources.filter((file) => !listed.has(file))).toEqual([])
    expect([...listed].filter((file) => !effect3Sources.has(file) || !effect4Sources.includes(file))).toEqual([])
  })
})
