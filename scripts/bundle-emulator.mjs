// The `prepack` of @effect-pusher/emulator: bundles the `effect-pusher-emulator` command (its source is
// packages/platform-node/src/bin/emulator.ts, the Effect 3 NodePusherTest's command line) with everything it
// imports into one CommonJS file, dist/emulator.cjs. One file with no dependencies is what lets the command
// install beside either Effect line: a package that depended on effect 3 (or peer-depended on it, as
// @effect-pusher/platform-node@0 does) would conflict with an app on effect 4.
//
// Names are kept (errors and stacks stay readable); whitespace and syntax are minified: 2.16 MB → 1.46 MB.
// The licenses of the bundled packages go beside it in dist/THIRD_PARTY_LICENSES.md.
import { build } from "esbuild"
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"

const root = resolve(import.meta.dirname, "..")
const pkg = join(root, "packages", "emulator")
rmSync(join(pkg, "dist"), { recursive: true, force: true })
const result = await build({
  entryPoints: [join(root, "packages", "platform-node", "src", "bin", "emulator.ts")],
  outfile: join(pkg, "dist", "emulator.cjs"),
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // The workspace's sources, not a stale dist/ of platform-node or core.
  conditions: ["@effect-pusher/source"],
  // ws's optional native accelerators: it requires them in a try/catch and falls back to JavaScript.
  external: ["bufferutil", "utf-8-validate"],
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  metafile: true,
  logLevel: "warning"
})

// Each bundled npm package once: its name, version and license text.
const packageDirOf = (input) => {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)
  return match === null ? undefined : resolve(root, match[1])
}
const dirs = [...new Set(Object.keys(result.metafile.inputs).map(packageDirOf).filter((dir) => dir !== undefined))]
const notices = dirs.map((dir) => {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
  const file = readdirSync(dir).find((name) => /^(licen[sc]e|copying)(\.|$)/i.test(name))
  const text = file === undefined
    ? `(no license file; package.json says ${manifest.license})`
    : readFileSync(join(dir, file), "utf8").trim()
  return `## ${manifest.name}@${manifest.version} (${manifest.license})\n\n\`\`\`\n${text}\n\`\`\`\n`
}).sort()
writeFileSync(
  join(pkg, "dist", "THIRD_PARTY_LICENSES.md"),
  `# Packages bundled into emulator.cjs\n\n${notices.join("\n")}`
)
if (!existsSync(join(pkg, "dist", "emulator.cjs"))) process.exit(1)
console.log(
  `bundled packages/emulator/dist/emulator.cjs (${dirs.length} packages, their licenses in THIRD_PARTY_LICENSES.md)`
)
