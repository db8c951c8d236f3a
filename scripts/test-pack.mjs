// `pnpm test:pack`: what a user gets from npm, tried as a user would, for each Effect line. Packs every
// published package (scripts/pack.mjs), and for each line makes a new app and installs the tarballs in ONE
// `npm install` of the line docs/install.md documents (Effect 4: `effect@latest`; Effect 3: the named ranges),
// with the emulator's tarball; an ERESOLVE fails it. Then, from the installed packages only:
//   - an ESM program (`import`) and a CommonJS one (`require()`, Node's require(esm): unflagged from Node
//     20.19 / 22.12), each doing a trigger and authorizeChannel (private and presence) with `PusherTest` in
//     process and with `NodePusherTest` served on 127.0.0.1 (stopped with its scope), the authorizations
//     compared with pusher@5.3.4's for the same app. The Effect 4 line's platform-node needs Node >= 22.19:
//     those programs run on the Node 22 that scripts/effect4.mjs finds, and its core alone on this Node 20;
//   - the README's quick start, run against the `effect-pusher-emulator` bin of the app (PUSHER_URL);
//   - a TypeScript consumer type-checked (strict) with the NodeNext and the bundler module resolutions;
//   - the bin itself, started from node_modules/.bin on a free port: pusher@5.3.4 triggers through the
//     PUSHER_URL it prints, Ctrl-C (SIGINT to its PID) stops it with exit code 0; a bad option exits with 1
//     and one line on stderr.
// Prints `N passed, N failed`; exits 1 on a failure.
//
//   pnpm test:pack             pack, then install and run
//   pnpm test:pack --packed    use the tarballs already in build/pack (from check:packages)
import { spawn, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { node22 } from "./effect4.mjs"
import { packAll, root } from "./pack.mjs"

const list = packAll({ reuse: process.argv.includes("--packed") })
const started = Date.now()
const require = createRequire(import.meta.url)

let passed = 0
let failed = 0
const report = (name, ok, detail) => {
  if (ok) passed++
  else failed++
  console.log(`${ok ? "ok  " : "FAIL"}  ${name}`)
  if (!ok && detail !== undefined) {
    const text = typeof detail === "string" ? detail : JSON.stringify(detail, null, 2)
    console.log(text.replace(/^/gm, "      | "))
  }
}

// The documented npm line of each Effect line: the first `npm install` naming our packages under its heading
// in docs/install.md, with the tarballs in place of our package names (they are not on the registry yet).
const installDoc = readFileSync(join(root, "docs", "install.md"), "utf8")
const installLineOf = (heading) => {
  const section = installDoc.split(/^## /m).find((part) => part.startsWith(heading))
  return section?.split("\n").find((line) => line.startsWith("npm install ") && line.includes("@effect-pusher/"))
}

// The README's quick start, the same program for both lines (CI runs it against each line's packages).
const readme = readFileSync(join(root, "README.md"), "utf8")
const quickStart = /^## Quick start[^\n]*\n[\s\S]*?```ts\n([\s\S]*?)```/m.exec(readme)?.[1]

// What the official library answers for the emulator's default app: the authorizations to match.
const Pusher = require("pusher")
const official = new Pusher({ appId: "123456", key: "test-key", secret: "test-secret" })
const presence = { user_id: "ada", user_info: { name: "Ada" } }
const expected = {
  private: official.authorizeChannel("123.456", "private-orders"),
  presence: official.authorizeChannel("123.456", "presence-lobby", presence)
}

// One scenario, run from ESM and from CommonJS; it prints `RESULT [checks]`. `overHttp: false` runs the
// core alone (the Effect 4 line's core on Node 20, where its platform-node does not run).
const scenario = ({ overHttp }) => `
const { Pusher, PusherTest } = core
const { Effect, Layer } = effect
const expected = ${JSON.stringify(expected)}
const presence = ${JSON.stringify(presence)}
const check = (name, ok, detail) => ({ name, ok: Boolean(ok), detail })

const scenario = Effect.gen(function*() {
  const emulator = yield* PusherTest.PusherTest
  const subscriber = yield* emulator.subscribe("orders")
  yield* Pusher.trigger("orders", "order-created", { id: 42 })
  const event = yield* emulator.takeEvent({ channel: "orders" })
  const privateAuth = yield* Pusher.authorizeChannel("123.456", "private-orders")
  const presenceAuth = yield* Pusher.authorizeChannel("123.456", "presence-lobby", presence)
  const requests = yield* emulator.requests
  return { subscriber, event, privateAuth, presenceAuth, requests }
})

const verify = (where, r) => [
  check(where + ": trigger reaches the subscriber",
    r.event.name === "order-created" && r.event.data?.id === 42 && r.event.recipients.includes(r.subscriber),
    r.event),
  check(where + ": authorizeChannel (private) equals pusher@5.3.4's", r.privateAuth.auth === expected.private.auth,
    { ours: r.privateAuth, official: expected.private }),
  check(where + ": authorizeChannel (presence) equals pusher@5.3.4's",
    r.presenceAuth.auth === expected.presence.auth && r.presenceAuth.channel_data === expected.presence.channel_data,
    { ours: r.presenceAuth, official: expected.presence })
]

const inProcess = scenario.pipe(Effect.provide(PusherTest.layer()))
${
  overHttp
    ? `const { NodePusherHttpClient, NodePusherTest } = node
const overHttp = Effect.gen(function*() {
  const served = yield* NodePusherTest.NodePusherTest
  return { ...(yield* scenario), served }
}).pipe(Effect.provide(Layer.merge(NodePusherTest.layer(), NodePusherHttpClient.layer())))

const program = Effect.gen(function*() {
  const a = yield* inProcess
  const b = yield* overHttp
  return [
    ...verify("PusherTest in process", a),
    ...verify("NodePusherTest on 127.0.0.1", b),
    check("NodePusherTest on 127.0.0.1: the trigger went over HTTP",
      b.served.hostname === "127.0.0.1" && b.served.port > 0 && b.requests.length === 1 && b.requests[0].status === 200,
      { url: b.served.url, requests: b.requests })
  ]
})`
    : `const program = Effect.map(inProcess, (a) => verify("PusherTest in process (core alone)", a))`
}
`

const esm = ({ overHttp }) =>
  `import * as core from "@effect-pusher/core"
${overHttp ? `import * as node from "@effect-pusher/platform-node"` : ""}
import * as effect from "effect"
${scenario({ overHttp })}
console.log("RESULT " + JSON.stringify(await effect.Effect.runPromise(program)))
`

// A CommonJS user requires effect too, and gets whatever build of it `require` resolves beside the ESM one our
// packages import (Effect 3 ships both; Effect 4 is ESM only and comes through require(esm)).
const cjs = ({ overHttp }) =>
  `"use strict"
const core = require("@effect-pusher/core")
${overHttp ? `const node = require("@effect-pusher/platform-node")` : ""}
const effect = require("effect")
${scenario({ overHttp })}
effect.Effect.runPromise(program).then((checks) => console.log("RESULT " + JSON.stringify(checks)))
`

// The consumer differs only where the Effect majors name things differently (Effect 4: `Config.ConfigError`).
const consumer = (line) =>
  `import { Pusher, PusherConfig, PusherError, PusherTest } from "@effect-pusher/core"
import * as Names from "@effect-pusher/protocol/Names"
import { NodePusher, NodePusherTest } from "@effect-pusher/platform-node"
import * as NodePusherHttpClient from "@effect-pusher/platform-node/NodePusherHttpClient"
${
    line === "effect4"
      ? `import { Config, Effect, Layer } from "effect"
type ConfigFailure = Config.ConfigError`
      : `import { type ConfigError, Effect, Layer } from "effect"
type ConfigFailure = ConfigError.ConfigError`
  }

// The client's options are checked when its layer is built: a bad one is a ConfigError.
const program: Effect.Effect<
  number,
  PusherError.PusherError | ConfigFailure,
  PusherConfig.PusherConfig | PusherTest.PusherTest
> =
  Effect.gen(function*() {
    const emulator = yield* PusherTest.PusherTest
    yield* Pusher.trigger("orders", "order-created", { id: 42 })
    const { auth } = yield* Pusher.authorizeChannel("123.456", "private-orders")
    const events = yield* emulator.events
    return events.length + auth.length + (Names.checkChannel("channel", "orders") === undefined ? 1 : 0)
  }).pipe(Effect.provide(NodePusherHttpClient.layer()))

export const inProcess: Effect.Effect<number, unknown> = program.pipe(Effect.provide(PusherTest.layer()))
export const overHttp: Effect.Effect<number, unknown> = program.pipe(Effect.provide(NodePusherTest.layer()))
export const live = NodePusher.layer({ appId: "1", key: "k", secret: "s", cluster: "eu" }).pipe(Layer.orDie)
`

// A Node app in TypeScript has @types/node (a dev dependency of the app, not a peer of ours: the workspace's
// copy stands in for it, Node 20's for the Effect 3 line, Node 22's for the Effect 4 one). Libraries'
// declarations are checked too (no skipLibCheck).
const tsconfig = (resolution, typeRoots) =>
  JSON.stringify({
    compilerOptions: {
      strict: true,
      exactOptionalPropertyTypes: true,
      noEmit: true,
      skipLibCheck: false,
      target: "ES2022",
      // Effect 4's own declarations name the Web Crypto types (CryptoKey, JsonWebKey), which @types/node 22 does
      // not declare globally: an Effect 4 app type-checks with the DOM lib (or skipLibCheck).
      lib: typeRoots.includes("effect4") ? ["ES2022", "DOM"] : ["ES2022"],
      typeRoots: [typeRoots],
      types: ["node"],
      ...(resolution === "bundler"
        ? { module: "ESNext", moduleResolution: "bundler" }
        : { module: "NodeNext", moduleResolution: "NodeNext" })
    },
    files: ["consumer.mts"]
  })

const within = (promise, ms) =>
  Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve("timeout"), ms).unref())])

// The installed bin, as a user starts it (`npx effect-pusher-emulator`), on a free port; `use` runs with its
// PUSHER_URL while it serves. The bin is a Node script (`#!/usr/bin/env node`): it runs on this Node 20.
const withEmulator = async (where, app, env, use) => {
  const bin = join(app, "node_modules", ".bin", "effect-pusher-emulator")
  const started = spawn(bin, ["--port", "0"], { cwd: app, env, stdio: ["ignore", "pipe", "pipe"] })
  let output = ""
  started.stdout.on("data", (chunk) => (output += chunk))
  started.stderr.on("data", (chunk) => (output += chunk))
  const exited = new Promise((resolve) => started.once("exit", (code, signal) => resolve(code ?? signal)))
  const url = await within(
    new Promise((resolve) => {
      const look = () => {
        const found = /^ {2}PUSHER_URL=(\S+)$/m.exec(output)
        if (found !== null) resolve(found[1])
        else if (started.exitCode !== null) resolve(undefined)
        else setTimeout(look, 50)
      }
      look()
    }),
    30_000
  )
  const serving = typeof url === "string" && url !== "timeout"
  report(`${where}: effect-pusher-emulator (bin) prints PUSHER_URL`, serving, output)
  if (serving) await use(url, () => output)
  started.kill("SIGINT")
  const code = await within(exited, 10_000)
  if (code === "timeout") started.kill("SIGKILL")
  report(`${where}: effect-pusher-emulator (bin) stops on Ctrl-C with exit code 0 within 10 s`, code === 0, {
    code,
    output
  })
}

// The child processes get the environment of a plain shell: pnpm's npm_config_* settings are pnpm's.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)))
const versionOf = (node) => spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim()

const tryLine = async ({ line, title, heading, node, typeRoots }) => {
  const where = title
  const installLine = installLineOf(heading)
  if (installLine === undefined) {
    report(`${where}: docs/install.md has an \`npm install\` line under "## ${heading}"`, false)
    return
  }
  // Our names (with or without a range, `@effect-pusher/core@^0.1`) become this line's tarballs.
  const ours = new Map(list.filter((p) => p.line === line || p.line === "shared").map((p) => [p.name, p.tarball]))
  const specs = [...installLine.matchAll(/"([^"]+)"|(\S+)/g)].map((m) => m[1] ?? m[2]).slice(2)
  const nameOf = (spec) => spec.replace(/^(@?[^@]+)@.*$/, "$1")
  const installArgs = [...new Set([...specs.map((spec) => ours.get(nameOf(spec)) ?? spec), ...ours.values()])]

  const app = mkdtempSync(join(tmpdir(), `effect-pusher-${line}-app-`))
  try {
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true }))
    const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", ...installArgs], {
      cwd: app,
      env,
      encoding: "utf8"
    })
    report(
      `${where}: one npm install of the tarballs and ${specs.filter((s) => !ours.has(nameOf(s))).join(" ")}` +
        " (no ERESOLVE)",
      install.status === 0,
      `${install.stdout}${install.stderr}`
    )
    if (install.status !== 0) return
    const manifest = (name) => JSON.parse(readFileSync(join(app, "node_modules", name, "package.json"), "utf8"))
    const installed = ["effect", "@effect/platform", "@effect/platform-node", "@effect-pusher/core"]
      .flatMap((name) => {
        try {
          return [`${name}@${manifest(name).version}`]
        } catch {
          return []
        }
      })
    console.log(`      installed: ${installed.join(", ")}`)
    report(
      `${where}: the app got this line's @effect-pusher/core`,
      manifest("@effect-pusher/core").version === list.find((p) => p.line === line && p.folder.endsWith("core"))
        ?.version,
      installed
    )

    const programs = [
      { node, overHttp: true },
      // The Effect 4 line's core runs on Node 20 too (its platform-node, like @effect/platform-node 4, does not).
      ...(node === process.execPath ? [] : [{ node: process.execPath, overHttp: false }])
    ]
    for (const { node: runner, overHttp } of programs) {
      const suffix = overHttp ? "" : "-core"
      writeFileSync(join(app, `esm${suffix}.mjs`), esm({ overHttp }))
      writeFileSync(join(app, `cjs${suffix}.cjs`), cjs({ overHttp }))
      for (const [kind, file] of [["ESM import", `esm${suffix}.mjs`], ["CommonJS require()", `cjs${suffix}.cjs`]]) {
        const label = `${where}, ${kind} (Node ${versionOf(runner)})`
        const run = spawnSync(runner, [file], { cwd: app, env, encoding: "utf8", timeout: 120_000 })
        const result = run.stdout.split("\n").find((l) => l.startsWith("RESULT "))
        if (run.status !== 0 || result === undefined) {
          report(`${label}: runs`, false, `${run.stdout}${run.stderr}`)
          continue
        }
        for (const { name, ok, detail } of JSON.parse(result.slice("RESULT ".length))) {
          report(`${label}: ${name}`, ok, detail)
        }
        report(`${label}: prints no warning`, run.stderr.trim() === "", run.stderr)
      }
    }

    // The quick start, transpiled as a user's tsx would, with the bin's PUSHER_URL.
    const ts = require("typescript")
    writeFileSync(
      join(app, "quickstart.mjs"),
      ts.transpileModule(quickStart ?? "", {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }
      }).outputText
    )
    await withEmulator(where, app, env, async (url, emulatorOutput) => {
      const status = await Pusher.forURL(url).trigger("orders", "order-created", { id: 42 }).then(
        (response) => response.status,
        (error) => String(error)
      )
      report(`${where}: pusher@5.3.4 triggers through the bin`, status === 200, { status, output: emulatorOutput() })
      const run = spawnSync(node, ["quickstart.mjs"], {
        cwd: app,
        env: { ...env, PUSHER_URL: url },
        encoding: "utf8",
        timeout: 60_000
      })
      report(
        `${where}: the README's quick start runs against the bin (Node ${versionOf(node)})`,
        quickStart !== undefined && run.status === 0 && /orders is (occupied|empty)/.test(`${run.stdout}${run.stderr}`),
        { status: run.status, stdout: run.stdout, stderr: run.stderr }
      )
    })
    const refused = spawnSync(join(app, "node_modules", ".bin", "effect-pusher-emulator"), ["--port", "x"], {
      cwd: app,
      env,
      encoding: "utf8",
      timeout: 30_000
    })
    report(
      `${where}: effect-pusher-emulator (bin) refuses a bad option with exit code 1 and one line on stderr`,
      refused.status === 1 && refused.stderr.trim().split("\n").length === 1 && refused.stderr.includes("--port"),
      { status: refused.status, stdout: refused.stdout, stderr: refused.stderr }
    )

    writeFileSync(join(app, "consumer.mts"), consumer(line))
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc")
    for (const resolution of ["NodeNext", "bundler"]) {
      writeFileSync(join(app, "tsconfig.json"), tsconfig(resolution, typeRoots))
      const check = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: app, env, encoding: "utf8" })
      report(
        `${where}: TypeScript consumer type-checks (strict, moduleResolution ${resolution})`,
        check.status === 0,
        `${check.stdout}${check.stderr}`
      )
    }
  } finally {
    rmSync(app, { recursive: true, force: true })
  }
}

await tryLine({
  line: "effect4",
  title: "Effect 4",
  heading: "Effect 4",
  node: await node22(),
  typeRoots: join(root, "packages", "effect4", "node_modules", "@types")
})
await tryLine({
  line: "effect3",
  title: "Effect 3",
  heading: "Effect 3",
  node: process.execPath,
  typeRoots: join(root, "node_modules", "@types")
})

console.log(`(install and runs: ${((Date.now() - started) / 1000).toFixed(0)} s)`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
