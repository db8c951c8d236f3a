/**
 * Measures each hand-rolled fast path against the plain way it replaces, in one process, as the median
 * operations per CPU-second of interleaved rounds (`BENCH_ROUNDS`, default 5); an argument keeps only the
 * cases whose name contains it. The figures quoted in the fast paths' comments
 * come from here; absolute rates move with the machine's load, so compare the ratios.
 *
 * - `NodePusherCrypto` HMAC-SHA256: short messages in JavaScript from the key's hashed pads (the protocol's
 *   `HmacSha256`), longer ones as two one-shot `crypto.hash` calls over the padded key, against `createHmac`
 *   per message (with a prepared `KeyObject`, and with the key string); and the portable service's
 *   (`@noble/hashes`) against the same with `HmacSha256` in front;
 * - the protocol's `Md5` (the portable service's `md5Hex`, the `body_md5` of every signed request with a
 *   body), against `@noble/hashes`' `md5`, which it replaced, and node:crypto's one-shot `hash`;
 * - `PusherCrypto.pooledRandomBytes`: 24-byte nonces cut from a 4 KiB block, against one system call per
 *   nonce (node's `randomFillSync`, and Web Crypto's `getRandomValues` for the portable service);
 * - `internal/operation.ts`: no span under Effect's built-in tracer, against the span it would make
 *   (a tracer with the built-in's own `span` and `context`, which the skip does not recognize);
 * - `internal/client.ts`: requests derived from a template that carries the headers, against building each
 *   from options;
 * - `internal/client.ts`: no timer of ours when the client enforces the deadline itself (the lean client
 *   marked with `PusherHttpClient.withDeadline`), against `Effect.timeoutFail` per request, over an undici
 *   `MockAgent` answering `{}` (no network).
 *
 * Run: npx --yes pnpm@10 bench:fastpaths
 */
import { Pusher, PusherConfig, PusherCrypto, Webhook } from "@effect-pusher/core"
import { NodePusherCrypto, NodePusherHttpClient } from "@effect-pusher/platform-node"
import * as Md5 from "@effect-pusher/protocol/Md5"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { hmac } from "@noble/hashes/hmac.js"
import { md5 } from "@noble/hashes/legacy.js"
import { sha256 } from "@noble/hashes/sha2.js"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Tracer from "effect/Tracer"
import * as NodeCrypto from "node:crypto"
import * as Undici from "undici"
import { signedWebhookHeaders } from "../packages/core/test/utils/signedWebhook.js"
import { loop, median } from "./lib/measure.js"

const rounds = Number(process.env["BENCH_ROUNDS"] ?? 5)

interface Case {
  readonly name: string
  readonly iterations: number
  /** The plain way first, then the fast path(s); the ratio is each against the first. */
  readonly variants: ReadonlyArray<readonly [string, (n: number) => void | Promise<void>]>
}

let sink = 0

// ---- HMAC ----------------------------------------------------------------------------------------------

const secret = "bench-secret-7ad6fa2b"
const messages = {
  // What a channel authorization signs.
  "auth (24 B)": "1234.5678:private-orders",
  // What a presence authorization signs: the socket, the channel and the member as JSON.
  "presence auth (78 B)": `1234.5678:presence-lobby:{"user_id":"ada","user_info":{"name":"Ada Lovelace"}}`,
  // What a trigger's signature covers: method, path and the sorted query with body_md5.
  "request (~170 B)": "POST\n/apps/1234/events\nauth_key=bench-key&auth_timestamp=1700000000&auth_version=1.0&" +
    "body_md5=8d777f385d3dfec8815d20f7496026dc"
}
const keyObject = NodeCrypto.createSecretKey(Buffer.from(secret, "utf8"))
const fastHmac = NodePusherCrypto.service.hmacSha256Hex(secret)

const hmacCases: ReadonlyArray<Case> = Object.entries(messages).map(([label, message]) => ({
  name: `HMAC-SHA256 hex, ${label} (ops/s)`,
  iterations: 200_000,
  variants: [
    ["createHmac(key string)", (n) => {
      for (let i = 0; i < n; i++) sink += NodeCrypto.createHmac("sha256", secret).update(message).digest("hex").length
    }],
    ["createHmac(KeyObject)", (n) => {
      for (let i = 0; i < n; i++) {
        sink += NodeCrypto.createHmac("sha256", keyObject).update(message).digest("hex").length
      }
    }],
    ["ours (NodePusherCrypto)", (n) => {
      for (let i = 0; i < n; i++) sink += fastHmac(message).length
    }]
  ]
}))

// The portable service: @noble/hashes per message, against the same behind HmacSha256's short path.
const nobleKey = hmac.create(sha256, new TextEncoder().encode(secret))
const nobleHmac = (message: string) =>
  Buffer.from(nobleKey.clone().update(new TextEncoder().encode(message)).digest()).toString("hex")
const portableHmac = PusherCrypto.portable.hmacSha256Hex(secret)

const portableHmacCases: ReadonlyArray<Case> = Object.entries(messages).map(([label, message]) => ({
  name: `HMAC-SHA256 hex, portable, ${label} (ops/s)`,
  iterations: 100_000,
  variants: [
    ["@noble/hashes", (n) => {
      for (let i = 0; i < n; i++) sink += nobleHmac(message).length
    }],
    ["ours (PusherCrypto.portable)", (n) => {
      for (let i = 0; i < n; i++) sink += portableHmac(message).length
    }]
  ]
}))

// The same through a whole authorization, where the HMAC is one step among validation and JSON.
const plainHmacService: PusherCrypto.Service = {
  ...NodePusherCrypto.service,
  hmacSha256Hex: (key) => {
    const prepared = NodeCrypto.createSecretKey(Buffer.from(key, "utf8"))
    return (message) => NodeCrypto.createHmac("sha256", prepared).update(message, "utf8").digest("hex")
  }
}
const authConfig = PusherConfig.layer({ appId: "1", key: "bench-key", secret })
const plainHmacRuntime = ManagedRuntime.make(Layer.merge(authConfig, PusherCrypto.layer(plainHmacService)))
const fastHmacRuntime = ManagedRuntime.make(Layer.merge(authConfig, NodePusherCrypto.layer))
const authorizations = (runtime: typeof fastHmacRuntime) => (n: number) =>
  runtime.runPromise(loop(n, () => Pusher.authorizeChannel("1234.5678", "private-orders")))

const hmacOperationCases: ReadonlyArray<Case> = [{
  name: "HMAC-SHA256 in authorizeChannel private (ops/s)",
  iterations: 30_000,
  variants: [
    ["createHmac(KeyObject)", authorizations(plainHmacRuntime)],
    ["ours (NodePusherCrypto)", authorizations(fastHmacRuntime)]
  ]
}]

// ---- MD5 ----------------------------------------------------------------------------------------------

// Trigger bodies of about 100 B, 1 KB and 10 KB (the default payload limit), as `body_md5` hashes them.
const md5Bodies = Object.fromEntries([100, 1_000, 10_000].map((size) => {
  const head = JSON.stringify({ name: "bench-event", channels: ["bench-channel"], data: "" })
  return [
    `${size} B`,
    JSON.stringify({ name: "bench-event", channels: ["bench-channel"], data: "x".repeat(size - head.length) })
  ]
}))
const utf8 = new TextEncoder()

const md5Cases: ReadonlyArray<Case> = Object.entries(md5Bodies).map(([label, body]) => ({
  name: `MD5 hex, ${label} (ops/s)`,
  iterations: label === "10000 B" ? 10_000 : 100_000,
  variants: [
    ["@noble/hashes md5", (n) => {
      for (let i = 0; i < n; i++) sink += Buffer.from(md5(utf8.encode(body))).toString("hex").length
    }],
    ["node:crypto hash", (n) => {
      for (let i = 0; i < n; i++) sink += NodeCrypto.hash("md5", body, "hex").length
    }],
    ["ours (Md5.md5Hex)", (n) => {
      for (let i = 0; i < n; i++) sink += Md5.md5Hex(body).length
    }]
  ]
}))

// ---- random --------------------------------------------------------------------------------------------

const nodePooled = PusherCrypto.pooledRandomBytes((bytes) => NodeCrypto.randomFillSync(bytes))
const webPooled = PusherCrypto.pooledRandomBytes((bytes) => globalThis.crypto.getRandomValues(bytes))

const randomCases: ReadonlyArray<Case> = [
  {
    name: "24-byte nonce, node:crypto (ops/s)",
    iterations: 300_000,
    variants: [
      ["randomFillSync per nonce", (n) => {
        for (let i = 0; i < n; i++) sink += NodeCrypto.randomFillSync(new Uint8Array(24))[0]!
      }],
      ["pooled (ours)", (n) => {
        for (let i = 0; i < n; i++) sink += nodePooled(24)[0]!
      }]
    ]
  },
  {
    name: "24-byte nonce, Web Crypto (portable) (ops/s)",
    iterations: 300_000,
    variants: [
      ["getRandomValues per nonce", (n) => {
        for (let i = 0; i < n; i++) sink += globalThis.crypto.getRandomValues(new Uint8Array(24))[0]!
      }],
      ["pooled (ours)", (n) => {
        for (let i = 0; i < n; i++) sink += webPooled(24)[0]!
      }]
    ]
  }
]

// ---- spans ---------------------------------------------------------------------------------------------

const credentials = { appId: "1", key: "bench-key", secret: "bench-secret", host: "127.0.0.1" }
const pure = ManagedRuntime.make(Layer.merge(PusherConfig.layer(credentials), NodePusherCrypto.layer))
const builtIn = Context.get(DefaultServices.liveServices, Tracer.Tracer)
// Spans exactly as the built-in tracer makes them, from a tracer that is not the built-in one.
const lookalike = Tracer.make({ span: builtIn.span, context: builtIn.context })

const webhookBody = JSON.stringify({ time_ms: 1_700_000_000_000, events: [{ name: "channel_occupied", channel: "c" }] })
const webhook = { headers: signedWebhookHeaders(webhookBody, credentials), body: webhookBody }

const spanned = <A, E>(n: number, op: () => Effect.Effect<A, E, PusherConfig.PusherConfig>) =>
  pure.runPromise(Effect.withTracer(loop(n, op), lookalike))
const skipped = <A, E>(n: number, op: () => Effect.Effect<A, E, PusherConfig.PusherConfig>) =>
  pure.runPromise(loop(n, op))

const authorize = () => Pusher.authorizeChannel("1234.5678", "private-orders")
const verify = () => Webhook.verify(webhook)

const spanCases: ReadonlyArray<Case> = [
  {
    name: "authorizeChannel private (ops/s)",
    iterations: 30_000,
    variants: [["with a span", (n) => spanned(n, authorize)], ["no span (ours)", (n) => skipped(n, authorize)]]
  },
  {
    name: "webhook verify + decode (ops/s)",
    iterations: 20_000,
    variants: [["with a span", (n) => spanned(n, verify)], ["no span (ours)", (n) => skipped(n, verify)]]
  }
]

// ---- request templates --------------------------------------------------------------------------------

const signedUrl = "http://127.0.0.1/apps/1/events?auth_key=bench-key&auth_timestamp=1700000000&auth_version=1.0" +
  "&body_md5=8d777f385d3dfec8815d20f7496026dc&auth_signature=" + "0".repeat(64)
const requestBody = JSON.stringify({ name: "bench-event", channels: ["bench-channel"], data: "{\"i\":1}" })
const libraryHeaders = { "x-pusher-library": "effect-pusher 0.1.0" }
const template = HttpClientRequest.post("", { headers: libraryHeaders })

const requestCases: ReadonlyArray<Case> = [{
  name: "signed POST request built (ops/s)",
  iterations: 300_000,
  variants: [
    ["HttpClientRequest.post(url, options)", (n) => {
      for (let i = 0; i < n; i++) {
        sink += HttpClientRequest.post(signedUrl, {
          headers: libraryHeaders,
          body: HttpBody.text(requestBody, "application/json")
        }).url.length
      }
    }],
    ["setUrl + setBody on a template (ours)", (n) => {
      for (let i = 0; i < n; i++) {
        sink += HttpClientRequest.setBody(
          HttpClientRequest.setUrl(template, signedUrl),
          HttpBody.text(requestBody, "application/json")
        ).url.length
      }
    }]
  ]
}]

// ---- deadline ------------------------------------------------------------------------------------------

const mockAgent = new Undici.MockAgent()
mockAgent.disableNetConnect()
mockAgent.get("http://127.0.0.1").intercept({ path: () => true, method: () => true }).reply(200, "{}").persist()
const config = PusherConfig.layer({ ...credentials, useTLS: false, timeout: "10 seconds" })
const triggerRuntime = (timeout: "10 seconds" | undefined) =>
  ManagedRuntime.make(
    Layer.mergeAll(
      config,
      NodePusherCrypto.layer,
      Layer.effect(
        HttpClient.HttpClient,
        NodePusherHttpClient.makeWithDispatcher(mockAgent, timeout === undefined ? {} : { timeout })
      )
    )
  )
const marked = triggerRuntime("10 seconds")
const unmarked = triggerRuntime(undefined)
const trigger = (i: number) => Pusher.trigger("bench-channel", "bench-event", { i })
const triggers = (runtime: typeof marked, n: number) =>
  runtime.runPromise(
    Effect.forEach(Array.from({ length: n }, (_, i) => i), trigger, { concurrency: 50, discard: true })
  )

const deadlineCases: ReadonlyArray<Case> = [
  {
    name: "trigger over the lean client and a MockAgent, concurrency 50 (ops/s)",
    iterations: 5_000,
    variants: [
      ["Effect.timeoutFail per request", (n) => triggers(unmarked, n)],
      ["the client's own deadline (ours)", (n) => triggers(marked, n)]
    ]
  }
]

// ---- run -----------------------------------------------------------------------------------------------

// Per second of this process's CPU time, not of the wall clock: other processes on a shared machine then
// move the figures much less.
const opsPerSecond = async (n: number, run: (n: number) => void | Promise<void>): Promise<number> => {
  const start = process.cpuUsage()
  await run(n)
  const used = process.cpuUsage(start)
  return n / ((used.user + used.system) / 1e6)
}

const int = (n: number) => Math.round(n).toLocaleString("en-US")

const main = async () => {
  const only = process.argv[2]
  const cases = [
    ...hmacCases,
    ...portableHmacCases,
    ...hmacOperationCases,
    ...md5Cases,
    ...randomCases,
    ...spanCases,
    ...requestCases,
    ...deadlineCases
  ]
    .filter((c) => only === undefined || c.name.includes(only))
  const lines = [
    `| measure (ops per CPU-second, median of ${rounds} interleaved rounds, min–max) | plain | fast path | ratio |`,
    "|---|---:|---:|---|"
  ]
  for (const c of cases) {
    for (const [, run] of c.variants) await run(Math.round(c.iterations / 5))
    const results = c.variants.map(() => [] as Array<number>)
    for (let r = 0; r < rounds; r++) {
      const order = c.variants.map((_, i) => i)
      if (r % 2 === 1) order.reverse()
      for (const i of order) results[i]!.push(await opsPerSecond(c.iterations, c.variants[i]![1]))
    }
    const medians = results.map(median)
    const spread = results.map((rs) => `${int(Math.min(...rs))}–${int(Math.max(...rs))}`)
    for (let i = 1; i < c.variants.length; i++) {
      lines.push(
        `| ${c.name}: ${c.variants[0]![0]} → ${c.variants[i]![0]} | ${int(medians[0]!)} (${spread[0]}) | ` +
          `${int(medians[i]!)} (${spread[i]}) | **${(medians[i]! / medians[0]!).toFixed(2)}×** |`
      )
    }
    console.error(`  ${c.name} done`)
  }
  console.log(lines.join("\n"))
  console.error(`\nNode ${process.version}; sink ${sink > 0 ? "used" : "unused"}.`)
  await Promise.all([pure, marked, unmarked, plainHmacRuntime, fastHmacRuntime].map((runtime) => runtime.dispose()))
  await mockAgent.close()
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
