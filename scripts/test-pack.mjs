// `pnpm test:pack`: what a user gets from npm, tried as a user would. Packs every published package
// (scripts/pack.mjs), installs the tarballs into a new app in ONE `npm install` with only the peers that
// docs/install.md names, at its ranges, then runs against the emulator, from the installed packages only:
//   - an ESM program (`import`) and a CommonJS one (`require()`, Node's require(esm): unflagged from Node
//     20.19 / 22.12; on 20.18 it fails with ERR_REQUIRE_ESM, and with --experimental-require-module it works
//     but warns), each doing a trigger and authorizeChannel (private and presence) with `PusherTest` in
//     process and with `NodePusherTest` served on 127.0.0.1 (stopped with its scope), the authorizations
//     compared with pusher@5.3.4's for the same app;
//   - a TypeScript consumer type-checked (strict) with the NodeNext and the bundler module resolutions;
//   - the `effect-pusher-emulator` bin, started from node_modules/.bin on a free port: pusher@5.3.4 triggers
//     through the PUSHER_URL it prints, Ctrl-C (SIGINT to its PID) stops it with exit code 0; a bad option
//     exits with 1 and one line on stderr.
// Prints `N passed, N failed`; exits 1 on a failure.
//
//   pnpm test:pack             pack, then install and run
//   pnpm test:pack --packed    use the tarballs already in build/pack (from check:packages)
import { spawn, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { packAll, root } from "./pack.mjs"

const list = packAll({ reuse: process.argv.includes("--packed") })
const started = Date.now()

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

// The documented npm line, with the tarballs in place of the package names (they are not on the registry
// yet); the protocol package, a dependency of core, is named too for the same reason.
const installLine = readFileSync(join(root, "docs", "install.md"), "utf8")
  .split("\n")
  .find((line) => line.startsWith("npm install @effect-pusher/"))
if (installLine === undefined) {
  console.log("docs/install.md has no line starting with `npm install @effect-pusher/`")
  process.exit(1)
}
const specs = [...installLine.matchAll(/"([^"]+)"|(\S+)/g)].map((m) => m[1] ?? m[2]).slice(2)
const ours = new Map(list.map((p) => [p.name, p.tarball]))
const installArgs = [...new Set([...specs.map((spec) => ours.get(spec) ?? spec), ...ours.values()])]

// What the official library answers for the emulator's default app: the authorizations to match.
const Pusher = createRequire(import.meta.url)("pusher")
const official = new Pusher({ appId: "123456", key: "test-key", secret: "test-secret" })
const presence = { user_id: "ada", user_info: { name: "Ada" } }
const expected = {
  private: official.authorizeChannel("123.456", "private-orders"),
  presence: official.authorizeChannel("123.456", "presence-lobby", presence)
}

// One scenario, run from ESM and from CommonJS; it prints `RESULT [checks]`.
const scenario = `
const { Pusher, PusherTest } = core
const { NodePusherHttpClient, NodePusherTest } = node
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
})
`

const esm = `import * as core from "@effect-pusher/core"
import * as node from "@effect-pusher/platform-node"
import * as effect from "effect"
${scenario}
console.log("RESULT " + JSON.stringify(await effect.Effect.runPromise(program)))
`

// A CommonJS user requires effect too, and gets its CommonJS build beside the ESM one our packages import.
const cjs = `"use strict"
const core = require("@effect-pusher/core")
const node = require("@effect-pusher/platform-node")
const effect = require("effect")
${scenario}
effect.Effect.runPromise(program).then((checks) => console.log("RESULT " + JSON.stringify(checks)))
`

const consumer = `import { Pusher, PusherConfig, PusherError, PusherTest } from "@effect-pusher/core"
import * as Names from "@effect-pusher/protocol/Names"
import { NodePusher, NodePusherTest } from "@effect-pusher/platform-node"
import * as NodePusherHttpClient from "@effect-pusher/platform-node/NodePusherHttpClient"
import { type ConfigError, Effect, Layer } from "effect"

// The client's options are checked when its layer is built: a bad one is a ConfigError.
const program: Effect.Effect<
  number,
  PusherError.PusherError | ConfigError.ConfigError,
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

// A Node app in TypeScript has @types/node (a dev dependency of the app, not a peer of ours: the repository's
// copy stands in for it). Libraries' declarations are checked too (no skipLibCheck).
const tsconfig = (resolution) =>
  JSON.stringify({
    compilerOptions: {
      strict: true,
      exactOptionalPropertyTypes: true,
      noEmit: true,
      skipLibCheck: false,
      target: "ES2022",
      lib: ["ES2022"],
      typeRoots: [join(root, "node_modules", "@types")],
      types: ["node"],
      ...(resolution === "bundler"
        ? { module: "ESNext", moduleResolution: "bundler" }
        : { module: "NodeNext", moduleResolution: "NodeNext" })
    },
    files: ["consumer.mts"]
  })

// The installed bin, as a user starts it (`npx effect-pusher-emulator`), on a free port.
const tryBin = async (app, env) => {
  const bin = join(app, "node_modules", ".bin", "effect-pusher-emulator")
  const started = spawn(bin, ["--port", "0"], { cwd: app, env, stdio: ["ignore", "pipe", "pipe"] })
  let output = ""
  started.stdout.on("data", (chunk) => (output += chunk))
  started.stderr.on("data", (chunk) => (output += chunk))
  const exited = new Promise((resolve) => started.once("exit", (code, signal) => resolve(code ?? signal)))
  const within = (promise, ms) =>
    Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve("timeout"), ms).unref())])
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
  report("effect-pusher-emulator (bin): prints PUSHER_URL", typeof url === "string" && url !== "timeout", output)
  if (typeof url === "string" && url !== "timeout") {
    const status = await Pusher.forURL(url).trigger("orders", "order-created", { id: 42 }).then(
      (response) => response.status,
      (error) => String(error)
    )
    report("effect-pusher-emulator (bin): pusher@5.3.4 triggers through it", status === 200, { status, output })
  }
  started.kill("SIGINT")
  const code = await within(exited, 10_000)
  if (code === "timeout") started.kill("SIGKILL")
  report("effect-pusher-emulator (bin): Ctrl-C stops it with exit code 0 within 10 s", code === 0, { code, output })

  const refused = spawnSync(bin, ["--port", "x"], { cwd: app, env, encoding: "utf8", timeout: 30_000 })
  report(
    "effect-pusher-emulator (bin): a bad option exits with 1 and one line on stderr",
    refused.status === 1 && refused.stderr.trim().split("\n").length === 1 && refused.stderr.includes("--port"),
    { status: refused.status, stdout: refused.stdout, stderr: refused.stderr }
  )
}

// The child processes get the environment of a plain shell: pnpm's npm_config_* settings are pnpm's.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)))
const app = mkdtempSync(join(tmpdir(), "effect-pusher-app-"))
try {
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true }))
  const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", ...installArgs], {
    cwd: app,
    env,
    encoding: "utf8"
  })
  report(
    `one npm install of the tarballs and ${specs.filter((s) => !ours.has(s)).join(" ")}`,
    install.status === 0,
    `${install.stdout}${install.stderr}`
  )
  if (install.status === 0) {
    const manifest = (name) => JSON.parse(readFileSync(join(app, "node_modules", name, "package.json"), "utf8"))
    console.log(`      installed: ${
      ["effect", "@effect/platform", "@effect/platform-node"]
        .map((name) => `${name}@${manifest(name).version}`).join(", ")
    }`)

    writeFileSync(join(app, "esm.mjs"), esm)
    writeFileSync(join(app, "cjs.cjs"), cjs)
    for (const [kind, file] of [["ESM import", "esm.mjs"], ["CommonJS require()", "cjs.cjs"]]) {
      const run = spawnSync(process.execPath, [file], { cwd: app, env, encoding: "utf8", timeout: 120_000 })
      const line = run.stdout.split("\n").find((l) => l.startsWith("RESULT "))
      if (run.status !== 0 || line === undefined) {
        report(`${kind} (Node ${process.version}): runs`, false, `${run.stdout}${run.stderr}`)
        continue
      }
      for (const { name, ok, detail } of JSON.parse(line.slice("RESULT ".length))) {
        report(`${kind} (Node ${process.version}): ${name}`, ok, detail)
      }
      report(`${kind} (Node ${process.version}): prints no warning`, run.stderr.trim() === "", run.stderr)
    }

    await tryBin(app, env)

    writeFileSync(join(app, "consumer.mts"), consumer)
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc")
    for (const resolution of ["NodeNext", "bundler"]) {
      writeFileSync(join(app, "tsconfig.json"), tsconfig(resolution))
      const check = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: app, env, encoding: "utf8" })
      report(
        `TypeScript consumer type-checks (strict, moduleResolution ${resolution})`,
        check.status === 0,
        `${check.stdout}${check.stderr}`
      )
    }
  }
} finally {
  rmSync(app, { recursive: true, force: true })
}

console.log(`(install and runs: ${((Date.now() - started) / 1000).toFixed(0)} s)`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
