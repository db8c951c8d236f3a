/**
 * Issue 12, points 1 (config), 6 and 7, side by side with pusher@5.3.4: the official option spellings give
 * the same scheme, host, port and base URL (and the same master key); what we refuse fails with a
 * `ConfigError` naming the key; the plan-dependent limits follow the config.
 */
import { Pusher, PusherConfig, PusherCrypto } from "@effect-pusher/core"
import { beforeAll, describe, expect, it, vi } from "@effect/vitest"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import PusherNode from "pusher"
import { officialServer } from "./utils/officialServer.js"
import { makeRecorder } from "./utils/recorder.js"

const app = { appId: "1234", key: "interop-key", secret: "interop-secret-NEVER-shown" } as const
const rawKey = "0123456789abcdefghijklmnopqrstuv"

// pusher warns on its deprecated spellings (encrypted, encryptionMasterKey): keep the test output clean.
beforeAll(() => {
  vi.spyOn(console, "warn").mockImplementation(() => {})
})

const ours = (options: Record<string, unknown>) =>
  Effect.runSync(Effect.result(PusherConfig.make({ ...app, ...options } as unknown as PusherConfig.Options)))

const official = (options: Record<string, unknown>) => new PusherNode({ ...app, ...options } as PusherNode.Options)

// pusher keeps its config on the instance without typing it.
interface OfficialConfig {
  readonly scheme: string
  readonly encryptionMasterKey: Uint8Array
  readonly getBaseURL: () => string
}
const officialConfig = (options: Record<string, unknown>): OfficialConfig =>
  Reflect.get(official(options), "config") as OfficialConfig

// pusher prints the port whenever it was given, even the scheme's default; a URL's origin drops it.
const origin = (url: string) => new URL(url).origin

describe("the official spellings reach the same server as pusher@5.3.4", () => {
  const same: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
    ["scheme http with host and port", { scheme: "http", host: "localhost", port: 6001 }],
    ["scheme https with a cluster", { scheme: "https", cluster: "eu" }],
    ["scheme http alone", { scheme: "http", host: "soketi.internal" }],
    ["useTLS with a string port", { useTLS: true, host: "h.example", port: "8443" }],
    ["encrypted (deprecated useTLS) false", { encrypted: false, host: "127.0.0.1", port: "6001" }],
    ["encrypted true", { encrypted: true, host: "127.0.0.1" }],
    ["host:port", { useTLS: false, host: "localhost:6001" }],
    ["an IPv6 host:port", { scheme: "https", host: "[::1]:8443" }],
    ["https on the default port, given", { scheme: "https", host: "h.example", port: 443 }]
  ]

  it.each(same)("%s", (_, options) => {
    const config = Result.getOrThrow(ours(options))
    const reference = officialConfig(options)
    expect(origin(config.baseUrl)).toBe(origin(reference.getBaseURL()))
    expect(config.scheme).toBe(reference.scheme)
    // pusher keeps no host/port split: its base URL shows the host and the port it sends to.
    const url = new URL(reference.getBaseURL())
    expect(config.host).toBe(url.hostname)
    expect(config.port).toBe(url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port))
  })

  it("host:port with the same port again: pusher builds a broken URL, we send to that port", () => {
    const options = { scheme: "http", host: "localhost:6001", port: "6001" }
    expect(officialConfig(options).getBaseURL()).toBe("http://localhost:6001:6001")
    expect(Result.getOrThrow(ours(options)).baseUrl).toBe("http://localhost:6001")
  })

  it("encryptionMasterKey, the raw 32-character string, is the same key: same bytes, same shared_secret", () => {
    const config = Result.getOrThrow(ours({ encryptionMasterKey: rawKey }))
    const reference = official({ encryptionMasterKey: rawKey })
    expect(Option.map(config.encryptionMasterKey, Redacted.value)).toStrictEqual(
      Option.some(Uint8Array.from(officialConfig({ encryptionMasterKey: rawKey }).encryptionMasterKey))
    )
    const channel = "private-encrypted-interop"
    const authorized = Effect.runSync(
      Pusher.authorizeChannel("123.456", channel).pipe(
        Effect.provide(PusherConfig.layer({ ...app, encryptionMasterKey: rawKey })),
        Effect.provide(PusherCrypto.layer(PusherCrypto.portable))
      )
    )
    expect(authorized).toStrictEqual(reference.authorizeChannel("123.456", channel))
  })
})

describe("what pusher@5.3.4 accepts but would mis-send or silently ignore fails with a ConfigError naming the key", () => {
  const refused: ReadonlyArray<readonly [string, Record<string, unknown>, ReadonlyArray<string>]> = [
    // pusher lets scheme win over useTLS without a word.
    ["scheme with useTLS", { scheme: "http", useTLS: true }, ["scheme", "useTLS"]],
    ["scheme with encrypted", { scheme: "https", encrypted: false }, ["scheme", "encrypted"]],
    // pusher uses the agent for its own HTTP client; ours is the HttpClient layer.
    ["agent", { agent: {} }, ["agent", "HttpClient"]],
    ["an unknown key", { appKey: "k" }, ["appKey", "use key"]],
    ["python's snake case", { encryption_master_key_base64: "x" }, [
      "encryption_master_key_base64",
      "encryptionMasterKeyBase64"
    ]],
    // pusher lets host win over cluster without a word.
    ["host with cluster", { host: "h.example", cluster: "eu" }, ["host", "cluster", "drop"]],
    // pusher sends to http://localhost:6001:6002.
    ["host:port with another port", { host: "localhost:6001", port: 6002 }, ["port", "6001", "6002"]]
  ]

  it.each(refused)("%s", (_, options, named) => {
    expect(() => official(options)).not.toThrow()
    const result = ours(options)
    expect(Result.isFailure(result)).toBe(true)
    if (Result.isFailure(result)) {
      expect(result.failure).toBeInstanceOf(Config.ConfigError)
      const message = String(result.failure)
      for (const word of named) expect(message).toContain(word)
      expect(message).not.toContain(app.secret)
    }
  })

  const bothRefuse: ReadonlyArray<readonly [string, Record<string, unknown>, ReadonlyArray<string>]> = [
    ["useTLS with encrypted", { useTLS: true, encrypted: true }, ["useTLS", "encrypted"]],
    [
      "both master key spellings",
      { encryptionMasterKey: rawKey, encryptionMasterKeyBase64: "zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU=" },
      ["encryptionMasterKey", "encryptionMasterKeyBase64"]
    ],
    ["a raw master key of 31 characters", { encryptionMasterKey: rawKey.slice(1) }, ["encryptionMasterKey"]]
  ]

  it.each(bothRefuse)("%s (pusher throws; we fail with a typed error, never showing the key)", (_, options, named) => {
    expect(() => official(options)).toThrow()
    const result = ours(options)
    expect(Result.isFailure(result)).toBe(true)
    if (Result.isFailure(result)) {
      const message = String(result.failure)
      for (const word of named) expect(message).toContain(word)
      expect(message).not.toContain(rawKey.slice(1))
    }
  })
})

describe("maxEventsPerBatch and maxWatchlistSize follow the config", () => {
  const server = officialServer()

  const events = Array.from({ length: 15 }, (_, i) => ({ channel: `c${i}`, name: "e", data: { i } }))

  it.effect("a batch of 15 events with maxEventsPerBatch 20 sends the body pusher@5.3.4 sends", () =>
    Effect.gen(function*() {
      const recorder = makeRecorder()
      yield* Pusher.triggerBatch(events).pipe(
        Effect.provide(Layer.merge(PusherConfig.layer({ ...app, maxEventsPerBatch: 20 }), recorder.layer))
      )
      yield* Effect.promise(() => server.official(app).triggerBatch(events.map((event) => ({ ...event }))))
      expect(recorder.requests[0]?.body).toBe(server.received.at(-1)?.body)
      const refused = yield* Effect.flip(
        Pusher.triggerBatch(events).pipe(Effect.provide(Layer.merge(PusherConfig.layer(app), recorder.layer)))
      )
      expect(refused).toMatchObject({ _tag: "ValidationError", field: "events" })
      expect(recorder.requests).toHaveLength(1)
    }))

  it("a watchlist of 150 with maxWatchlistSize 200 is signed as pusher@5.3.4 signs it; the default refuses it", () => {
    const user = { id: "u", watchlist: Array.from({ length: 150 }, (_, i) => `w${i}`) }
    const sign = (layer: Layer.Layer<PusherConfig.PusherConfig, Config.ConfigError>) =>
      Effect.runSync(
        Effect.result(Pusher.authenticateUser("123.456", user)).pipe(
          Effect.provide(layer),
          Effect.provide(PusherCrypto.layer(PusherCrypto.portable))
        )
      )
    expect(sign(PusherConfig.layer({ ...app, maxWatchlistSize: 200 }))).toStrictEqual(
      Result.succeed(official({}).authenticateUser("123.456", user))
    )
    const refused = sign(PusherConfig.layer(app))
    expect(Result.isFailure(refused) && refused.failure._tag === "ValidationError" && refused.failure.field).toBe(
      "user.watchlist"
    )
  })
})
