/**
 * Measures the preparation of an encrypted trigger (seal + body + signed query, no network) against
 * pusher@5.3.4, side by side in one process, medians of interleaved rounds. Two levels:
 *
 * - "prepare": the bare work. Ours: `seal`, the body JSON and `signedQuery` (internal modules). Theirs:
 *   `pusher.trigger` with `post` replaced by `createSignedQueryString` over the JSON body, which is exactly
 *   what its `requests.send` does before `fetch`.
 * - "trigger": ours through the public `Pusher.trigger` with an HttpClient that answers `{}` at once
 *   (so it includes validation, the Effect runtime, request building and answer decoding), against theirs
 *   as above.
 *
 * - "secretbox alone": the cipher by itself on the payload's JSON bytes, tweetnacl (what pusher@5.3.4 and
 *   pusher-js use) against @noble/ciphers (ours since the cipher is loaded on first use).
 *
 * Run: npx --yes pnpm@10 bench:encryption
 */
import { Pusher as EffectPusher, PusherConfig, PusherCrypto } from "@effect-pusher/core"
import { NodePusherCrypto } from "@effect-pusher/platform-node"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { createRequire } from "node:module"
import Pusher from "pusher"
import nacl from "tweetnacl"
import { cipher } from "../packages/core/src/internal/cipher.js"
import * as Encryption from "../packages/core/src/internal/encryption.js"
import * as Signing from "../packages/core/src/internal/signing.js"
import * as ProtocolSigning from "../packages/protocol/src/Signing.js"
import { median } from "./lib/measure.js"

const masterKeyBase64 = "zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU="
const options = { appId: "1234", key: "bench-key", secret: "bench-secret", encryptionMasterKeyBase64: masterKeyBase64 }
const channel = "private-encrypted-orders"
const N = 4_000
const ROUNDS = 5
// The full operation is an order of magnitude slower than the bare preparation: fewer operations keep it short.
const N_TRIGGER = 1_000

const payloads = {
  "small (~90 B)": { id: 123456, status: "shipped", items: ["a", "b"], note: "on its way" },
  "2 KiB": { rows: Array.from({ length: 40 }, (_, i) => ({ id: i, name: `row-${i}`, value: i * 1.5 })) }
}

// ---- theirs --------------------------------------------------------------------------------------------

interface SignedQueryRequest {
  readonly method: string
  readonly path: string
  readonly body: string
}
const requests = createRequire(createRequire(import.meta.url).resolve("pusher"))("./requests") as {
  createSignedQueryString: (token: unknown, request: SignedQueryRequest) => string
}

const pusher = new Pusher({ ...options, cluster: "mt1" })
let sink = 0
const internals = pusher as unknown as {
  config: { token: unknown; prefixPath: (path: string) => string }
  post: (options: { path: string; body: unknown }) => unknown
}
// What requests.send does before fetch: JSON body, prefixed path, signed query string.
internals.post = (request) => {
  const body = JSON.stringify(request.body)
  const query = requests.createSignedQueryString(internals.config.token, {
    method: "POST",
    path: internals.config.prefixPath(request.path),
    body
  })
  sink += body.length + query.length
  return undefined
}

// ---- ours ----------------------------------------------------------------------------------------------

const config = Either.getOrThrow(PusherConfig.validate(options))
const masterKey = Redacted.value(Option.getOrThrow(config.encryptionMasterKey))
const fullPath = `${config.pathPrefix}/events`

const prepareOurs = (crypto: PusherCrypto.Service, data: unknown) => {
  const wire = Encryption.seal(cipher, crypto, masterKey, channel, JSON.stringify(data))
  const body = JSON.stringify({ name: "order-updated", data: wire, channels: [channel] })
  const signer = Signing.requestSigner(config, crypto)
  const query = ProtocolSigning.signedQuery(signer, "POST", fullPath, [], body, Math.floor(Date.now() / 1000))
  sink += body.length + query.length
}

const answering = HttpClient.make((request) =>
  Effect.succeed(HttpClientResponse.fromWeb(request, new Response("{}", { status: 200 })))
)

const triggerLoop = (crypto: PusherCrypto.Service, data: unknown) =>
  Effect.gen(function*() {
    for (let i = 0; i < N_TRIGGER; i++) yield* EffectPusher.trigger(channel, "order-updated", data)
  }).pipe(
    Effect.provide(
      Layer.mergeAll(
        PusherConfig.layer(options),
        PusherCrypto.layer(crypto),
        Layer.succeed(HttpClient.HttpClient, answering)
      )
    ),
    Effect.withTracerEnabled(false),
    Effect.orDie
  )

// ---- measurement ---------------------------------------------------------------------------------------

const opsPerSecond = async (run: () => void | Promise<void>, count: number): Promise<number> => {
  const start = process.hrtime.bigint()
  await run()
  return count / (Number(process.hrtime.bigint() - start) / 1e9)
}

const format = (x: number) => `${Math.round(x).toLocaleString("en-US")}`.padStart(9)

const main = async () => {
  console.log(
    `node ${process.version}; ${N} preparations (${N_TRIGGER} triggers) per round, median of ${ROUNDS} interleaved rounds\n`
  )
  const nonce = nacl.randomBytes(24)
  const channelKeyBytes = Encryption.channelKey(PusherCrypto.portable, masterKey, channel)
  for (const [label, data] of Object.entries(payloads)) {
    const dataBytes = new TextEncoder().encode(JSON.stringify(data))
    const candidates: Array<readonly [string, () => void | Promise<void>, number]> = [
      ["pusher@5.3.4 trigger (no network)", () => {
        for (let i = 0; i < N; i++) pusher.trigger(channel, "order-updated", data)
      }, N],
      ["tweetnacl secretbox alone", () => {
        for (let i = 0; i < N; i++) sink += nacl.secretbox(dataBytes, nonce, channelKeyBytes).length
      }, N],
      ["@noble/ciphers secretbox alone (ours)", () => {
        for (let i = 0; i < N; i++) sink += cipher.seal(dataBytes, nonce, channelKeyBytes).length
      }, N],
      ["ours prepare, portable crypto", () => {
        for (let i = 0; i < N; i++) prepareOurs(PusherCrypto.portable, data)
      }, N],
      ["ours prepare, NodePusherCrypto", () => {
        for (let i = 0; i < N; i++) prepareOurs(NodePusherCrypto.service, data)
      }, N],
      ["ours Pusher.trigger, portable", () => Effect.runPromise(triggerLoop(PusherCrypto.portable, data)), N_TRIGGER],
      [
        "ours Pusher.trigger, NodePusherCrypto",
        () => Effect.runPromise(triggerLoop(NodePusherCrypto.service, data)),
        N_TRIGGER
      ]
    ]
    const samples = candidates.map(() => [] as Array<number>)
    for (const [, run] of candidates) await run() // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (let c = 0; c < candidates.length; c++) {
        samples[c]!.push(await opsPerSecond(candidates[c]![1], candidates[c]![2]))
      }
    }
    const baseline = median(samples[0]!)
    console.log(
      `payload ${label}, sealed data ${
        Encryption.seal(cipher, PusherCrypto.portable, masterKey, channel, JSON.stringify(data)).length
      } B`
    )
    for (let c = 0; c < candidates.length; c++) {
      const ops = median(samples[c]!)
      console.log(`  ${candidates[c]![0].padEnd(40)} ${format(ops)} ops/s   ${(ops / baseline).toFixed(2)}×`)
    }
    console.log()
  }
  if (sink === 0) console.log("(nothing prepared)")
}

main()
