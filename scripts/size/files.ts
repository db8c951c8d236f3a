// `pnpm check:size:files`: what each source file costs the trigger + authorize Worker of `check:size`, to
// find what to cut. Both Workers are bundled as `check:size` bundles them (minified, chunks split: the loaded
// entry only); each output byte is given to the source file the source map names for it. A file's gzipped
// cost is how much smaller the gzipped entry gets with that file's bytes taken out (so the costs overlap a
// little and add up to slightly more than the whole). Printed per file: the cost in the Worker, in the
// baseline (Effect + FetchHttpClient alone) and the difference, largest first; files whose cost did not move
// (Effect's runtime, which the baseline has too) are left out. An argument keeps only the paths containing it.
import * as esbuild from "esbuild"
import { join } from "node:path"
import { gzipSync } from "node:zlib"
import { root, workerBundleOptions } from "./workerBundle.js"

interface Cost {
  readonly minified: number
  readonly gzip: number
}

const base64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

/** The source index of every output byte, from the source map's mappings (-1 where none is named). */
const owners = (text: string, mappings: string): Int32Array => {
  const owner = new Int32Array(text.length).fill(-1)
  let offset = 0
  let source = 0
  let start = -1
  let owned = -1
  const close = (end: number) => {
    if (start >= 0 && owned >= 0) owner.fill(owned, start, end)
  }
  for (const line of mappings.split(";")) {
    let column = 0
    for (const segment of line.split(",")) {
      if (segment === "") continue
      const fields: Array<number> = []
      for (let i = 0, value = 0, shift = 0; i < segment.length; i++) {
        const digit = base64.indexOf(segment[i]!)
        value += (digit & 31) << shift
        if (digit & 32) {
          shift += 5
        } else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1)
          value = 0
          shift = 0
        }
      }
      column += fields[0]!
      close(offset + column)
      start = offset + column
      owned = -1
      if (fields.length >= 2) {
        source += fields[1]!
        owned = source
      }
    }
    const end = text.indexOf("\n", offset)
    close(end === -1 ? text.length : end)
    start = -1
    offset = end === -1 ? text.length : end + 1
  }
  return owner
}

const gzip = (text: string) => gzipSync(text, { level: 9 }).length

/** The cost of each source file of the loaded entry. */
const costs = async (entry: string): Promise<Map<string, Cost>> => {
  const result = await esbuild.build({
    ...workerBundleOptions,
    entryPoints: [join(root, "scripts", "size", entry)],
    minify: true,
    splitting: true,
    outdir: join(root, "size-out"),
    write: false,
    sourcemap: "external"
  })
  const name = entry.replace(/\.ts$/, ".js")
  const js = result.outputFiles.find((file) => file.path.endsWith(`/${name}`))
  const map = result.outputFiles.find((file) => file.path.endsWith(`/${name}.map`))
  if (js === undefined || map === undefined) throw new Error(`check:size:files: no output for ${entry}`)
  const text = js.text
  const { mappings, sources } = JSON.parse(map.text) as { mappings: string; sources: Array<string> }
  const owner = owners(text, mappings)
  const whole = gzip(text)
  const byFile = new Map<string, Cost>()
  sources.forEach((source, index) => {
    let kept = ""
    let minified = 0
    for (let i = 0; i < text.length; i++) {
      if (owner[i] === index) minified++
      else kept += text[i]
    }
    if (minified === 0) return
    // The same file under pnpm's store path or the workspace: named from the package on.
    const file = source.replace(/^.*node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/, "").replace(/^(\.\.\/)+/, "")
    byFile.set(file, { minified, gzip: whole - gzip(kept) })
  })
  return byFile
}

const only = process.argv[2]
const baseline = await costs("baseline-worker.ts")
const worker = await costs("pusher-worker.ts")
const none: Cost = { minified: 0, gzip: 0 }
const rows = [...new Set([...baseline.keys(), ...worker.keys()])]
  .filter((file) => only === undefined || file.includes(only))
  .map((file) => ({ file, worker: worker.get(file) ?? none, baseline: baseline.get(file) ?? none }))
  .filter((row) => row.worker.minified !== row.baseline.minified)
  .sort((a, b) => (b.worker.gzip - b.baseline.gzip) - (a.worker.gzip - a.baseline.gzip))
const column = (n: number) => String(n).padStart(8)
console.log(`${"+gzip".padStart(8)}${"+min".padStart(8)}${"gzip".padStart(8)}${"base".padStart(8)}  file`)
for (const row of rows) {
  console.log(
    `${column(row.worker.gzip - row.baseline.gzip)}${column(row.worker.minified - row.baseline.minified)}${
      column(row.worker.gzip)
    }${column(row.baseline.gzip)}  ${row.file}`
  )
}
