/**
 * Type-checks every TypeScript block of README.md and docs/*.md, so a pasted example compiles.
 *
 *   pnpm check:docs               README.md and docs/*.md
 *   pnpm check:docs --only docs   docs/*.md only
 *   pnpm check:docs --only README.md
 *
 * Convention: a block opened with ```ts (or ```typescript) is a complete program, type-checked alone as its
 * own module. A block opened with ```ts fragment continues the block before it in the same file: it is
 * appended to it (and to that block's own predecessors) and checked as one program, so a page can show a
 * program in steps. Other languages (```js, ```sh, ...) are not checked: the pusher@5.3.4 side of the
 * migration guide is plain JavaScript.
 *
 * Each program is checked against both Effect lines: as if it sat at the repository root (the Effect 3
 * line) and as if it sat in packages/effect4 (the Effect 4 line: `@effect-pusher/core` 1.x, effect 4.1). A
 * block whose fence says ```ts effect3 (or ```ts effect4) is for that line only: a page shows the Effect 3
 * form and, right after it, the Effect 4 one where the two differ (docs/effect4.md says why).
 *
 * Blocks are checked in memory (no files written), against the workspace packages' sources (the
 * `@effect-pusher/source` condition, so no build is needed), with
 * tsconfig.base.json's settings (strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess, ...) except
 * noUnusedLocals / noUnusedParameters: an example may name a value only to show its type.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import ts from "typescript"

const root = path.resolve(import.meta.dirname, "..")

interface Segment {
  readonly file: string
  /** 1-based line in the Markdown file of the block's first code line. */
  readonly line: number
  readonly code: string
}

/** The Effect lines a program is for: both, unless its first block's fence names one. */
type Line = "effect3" | "effect4"

interface Program {
  readonly segments: ReadonlyArray<Segment>
  readonly lines: ReadonlyArray<Line>
}

/** Where a line's programs are placed, so that `effect` and `@effect-pusher/*` resolve to that line's. */
const labels: Record<Line, string> = { effect3: "Effect 3", effect4: "Effect 4" }

const homes: Record<Line, string> = {
  effect3: root,
  effect4: path.join(root, "packages", "effect4")
}

interface Problem {
  readonly file: string
  readonly line: number
  readonly message: string
}

const usage = "usage: check-docs [--only docs | --only README.md]"

const parseArgs = (args: ReadonlyArray<string>): { readonly only: string | undefined } | string => {
  if (args.length === 0) return { only: undefined }
  if (args.length === 2 && args[0] === "--only" && (args[1] === "docs" || args[1] === "README.md")) {
    return { only: args[1] }
  }
  return usage
}

const markdownFiles = (only: string | undefined): ReadonlyArray<string> => {
  const docsDir = path.join(root, "docs")
  const docs = fs.existsSync(docsDir)
    ? fs.readdirSync(docsDir).filter((name) => name.endsWith(".md")).sort().map((name) => `docs/${name}`)
    : []
  if (only === "docs") return docs
  if (only === "README.md") return ["README.md"]
  return ["README.md", ...docs]
}

const fence = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/

/** Splits a Markdown file into programs: each ```ts block starts one, each ```ts fragment extends the last. */
const extract = (
  file: string,
  text: string
): { readonly programs: Array<Program>; readonly problems: Array<Problem> } => {
  const lines = text.split("\n")
  const programs: Array<Program> = []
  const problems: Array<Problem> = []
  let i = 0
  while (i < lines.length) {
    const open = fence.exec(lines[i] ?? "")
    if (open === null) {
      i++
      continue
    }
    const [, , marker = "```", lang = "", rest = ""] = open
    const start = i + 1
    let end = start
    while (end < lines.length && !(lines[end] ?? "").trim().startsWith(marker)) end++
    const code = lines.slice(start, end).join("\n")
    i = end + 1
    if (lang !== "ts" && lang !== "typescript") continue
    const segment: Segment = { file, line: start + 1, code }
    const words = rest.split(/\s+/).filter((word) => word.length > 0)
    if (words.includes("fragment")) {
      const previous = programs.pop()
      if (previous === undefined) {
        problems.push({ file, line: start, message: "a ```ts fragment block needs a ```ts block before it" })
        continue
      }
      programs.push({ segments: [...previous.segments, segment], lines: previous.lines })
    } else {
      const only = words.filter((word): word is Line => word === "effect3" || word === "effect4")
      programs.push({ segments: [segment], lines: only.length > 0 ? only : ["effect3", "effect4"] })
    }
  }
  return { programs, problems }
}

const compilerOptions = (): ts.CompilerOptions => {
  const configPath = path.join(root, "tsconfig.base.json")
  const read = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p))
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath)
  return {
    ...parsed.options,
    noEmit: true,
    composite: false,
    incremental: false,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    noUnusedLocals: false,
    noUnusedParameters: false,
    types: ["node"]
  }
}

interface Virtual {
  readonly path: string
  readonly text: string
  /** For each line of `text` (0-based), where it comes from. */
  readonly origin: ReadonlyArray<{ readonly file: string; readonly line: number }>
  readonly program: Program
  readonly line: Line
}

const toVirtual = (line: Line) => (program: Program, index: number): Virtual => {
  const first = program.segments[0]
  const name = `${(first?.file ?? "doc").replace(/[^A-Za-z0-9]/g, "_")}_L${first?.line ?? 0}_${index}.ts`
  const origin: Array<{ file: string; line: number }> = []
  const parts: Array<string> = []
  for (const segment of program.segments) {
    const lines = segment.code.split("\n")
    lines.forEach((_, offset) => origin.push({ file: segment.file, line: segment.line + offset }))
    parts.push(segment.code)
  }
  // the blocks live beside the line's package.json so that `@effect-pusher/core` resolves as it does for a user
  return { path: path.join(homes[line], `__check_docs__${name}`), text: parts.join("\n"), origin, program, line }
}

const check = (virtuals: ReadonlyArray<Virtual>): Array<Problem> => {
  const options = compilerOptions()
  const host = ts.createCompilerHost(options)
  const byPath = new Map(virtuals.map((virtual) => [path.normalize(virtual.path), virtual]))
  const getSourceFile = host.getSourceFile.bind(host)
  const fileExists = host.fileExists.bind(host)
  const readFile = host.readFile.bind(host)
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const virtual = byPath.get(path.normalize(fileName))
    return virtual === undefined
      ? getSourceFile(fileName, languageVersion, onError, shouldCreate)
      : ts.createSourceFile(fileName, virtual.text, languageVersion, true)
  }
  host.fileExists = (fileName) => byPath.has(path.normalize(fileName)) || fileExists(fileName)
  host.readFile = (fileName) => byPath.get(path.normalize(fileName))?.text ?? readFile(fileName)
  const program = ts.createProgram({ rootNames: [...byPath.keys()], options, host })
  const problems: Array<Problem> = []
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")
    const source = diagnostic.file
    const virtual = source === undefined ? undefined : byPath.get(path.normalize(source.fileName))
    if (source === undefined || diagnostic.start === undefined) {
      problems.push({ file: "(tsc)", line: 0, message })
    } else if (virtual === undefined) {
      const at = source.getLineAndCharacterOfPosition(diagnostic.start)
      problems.push({ file: path.relative(root, source.fileName), line: at.line + 1, message })
    } else {
      const at = source.getLineAndCharacterOfPosition(diagnostic.start)
      const where = virtual.origin[at.line] ?? { file: virtual.program.segments[0]?.file ?? "?", line: 0 }
      problems.push({ file: where.file, line: where.line, message: `${message} (column ${at.character + 1})` })
    }
  }
  return problems
}

const main = (): number => {
  const args = parseArgs(process.argv.slice(2))
  if (typeof args === "string") {
    console.error(args)
    return 2
  }
  const files = markdownFiles(args.only)
  const programs: Array<Program> = []
  const problems: Array<Problem> = []
  for (const file of files) {
    const extracted = extract(file, fs.readFileSync(path.join(root, file), "utf8"))
    programs.push(...extracted.programs)
    problems.push(...extracted.problems)
  }
  const virtuals = (["effect3", "effect4"] as const).flatMap((line) =>
    programs.filter((program) => program.lines.includes(line)).map(toVirtual(line))
  )
  // One TypeScript program per line: each line's blocks see that line's `effect`.
  for (const line of ["effect3", "effect4"] as const) {
    problems.push(
      ...check(virtuals.filter((virtual) => virtual.line === line)).map((problem) => ({
        ...problem,
        message: `[${labels[line]} line] ${problem.message}`
      }))
    )
  }
  const blocks = programs.reduce((n, program) => n + program.segments.length, 0)
  if (problems.length === 0) {
    const count = (line: Line) => virtuals.filter((virtual) => virtual.line === line).length
    console.log(
      `check-docs: ${blocks} TypeScript blocks in ${files.length} files compile ` +
        `(${count("effect3")} programs against the Effect 3 line, ${count("effect4")} against the Effect 4 line)`
    )
    return 0
  }
  // grouped by program (a block and its fragments), in file order, each shown with its line numbers
  const owner = (problem: Problem) =>
    virtuals.find((virtual) =>
      problem.message.startsWith(`[${labels[virtual.line]} line]`) &&
      virtual.origin.some((o) => o.file === problem.file && o.line === problem.line)
    )
  const failing = new Map<Virtual | undefined, Array<Problem>>()
  for (const problem of problems) {
    const key = owner(problem)
    failing.set(key, [...(failing.get(key) ?? []), problem])
  }
  for (const virtual of [undefined, ...virtuals]) {
    const found = failing.get(virtual)
    if (found === undefined) continue
    const sorted = [...found].sort((a, b) => a.line - b.line)
    if (virtual === undefined) {
      for (const problem of sorted) console.error(`${problem.file}:${problem.line}: ${problem.message}`)
      continue
    }
    const ranges = virtual.program.segments.map((segment) =>
      `${segment.file}:${segment.line}-${segment.line + segment.code.split("\n").length - 1}`
    )
    console.error(`\n✗ block ${ranges.join(" + ")}`)
    virtual.text.split("\n").forEach((text, index) => {
      const at = virtual.origin[index]
      console.error(`  ${String(at?.line ?? "").padStart(4)} | ${text}`)
    })
    for (const problem of sorted) console.error(`  ${problem.file}:${problem.line}: ${problem.message}`)
  }
  const programsFailing = [...failing.keys()].filter((key) => key !== undefined).length
  console.error(
    `\ncheck-docs: ${problems.length} errors in ${programsFailing} of ${programs.length} programs (${blocks} blocks)`
  )
  return 1
}

process.exitCode = main()
