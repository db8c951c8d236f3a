// `pnpm test:runtimes`: one smoke program (scripts/runtimes/smoke.ts) on Node, Bun, Deno and workerd (through
// miniflare, no nodejs_compat), each runtime installed from its npm package into .cache/runtimes (not needed
// by `pnpm test`). The driver serves the emulator on 127.0.0.1, computes every expected answer with
// pusher@5.3.4, bundles the smoke with esbuild per runtime, runs it (each child stopped by its PID if it
// hangs), then reads back from the emulator what each runtime triggered and opens the encrypted event with
// tweetnacl. Prints `N passed, N failed`; exits non-zero on any failure.
//
// `--effect4`: the same checks against the Effect 4 line's core (packages/effect4/infra/runtimes/smoke.ts, bundled
// from packages/effect4/core's sources with packages/effect4's `effect`), with this same driver and emulator.
// Each bundle is checked to contain its line's `effect` and no other.
import * as PusherTest from "@effect-pusher/core/PusherTest"
import * as NodePusherTest from "@effect-pusher/platform-node/NodePusherTest"
import * as Effect from "effect/Effect"
import * as esbuild from "esbuild"
import { spawn, spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import * as Net from "node:net"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import Pusher from "pusher"
import nacl from "tweetnacl"
import { signedWebhookHeaders } from "../packages/core/test/utils/signedWebhook.js"
import type { Check, Params } from "./runtimes/params.js"
import { workerBundleOptions } from "./size/workerBundle.js"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const cache = join(root, ".cache", "runtimes")
const out = join(cache, "smoke")

const effect4 = process.argv.includes("--effect4")
const line = effect4
  ? {
    name: "Effect 4",
    entries: join(root, "packages", "effect4", "infra", "runtimes"),
    effect: /^4\./,
    suffix: "-effect4"
  }
  : { name: "Effect 3", entries: join(root, "scripts", "runtimes"), effect: /^3\./, suffix: "" }

// Pinned: miniflare 4.20260424 is the last one that runs on Node 20 (later ones need Node 22).
const versions = { bun: "1.4.5", deno: "2.9.6", miniflare: "4.20260424.0" } as const
const bin = (name: string) => join(cache, "node_modules", ".bin", name)

const installRuntimes = () => {
  const stamp = join(cache, "versions.json")
  const wanted = JSON.stringify(versions)
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === wanted) return
  mkdirSync(cache, { recursive: true })
  writeFileSync(join(cache, "package.json"), JSON.stringify({ private: true }))
  const started = Date.now()
  const specs = Object.entries(versions).map(([name, version]) => `${name}@${version}`)
  const run = spawnSync(
    "npm",
    ["install", "--prefix", cache, "--no-audit", "--no-fund", "--no-save", "--loglevel=error", ...specs],
    { stdio: "inherit" }
  )
  if (run.status !== 0) {
    console.error("could not install the runtimes from npm")
    process.exit(1)
  }
  writeFileSync(stamp, wanted)
  console.log(`installed ${specs.join(", ")} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

/** A TCP server on 127.0.0.1 that accepts connections and never answers: the timeout check's target. */
const silentServer = () =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: Net.Server; readonly sockets: Set<Net.Socket>; readonly port: number }>(
      (resume) => {
        const sockets = new Set<Net.Socket>()
        const server = Net.createServer((socket) => {
          sockets.add(socket)
          // A client giving up resets the connection: expected here.
          socket.on("error", () => socket.destroy())
          socket.on("close", () => sockets.delete(socket))
        })
        server.listen(0, "127.0.0.1", () => {
          const address = server.address()
          resume(Effect.succeed({ server, sockets, port: typeof address === "object" && address ? address.port : 0 }))
        })
      }
    ),
    ({ server, sockets }) =>
      Effect.sync(() => {
        for (const socket of sockets) socket.destroy()
        server.close()
      })
  )

const masterKey = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 255)
const masterKeyBase64 = Buffer.from(masterKey).toString("base64")
const channelKey = (channel: string) =>
  new Uint8Array(createHash("sha256").update(Buffer.concat([Buffer.from(channel), masterKey])).digest())

/** Seals like pusher-http-node (tweetnacl secretbox with the channel's key). */
const seal = (channel: string, plaintext: unknown) => {
  const nonce = nacl.randomBytes(24)
  const box = nacl.secretbox(new TextEncoder().encode(JSON.stringify(plaintext)), nonce, channelKey(channel))
  return JSON.stringify({
    nonce: Buffer.from(nonce).toString("base64"),
    ciphertext: Buffer.from(box).toString("base64")
  })
}

const unseal = (channel: string, data: unknown): unknown => {
  const { ciphertext, nonce } = (typeof data === "string" ? JSON.parse(data) : data) as Record<string, string>
  const opened = nacl.secretbox.open(
    Buffer.from(ciphertext ?? "", "base64"),
    Buffer.from(nonce ?? "", "base64"),
    channelKey(channel)
  )
  return opened === null ? "(does not open)" : JSON.parse(new TextDecoder().decode(opened))
}

/** Every expected answer, from pusher@5.3.4 for the served app. */
const paramsFor = (served: NodePusherTest.Served, silentPort: number) => {
  const official = new Pusher({ ...served.pusherOptions, encryptionMasterKeyBase64: masterKeyBase64 })
  const socketId = "1234.5678"
  const presenceData = { user_id: "u-1", user_info: { name: "Ada" } }
  const user = { id: "u-1", name: "Ada" }
  const channels = {
    privateChannel: "private-smoke",
    presenceChannel: "presence-smoke",
    encryptedChannel: "private-encrypted-smoke"
  }
  const encryptedPlaintext = { text: "sealed in Node by tweetnacl", n: 42 }
  const body = JSON.stringify({
    time_ms: Date.now(),
    events: [
      { name: "channel_occupied", channel: "presence-smoke" },
      {
        name: "client_event",
        channel: channels.encryptedChannel,
        event: "client-note",
        data: seal(channels.encryptedChannel, encryptedPlaintext),
        socket_id: socketId
      }
    ]
  })
  const tamperedBody = body.replace("presence-smoke", "presence-smokf")
  const headers = signedWebhookHeaders(body, served.pusherOptions)
  const signature = headers["x-pusher-signature"]
  // The webhook is what pusher@5.3.4 accepts, and the tampered one what it refuses.
  if (
    !official.webhook({ headers, rawBody: body }).isValid() ||
    official.webhook({ headers, rawBody: tamperedBody }).isValid()
  ) {
    throw new Error("pusher@5.3.4 does not judge the smoke's webhooks as expected")
  }
  return (runtime: string): Params => ({
    runtime,
    app: {
      appId: served.pusherOptions.appId,
      key: served.pusherOptions.key,
      secret: served.pusherOptions.secret,
      host: served.hostname,
      port: served.port
    },
    masterKeyBase64,
    silentPort,
    socketId,
    presenceData,
    user,
    expected: {
      ...channels,
      privateAuth: official.authorizeChannel(socketId, channels.privateChannel),
      presenceAuth: official.authorizeChannel(socketId, channels.presenceChannel, presenceData) as Params[
        "expected"
      ]["presenceAuth"],
      encryptedAuth: official.authorizeChannel(socketId, channels.encryptedChannel) as Params["expected"][
        "encryptedAuth"
      ],
      userAuth: official.authenticateUser(socketId, user) as Params["expected"]["userAuth"]
    },
    webhook: { body, tamperedBody, key: served.pusherOptions.key, signature, encryptedPlaintext },
    trigger: {
      channel: `smoke-${runtime}`,
      encryptedChannel: `private-encrypted-smoke-${runtime}`,
      event: "greeting",
      data: { from: runtime, text: "héllo ✓" }
    }
  })
}

/** The versions of `effect` a bundle was built from (from the paths of its inputs: pnpm's `.pnpm/effect@x`). */
const effectVersionsIn = (
  metafile: esbuild.Metafile
) => [...new Set(Object.keys(metafile.inputs).flatMap((input) => /\.pnpm\/effect@([^/]+)\//.exec(input)?.[1] ?? []))]

const bundle = async (entry: "cli" | "worker", params: Params) => {
  const outfile = join(out, `${params.runtime}${line.suffix}.mjs`)
  const result = await esbuild.build({
    // No Node built-ins: the same code has to load in workerd without nodejs_compat.
    ...workerBundleOptions,
    entryPoints: [join(line.entries, `${entry}.ts`)],
    outfile,
    metafile: true,
    define: { SMOKE_PARAMS: JSON.stringify(params) }
  })
  // Node's and esbuild's resolution walk up to the root's node_modules: a bundle of the Effect 4 line that
  // picked up the root's Effect 3 (or both) would still build, and test the wrong thing.
  const versions = effectVersionsIn(result.metafile)
  const check: Check = {
    name: `the bundle has ${line.name}'s effect only`,
    ok: versions.length === 1 && line.effect.test(versions[0] ?? ""),
    detail: `effect ${versions.join(", ") || "(none)"}`
  }
  return { outfile, check }
}

/** Runs a command, stopping it by its PID after `ms`; resolves with its output. */
const runChild = (command: string, args: ReadonlyArray<string>, ms: number) =>
  new Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }>((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += chunk))
    child.stderr.on("data", (chunk) => (stderr += chunk))
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, "SIGKILL")
    }, ms)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })

const parseChecks = (runtime: string, output: { readonly code: number | null; stdout: string; stderr: string }) => {
  const line = output.stdout.trim().split("\n").at(-1) ?? ""
  try {
    return JSON.parse(line) as ReadonlyArray<Check>
  } catch {
    return [{
      name: `${runtime} ran the smoke program`,
      ok: false,
      detail: `exit ${output.code}: ${(output.stderr || output.stdout).slice(-2000)}`
    }]
  }
}

interface MiniflareInstance {
  readonly dispatchFetch: (url: string) => Promise<{ readonly text: () => Promise<string> }>
  readonly dispose: () => Promise<void>
}

const runWorkerd = async (script: string): Promise<ReadonlyArray<Check>> => {
  const entry = join(cache, "node_modules", "miniflare", "dist", "src", "index.js")
  const { Miniflare } = (await import(pathToFileURL(entry).href)) as {
    readonly Miniflare: new(options: object) => MiniflareInstance
  }
  // No compatibility flags: no nodejs_compat, as on a plain Worker.
  const mf = new Miniflare({ modules: true, scriptPath: script, compatibilityDate: "2026-04-01" })
  try {
    const response = await mf.dispatchFetch("http://smoke.local/")
    return parseChecks("workerd", { code: 0, stdout: await response.text(), stderr: "" })
  } finally {
    await mf.dispose()
  }
}

const runtimes: ReadonlyArray<{
  readonly name: string
  readonly entry: "cli" | "worker"
  readonly run: (script: string) => Promise<ReadonlyArray<Check>>
}> = [
  { name: "node", entry: "cli", run: async (s) => parseChecks("node", await runChild(process.execPath, [s], 60_000)) },
  { name: "bun", entry: "cli", run: async (s) => parseChecks("bun", await runChild(bin("bun"), [s], 60_000)) },
  {
    name: "deno",
    entry: "cli",
    run: async (s) =>
      parseChecks("deno", await runChild(bin("deno"), ["run", "--allow-net=127.0.0.1", "--no-prompt", s], 60_000))
  },
  { name: "workerd", entry: "worker", run: runWorkerd }
]

/** What the emulator recorded from one runtime: the plain event, and the sealed one opened by tweetnacl. */
const readBack = (emulator: PusherTest.Service, params: Params) =>
  Effect.map(emulator.events, (events): ReadonlyArray<Check> => {
    const plain = events.find((event) => event.channel === params.trigger.channel)
    const sealed = events.find((event) => event.channel === params.trigger.encryptedChannel)
    const wanted = JSON.stringify(params.trigger.data)
    const opened = sealed === undefined ? undefined : unseal(sealed.channel, sealed.rawData)
    return [
      {
        name: "the emulator recorded the trigger",
        ok: plain !== undefined && JSON.stringify(plain.data) === wanted,
        detail: JSON.stringify(plain)
      },
      {
        name: "the encrypted trigger opens with tweetnacl (as pusher-js would)",
        ok: JSON.stringify(opened) === wanted,
        detail: JSON.stringify(opened)
      }
    ]
  })

const main = Effect.gen(function*() {
  installRuntimes()
  mkdirSync(out, { recursive: true })
  const emulator = yield* PusherTest.PusherTest
  const served = yield* NodePusherTest.serve()
  const silent = yield* silentServer()
  const paramsOf = paramsFor(served, silent.port)
  let passed = 0
  let failed = 0
  for (const runtime of runtimes) {
    const started = Date.now()
    const params = paramsOf(runtime.name)
    const bundled = yield* Effect.promise(() =>
      bundle(runtime.entry, params).catch((error: unknown) => ({ outfile: undefined, error: String(error) }))
    )
    if (bundled.outfile === undefined) {
      // One failure for the runtime, not the checks it would have run: the bundle is the same for the others.
      failed++
      console.log(`✗ ${runtime.name}: bundling ${line.name}'s smoke — ${"error" in bundled ? bundled.error : ""}`)
      continue
    }
    const script = bundled.outfile
    const checks = yield* Effect.promise(() =>
      runtime.run(script).catch((error: unknown) => [{ name: `${runtime.name} ran`, ok: false, detail: String(error) }])
    )
    const all = ["check" in bundled ? [bundled.check] : [], checks, yield* readBack(emulator, params)].flat()
    for (const check of all) {
      if (check.ok) passed++
      else failed++
      console.log(`${check.ok ? "✓" : "✗"} ${runtime.name}: ${check.name}${check.ok ? "" : ` — ${check.detail}`}`)
    }
    const ok = all.filter((check) => check.ok).length
    console.log(`${runtime.name}: ${ok}/${all.length} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  }
  return { passed, failed }
})

const { failed, passed } = await Effect.runPromise(
  main.pipe(Effect.scoped, Effect.provide(PusherTest.layer()))
)
console.log(`${line.name} line's core:`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
