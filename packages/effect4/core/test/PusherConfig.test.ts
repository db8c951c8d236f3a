import { PusherConfig } from "@effect-pusher/core"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { inspect } from "node:util"

const secret = "s3cret-NEVER-shown"
const masterKey = "zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU="
const masterKeyBytes = Uint8Array.from(Buffer.from(masterKey, "base64"))
const base = { appId: "1234", key: "f00d", secret } as const

const read = (layer: Layer.Layer<PusherConfig.PusherConfig, Config.ConfigError>) =>
  Effect.provide(PusherConfig.PusherConfig, layer)

const readEnv = (env: Record<string, string>) =>
  read(PusherConfig.layerConfig()).pipe(
    Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env }))
  )

// Where a ConfigError points: the path of its Schema issue (the option or the variable), as Effect 3's
// `InvalidData` carried its `path`.
const pathOf = (error: Config.ConfigError): ReadonlyArray<PropertyKey> | undefined =>
  Schema.isSchemaError(error.cause) && error.cause.issue._tag === "Pointer" ? error.cause.issue.path : undefined

const printed = (value: unknown): ReadonlyArray<string> => [
  JSON.stringify(value) ?? "",
  String(value),
  inspect(value, { depth: 10 }),
  value instanceof Error ? value.message : "",
  String(Result.fail(value)),
  JSON.stringify(Result.fail(value))
]

const expectHidden = (value: unknown, ...hidden: ReadonlyArray<string>) => {
  for (const text of printed(value)) {
    for (const h of hidden) expect(text).not.toContain(h)
  }
}

const expectConfigError = (error: Config.ConfigError, field: string) => {
  expect(error).toBeInstanceOf(Config.ConfigError)
  expect(String(error)).toContain(field)
  expectHidden(error, secret, masterKey)
}

const failure = (options: Record<string, unknown>) =>
  Effect.flip(PusherConfig.make({ ...base, ...options } as unknown as PusherConfig.Options))

describe("PusherConfig.layer", () => {
  it.effect("validates plain options and fills the defaults", () =>
    Effect.gen(function*() {
      const config = yield* read(PusherConfig.layer(base))
      expect(config).toMatchObject({
        appId: "1234",
        key: "f00d",
        scheme: "https",
        host: "api-mt1.pusher.com",
        port: 443,
        baseUrl: "https://api-mt1.pusher.com",
        pathPrefix: "/apps/1234",
        maxPayloadBytes: 10_240,
        webhookTokens: []
      })
      expect(Duration.toMillis(config.timeout)).toBe(10_000)
      expect(Redacted.isRedacted(config.secret)).toBe(true)
      expect(Redacted.value(config.secret)).toBe(secret)
      expect(Option.isNone(config.encryptionMasterKey)).toBe(true)
      expect(PusherConfig.defaultHost).toBe("api-mt1.pusher.com")
      expect(PusherConfig.defaultMaxPayloadBytes).toBe(10_240)
      expectHidden(config, secret)
    }))

  it.effect("accepts a Redacted secret and master key, and never prints them", () =>
    Effect.gen(function*() {
      const config = yield* read(PusherConfig.layer({
        ...base,
        secret: Redacted.make(secret),
        encryptionMasterKeyBase64: Redacted.make(masterKey)
      }))
      expect(Redacted.value(config.secret)).toBe(secret)
      const key = Option.getOrThrow(config.encryptionMasterKey)
      expect(Redacted.value(key)).toStrictEqual(masterKeyBytes)
      expectHidden(config, secret, masterKey, Array.from(masterKeyBytes).join(","))
    }))

  it.effect("derives the host from the cluster, and the port and scheme from useTLS", () =>
    Effect.gen(function*() {
      const eu = yield* PusherConfig.make({ ...base, cluster: "eu" })
      expect([eu.host, eu.baseUrl]).toStrictEqual(["api-eu.pusher.com", "https://api-eu.pusher.com"])
      const plain = yield* PusherConfig.make({ ...base, host: "127.0.0.1", useTLS: false })
      expect([plain.scheme, plain.port, plain.baseUrl]).toStrictEqual(["http", 80, "http://127.0.0.1"])
      const soketi = yield* PusherConfig.make({ ...base, host: "soketi.local", port: 6001, useTLS: false })
      expect(soketi.baseUrl).toBe("http://soketi.local:6001")
      const numeric = yield* PusherConfig.make({ ...base, appId: 42, timeout: "2 seconds", maxPayloadBytes: 1 })
      expect([numeric.appId, numeric.pathPrefix, numeric.maxPayloadBytes]).toStrictEqual(["42", "/apps/42", 1])
      expect(Duration.toMillis(numeric.timeout)).toBe(2000)
      const ipv6 = yield* PusherConfig.make({ ...base, host: "[::1]", port: 8080, useTLS: false })
      expect(ipv6.baseUrl).toBe("http://[::1]:8080")
    }))

  it.effect("accepts the official spellings: scheme, encrypted, encryptionMasterKey, a string port, host:port", () =>
    Effect.gen(function*() {
      const http = yield* PusherConfig.make({ ...base, scheme: "http", host: "localhost:6001" })
      expect([http.scheme, http.host, http.port, http.baseUrl]).toStrictEqual([
        "http",
        "localhost",
        6001,
        "http://localhost:6001"
      ])
      const https = yield* PusherConfig.make({ ...base, scheme: "https", port: "8443" })
      expect([https.scheme, https.port, https.baseUrl]).toStrictEqual([
        "https",
        8443,
        "https://api-mt1.pusher.com:8443"
      ])
      const encrypted = yield* PusherConfig.make({ ...base, encrypted: false })
      expect(encrypted.baseUrl).toBe("http://api-mt1.pusher.com")
      const same = yield* PusherConfig.make({ ...base, host: "[::1]:6001", port: "6001", useTLS: false })
      expect([same.host, same.port, same.baseUrl]).toStrictEqual(["[::1]", 6001, "http://[::1]:6001"])
      const raw = "0123456789abcdef0123456789abcdef"
      const keyed = yield* PusherConfig.make({ ...base, encryptionMasterKey: raw })
      expect(Option.map(keyed.encryptionMasterKey, Redacted.value)).toStrictEqual(
        Option.some(new TextEncoder().encode(raw))
      )
      expectHidden(keyed, raw)
      const redacted = yield* PusherConfig.make({ ...base, encryptionMasterKey: Redacted.make(raw) })
      expect(redacted.encryptionMasterKey).toStrictEqual(keyed.encryptionMasterKey)
    }))

  it.effect("sets maxEventsPerBatch and maxWatchlistSize, defaulting to 10 and 100", () =>
    Effect.gen(function*() {
      const defaults = yield* PusherConfig.make(base)
      expect([defaults.maxEventsPerBatch, defaults.maxWatchlistSize]).toStrictEqual([10, 100])
      const dedicated = yield* PusherConfig.make({ ...base, maxEventsPerBatch: 50, maxWatchlistSize: 1000 })
      expect([dedicated.maxEventsPerBatch, dedicated.maxWatchlistSize]).toStrictEqual([50, 1000])
    }))

  it.effect("names both keys of one setting, the replacement of a known foreign key, and which of host or cluster to drop", () =>
    Effect.gen(function*() {
      const both = String(yield* failure({ scheme: "http", useTLS: false }))
      expect(both).toContain("scheme")
      expect(both).toContain("useTLS")
      const keys = String(yield* failure({ encryptionMasterKey: "x".repeat(32), encryptionMasterKeyBase64: masterKey }))
      expect(keys).toContain("encryptionMasterKeyBase64")
      expectHidden(keys, "x".repeat(32), masterKey)
      expect(String(yield* failure({ agent: {} }))).toContain("HttpClient")
      expect(String(yield* failure({ appKey: "k" }))).toContain("use key")
      expect(String(yield* failure({ bogus: 1 }))).toContain("known: appId")
      const place = String(yield* failure({ host: "h", cluster: "eu" }))
      expect(place).toContain("drop cluster")
      expect(place).toContain("drop host")
      const ports = String(yield* failure({ host: "localhost:6001", port: "6002" }))
      expect(ports).toContain("6001")
      expect(ports).toContain("6002")
    }))

  const bad: ReadonlyArray<readonly [string, Record<string, unknown>, string]> = [
    ["host and cluster together", { host: "h", cluster: "eu" }, "host"],
    ["port 0", { port: 0 }, "port"],
    ["port 65536", { port: 65536 }, "port"],
    ["a fractional port", { port: 80.5 }, "port"],
    ["a NaN port", { port: Number.NaN }, "port"],
    ["a non-numeric string port", { port: "80a" }, "port"],
    ["a string port out of range", { port: "70000" }, "port"],
    ["a string port with a sign", { port: "+80" }, "port"],
    ["an empty string port", { port: "" }, "port"],
    ["an empty appId", { appId: "" }, "appId"],
    ["a negative appId", { appId: -1 }, "appId"],
    ["a fractional appId", { appId: 1.5 }, "appId"],
    ["an appId with a slash", { appId: "1/2" }, "appId"],
    ["an appId of 101 characters", { appId: "1".repeat(101) }, "appId"],
    ["the appId ..", { appId: ".." }, "appId"],
    ["the appId .", { appId: "." }, "appId"],
    ["an empty key", { key: "" }, "key"],
    ["a key with a space", { key: "a b" }, "key"],
    ["a key with &", { key: "a&b" }, "key"],
    ["an empty secret", { secret: "" }, "secret"],
    ["an empty Redacted secret", { secret: Redacted.make("") }, "secret"],
    ["a non-string secret", { secret: 5 }, "secret"],
    ["a host with a scheme", { host: "https://api.example.com" }, "host"],
    ["a host with port 0", { host: "example.com:0" }, "host"],
    ["a host with a port out of range", { host: "example.com:65536" }, "host"],
    ["a host with an empty port", { host: "example.com:" }, "host"],
    ["a host whose port differs from port", { host: "localhost:6001", port: 6002 }, "port"],
    ["a scheme other than http and https", { scheme: "ws" }, "scheme"],
    ["an uppercase scheme", { scheme: "HTTPS" }, "scheme"],
    ["a non-boolean encrypted", { encrypted: "yes" }, "encrypted"],
    ["scheme and useTLS together", { scheme: "http", useTLS: false }, "scheme"],
    ["scheme and encrypted together", { scheme: "https", encrypted: true }, "scheme"],
    ["useTLS and encrypted together", { useTLS: true, encrypted: true }, "useTLS"],
    [
      "both master key spellings together",
      { encryptionMasterKey: "a".repeat(32), encryptionMasterKeyBase64: masterKey },
      "encryptionMasterKey"
    ],
    ["a raw master key of 31 characters", { encryptionMasterKey: "a".repeat(31) }, "encryptionMasterKey"],
    ["a raw master key of 32 characters but 33 bytes", {
      encryptionMasterKey: "ą" + "a".repeat(31)
    }, "encryptionMasterKey"],
    ["a non-string raw master key", { encryptionMasterKey: 32 }, "encryptionMasterKey"],
    ["an unknown key", { foo: "bar" }, "foo"],
    ["pusher's agent", { agent: {} }, "agent"],
    ["an unknown key whose value is undefined", { appKey: undefined }, "appKey"],
    ["python's ssl", { ssl: true }, "ssl"],
    ["a zero maxEventsPerBatch", { maxEventsPerBatch: 0 }, "maxEventsPerBatch"],
    ["a fractional maxEventsPerBatch", { maxEventsPerBatch: 2.5 }, "maxEventsPerBatch"],
    ["a string maxEventsPerBatch", { maxEventsPerBatch: "10" }, "maxEventsPerBatch"],
    ["an unsafe maxWatchlistSize", { maxWatchlistSize: 2 ** 53 }, "maxWatchlistSize"],
    ["a negative maxWatchlistSize", { maxWatchlistSize: -1 }, "maxWatchlistSize"],
    ["a host with a path", { host: "example.com/x" }, "host"],
    ["an empty host", { host: "" }, "host"],
    ["a host with a space", { host: "a b" }, "host"],
    ["an uppercase cluster", { cluster: "EU" }, "cluster"],
    ["a cluster with a dot", { cluster: "eu.x" }, "cluster"],
    ["a non-boolean useTLS", { useTLS: "yes" }, "useTLS"],
    ["a zero timeout", { timeout: 0 }, "timeout"],
    ["a negative timeout", { timeout: -5 }, "timeout"],
    ["an unparsable timeout", { timeout: "soon" }, "timeout"],
    ["an infinite timeout (a timer would fire at once)", { timeout: Duration.infinity }, "timeout"],
    ["a timeout past what a timer can hold", { timeout: Duration.days(25) }, "timeout"],
    ["a zero maxPayloadBytes", { maxPayloadBytes: 0 }, "maxPayloadBytes"],
    ["a fractional maxPayloadBytes", { maxPayloadBytes: 1.5 }, "maxPayloadBytes"],
    [
      "a master key that is not base64",
      { encryptionMasterKeyBase64: "not base64 at all!!" },
      "encryptionMasterKeyBase64"
    ],
    [
      "a master key of 31 bytes",
      { encryptionMasterKeyBase64: "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBw==" },
      "encryptionMasterKeyBase64"
    ],
    [
      "a master key of 33 bytes",
      { encryptionMasterKeyBase64: "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH" },
      "encryptionMasterKeyBase64"
    ],
    ["a master key with a leading space", { encryptionMasterKeyBase64: ` ${masterKey}` }, "encryptionMasterKeyBase64"],
    [
      "a master key with a trailing newline",
      { encryptionMasterKeyBase64: `${masterKey}\n` },
      "encryptionMasterKeyBase64"
    ],
    ["a master key with inner whitespace", {
      encryptionMasterKeyBase64: `${masterKey.slice(0, 8)} ${masterKey.slice(9)}`
    }, "encryptionMasterKeyBase64"],
    [
      "a master key in the URL-safe alphabet",
      { encryptionMasterKeyBase64: masterKey.replace("/", "_") },
      "encryptionMasterKeyBase64"
    ],
    [
      "a master key without padding",
      { encryptionMasterKeyBase64: masterKey.slice(0, -1) },
      "encryptionMasterKeyBase64"
    ],
    [
      "a master key with non-zero unused bits",
      { encryptionMasterKeyBase64: masterKey.slice(0, -2) + "V=" },
      "encryptionMasterKeyBase64"
    ],
    ["a Redacted master key of 33 bytes", {
      encryptionMasterKeyBase64: Redacted.make("BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH")
    }, "encryptionMasterKeyBase64"],
    ["a webhook token without a secret", { webhookTokens: [{ key: "k2", secret: "" }] }, "webhookTokens[0].secret"],
    ["a webhook token with a bad key", { webhookTokens: [{ key: "k 2", secret: "x" }] }, "webhookTokens[0].key"]
  ]

  it.effect.each(bad)("rejects %s with a ConfigError naming the field", ([, options, field]) =>
    Effect.gen(function*() {
      const error = yield* failure(options)
      expectConfigError(error, field)
      expect(Schema.isSchemaError(error.cause)).toBe(true)
      expect(pathOf(error)).toStrictEqual([field])
      const fromLayer = yield* Effect.flip(read(PusherConfig.layer({ ...base, ...options } as PusherConfig.Options)))
      expect(fromLayer).toStrictEqual(error)
      const raw = options.encryptionMasterKey
      if (typeof raw === "string") expectHidden(error, raw)
      const key = options.encryptionMasterKeyBase64
      if (key !== undefined) {
        expectHidden(error, typeof key === "string" ? key.trim() : Redacted.value(key as Redacted.Redacted<string>))
      }
    }))

  it("decodeMasterKey accepts exactly 32 bytes of strict base64", () => {
    const bytes = Result.getOrThrow(PusherConfig.decodeMasterKey(masterKey))
    expect(Redacted.value(bytes)).toStrictEqual(masterKeyBytes)
    expect(Result.isFailure(PusherConfig.decodeMasterKey(""))).toBe(true)
  })
})

describe("PusherConfig.layerFromUrl", () => {
  it.effect("reads key, secret, host, port, scheme and app id from the URL", () =>
    Effect.gen(function*() {
      const https = yield* read(PusherConfig.layerFromUrl(`https://f00d:${secret}@api-eu.pusher.com/apps/123`))
      expect(https).toMatchObject({ appId: "123", key: "f00d", host: "api-eu.pusher.com", port: 443, scheme: "https" })
      expect(Redacted.value(https.secret)).toBe(secret)
      const http = yield* read(
        PusherConfig.layerFromUrl(Redacted.make(`http://app-key:s%2Fx%40y@127.0.0.1:6001/apps/app-id/`), {
          encryptionMasterKeyBase64: masterKey,
          maxPayloadBytes: 100
        })
      )
      expect(http).toMatchObject({
        appId: "app-id",
        key: "app-key",
        baseUrl: "http://127.0.0.1:6001",
        port: 6001,
        maxPayloadBytes: 100
      })
      expect(Redacted.value(http.secret)).toBe("s/x@y")
      expect(Option.isSome(http.encryptionMasterKey)).toBe(true)
      expectHidden(http, "s/x@y", masterKey)
    }))

  const badUrls = [
    "not a url",
    `ftp://f00d:${secret}@h/apps/1`,
    "https://h/apps/1",
    `https://f00d@h/apps/1`,
    `https://f00d:${secret}@h/1`,
    `https://f00d:${secret}@h/apps/1/x`,
    `https://f00d:${secret}@h/apps/1?x=1`,
    `https://f00d:${secret}@h/apps/1#x`,
    `https://f00d:${secret}@h:99999/apps/1`,
    `https://f00d:${secret}%@h/apps/1`
  ]

  it.effect.each(badUrls)("rejects %s without showing it", (url) =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(read(PusherConfig.layerFromUrl(url)))
      expectConfigError(error, "url")
      expect(pathOf(error)).toStrictEqual(["url"])
      expectHidden(error, url)
    }))

  it.effect("rejects a bad key inside the URL by naming the key", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(read(PusherConfig.layerFromUrl(`https://f%20d:${secret}@h/apps/1`)))
      expectConfigError(error, "key")
    }))
})

describe("PusherConfig.layerConfig", () => {
  it.effect("reads PUSHER_URL", () =>
    Effect.gen(function*() {
      const config = yield* readEnv({
        PUSHER_URL: `https://f00d:${secret}@api-ap1.pusher.com/apps/77`,
        PUSHER_ENCRYPTION_MASTER_KEY_BASE64: masterKey
      })
      expect(config).toMatchObject({ appId: "77", key: "f00d", baseUrl: "https://api-ap1.pusher.com" })
      expect(Redacted.value(config.secret)).toBe(secret)
      expect(Redacted.value(Option.getOrThrow(config.encryptionMasterKey))).toStrictEqual(masterKeyBytes)
      expectHidden(config, secret, masterKey)
    }))

  it.effect("reads PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET and PUSHER_CLUSTER", () =>
    Effect.gen(function*() {
      const config = yield* readEnv({
        PUSHER_APP_ID: "1234",
        PUSHER_KEY: "f00d",
        PUSHER_SECRET: secret,
        PUSHER_CLUSTER: "eu"
      })
      expect(config).toMatchObject({ appId: "1234", key: "f00d", host: "api-eu.pusher.com", port: 443 })
      expect(Redacted.value(config.secret)).toBe(secret)
    }))

  it.effect("reads PUSHER_HOST, PUSHER_PORT and PUSHER_USE_TLS through Layer.setConfigProvider", () =>
    Effect.gen(function*() {
      const env = new Map([
        ["PUSHER_APP_ID", "1234"],
        ["PUSHER_KEY", "f00d"],
        ["PUSHER_SECRET", secret],
        ["PUSHER_HOST", "127.0.0.1"],
        ["PUSHER_PORT", "6001"],
        ["PUSHER_USE_TLS", "false"],
        ["PUSHER_ENCRYPTION_MASTER_KEY_BASE64", masterKey]
      ])
      const config = yield* read(
        PusherConfig.layerConfig().pipe(
          Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: Object.fromEntries(env) })))
        )
      )
      expect(config).toMatchObject({ baseUrl: "http://127.0.0.1:6001", scheme: "http", port: 6001 })
      expect(Option.isSome(config.encryptionMasterKey)).toBe(true)
    }))

  const app = { PUSHER_APP_ID: "1", PUSHER_KEY: "k", PUSHER_SECRET: secret }
  const badEnvs: ReadonlyArray<readonly [string, Record<string, string>, string]> = [
    ["nothing set", {}, "PUSHER_URL"],
    ["only PUSHER_APP_ID", { PUSHER_APP_ID: "1" }, "PUSHER_SECRET"],
    ["no PUSHER_SECRET", { PUSHER_APP_ID: "1", PUSHER_KEY: "k" }, "PUSHER_SECRET"],
    ["a non-numeric PUSHER_PORT", { ...app, PUSHER_PORT: "http" }, "PUSHER_PORT"],
    ["a PUSHER_PORT out of range", { ...app, PUSHER_PORT: "70000" }, "PUSHER_PORT"],
    ["a bad PUSHER_USE_TLS", { ...app, PUSHER_USE_TLS: "perhaps" }, "PUSHER_USE_TLS"],
    ["PUSHER_HOST with PUSHER_CLUSTER", { ...app, PUSHER_HOST: "h", PUSHER_CLUSTER: "eu" }, "PUSHER_HOST"],
    ["a bad PUSHER_CLUSTER", { ...app, PUSHER_CLUSTER: "e u" }, "PUSHER_CLUSTER"],
    ["an empty PUSHER_SECRET", { ...app, PUSHER_SECRET: "" }, "PUSHER_SECRET"],
    ["a bad PUSHER_APP_ID", { ...app, PUSHER_APP_ID: "a/b" }, "PUSHER_APP_ID"],
    ["a bad PUSHER_TIMEOUT", { ...app, PUSHER_TIMEOUT: "0 seconds" }, "PUSHER_TIMEOUT"],
    ["a zero PUSHER_MAX_EVENTS_PER_BATCH", { ...app, PUSHER_MAX_EVENTS_PER_BATCH: "0" }, "PUSHER_MAX_EVENTS_PER_BATCH"],
    [
      "a non-numeric PUSHER_MAX_WATCHLIST_SIZE",
      { ...app, PUSHER_MAX_WATCHLIST_SIZE: "many" },
      "PUSHER_MAX_WATCHLIST_SIZE"
    ],
    ["a bad PUSHER_URL", { PUSHER_URL: `https://k:${secret}@h/nope` }, "PUSHER_URL"],
    ["a bad key in PUSHER_URL", { PUSHER_URL: `https://k%20:${secret}@h/apps/1` }, "PUSHER_URL"],
    [
      "a short master key",
      { ...app, PUSHER_ENCRYPTION_MASTER_KEY_BASE64: masterKey.slice(4) },
      "PUSHER_ENCRYPTION_MASTER_KEY_BASE64"
    ],
    [
      "a master key with whitespace",
      { PUSHER_URL: `https://k:${secret}@h/apps/1`, PUSHER_ENCRYPTION_MASTER_KEY_BASE64: ` ${masterKey}` },
      "PUSHER_ENCRYPTION_MASTER_KEY_BASE64"
    ]
  ]

  it.effect.each(badEnvs)(
    "fails on %s with a ConfigError naming the variable",
    ([, env, name]) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(readEnv(env))
        expect(error).toBeInstanceOf(Config.ConfigError)
        expect(String(error)).toContain(name)
        expectHidden(error, secret, masterKey, masterKey.slice(4))
      })
  )
})

describe("PusherConfig.fromEnv", () => {
  it.effect("reports Effect's own ConfigErrors at the variable's path", () =>
    Effect.gen(function*() {
      // Effect 4's `Config.all` stops at the first missing variable: one error names every missing part
      // (and PUSHER_URL, which would do instead), at the path of the first.
      const missing = yield* Effect.flip(readEnv({ PUSHER_APP_ID: "1" }))
      expect(pathOf(missing)).toStrictEqual(["PUSHER_KEY"])
      expect(String(missing)).toContain("PUSHER_URL")
      expect(String(missing)).toContain("missing: PUSHER_KEY, PUSHER_SECRET")
      const invalid = yield* Effect.flip(
        readEnv({ PUSHER_URL: `https://k:${secret}@h/apps/1`, PUSHER_TIMEOUT: "0 seconds" })
      )
      expect(Schema.isSchemaError(invalid.cause)).toBe(true)
      expect(pathOf(invalid)).toStrictEqual(["PUSHER_TIMEOUT"])
      const badUrl = yield* Effect.flip(readEnv({ PUSHER_URL: `https://k%20:${secret}@h/apps/1` }))
      expect(pathOf(badUrl)).toStrictEqual(["PUSHER_URL"])
      expect(String(badUrl)).toContain("key must be")
      expectHidden(badUrl, secret)
    }))

  it.effect("reads PUSHER_MAX_EVENTS_PER_BATCH and PUSHER_MAX_WATCHLIST_SIZE, defaulting to 10 and 100", () =>
    Effect.gen(function*() {
      const url = `https://k:${secret}@h/apps/1`
      const set = yield* readEnv({
        PUSHER_URL: url,
        PUSHER_MAX_EVENTS_PER_BATCH: "20",
        PUSHER_MAX_WATCHLIST_SIZE: "500"
      })
      expect([set.maxEventsPerBatch, set.maxWatchlistSize]).toStrictEqual([20, 500])
      const unset = yield* readEnv({ PUSHER_URL: url })
      expect([unset.maxEventsPerBatch, unset.maxWatchlistSize]).toStrictEqual([10, 100])
    }))

  it.effect("reads PUSHER_TIMEOUT as milliseconds (as the official timeout option) or as a duration", () =>
    Effect.gen(function*() {
      const url = `https://k:${secret}@h/apps/1`
      const timeouts = yield* Effect.forEach(
        ["5000", "5 seconds", "1500 millis"],
        (value) => Effect.map(readEnv({ PUSHER_URL: url, PUSHER_TIMEOUT: value }), (config) => config.timeout)
      )
      expect(timeouts.map(Duration.toMillis)).toStrictEqual([5000, 5000, 1500])
      for (const bad of ["0", "5000ms", "-1", "1.5", "soon", "2592000000"]) {
        const error = yield* Effect.flip(readEnv({ PUSHER_URL: url, PUSHER_TIMEOUT: bad }))
        expect(pathOf(error)).toStrictEqual(["PUSHER_TIMEOUT"])
        expect(String(error)).toContain("a number of milliseconds (5000)")
      }
    }))

  it.effect("accepts PUSHER_HOST with a port", () =>
    Effect.gen(function*() {
      const config = yield* readEnv({
        PUSHER_APP_ID: "1",
        PUSHER_KEY: "k",
        PUSHER_SECRET: secret,
        PUSHER_HOST: "localhost:6001",
        PUSHER_USE_TLS: "false"
      })
      expect([config.host, config.port, config.baseUrl]).toStrictEqual(["localhost", 6001, "http://localhost:6001"])
    }))

  it.effect("lets PUSHER_PORT and PUSHER_USE_TLS override the URL", () =>
    Effect.gen(function*() {
      const config = yield* readEnv({
        PUSHER_URL: `https://k:${secret}@h:8443/apps/1`,
        PUSHER_PORT: "6001",
        PUSHER_USE_TLS: "false"
      })
      expect(config.baseUrl).toBe("http://h:6001")
      const kept = yield* readEnv({ PUSHER_URL: `https://k:${secret}@h:8443/apps/1` })
      expect(kept.baseUrl).toBe("https://h:8443")
    }))
})

describe("PusherConfig options from untyped callers (issue 13 §2)", () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped callers
  const untyped = (value: unknown): any => value
  const app = { appId: 1, key: "key", secret: "secret" }
  const fieldOf = (exit: Exit.Exit<unknown, Config.ConfigError>) => {
    if (Exit.isSuccess(exit) || Cause.hasDies(exit.cause)) return "no typed failure"
    const error = Cause.findErrorOption(exit.cause)
    const path = Option.isSome(error) ? pathOf(error.value) : undefined
    return path === undefined ? "other" : path.join(".")
  }
  const build = (layer: Layer.Layer<PusherConfig.PusherConfig, Config.ConfigError>) =>
    Effect.exit(Effect.scoped(Layer.build(layer)))

  it.effect("null, undefined, throwing getters and proxies fail at layer build with a ConfigError, never a throw", () =>
    Effect.gen(function*() {
      const throwing = Object.defineProperty({ ...app }, "timeout", {
        enumerable: true,
        get: () => {
          throw new Error("boom")
        }
      })
      const proxy = new Proxy({}, {
        ownKeys: () => {
          throw new Error("no keys")
        }
      })
      expect(fieldOf(yield* build(PusherConfig.layer(untyped(null))))).toBe("appId")
      expect(fieldOf(yield* Effect.exit(PusherConfig.make(untyped(undefined))))).toBe("appId")
      expect(fieldOf(yield* build(PusherConfig.layer(untyped(throwing))))).toBe("options")
      expect(fieldOf(yield* build(PusherConfig.layer(untyped(proxy))))).toBe("options")
      expect(fieldOf(yield* build(PusherConfig.layerFromUrl(untyped(proxy))))).toBe("url")
      expect(fieldOf(yield* build(PusherConfig.layerFromUrl("https://k:s@h.example/apps/1", untyped(proxy)))))
        .toBe("options")
      expect(fieldOf(yield* build(PusherConfig.layer(untyped(5))))).toBe("options")
    }))

  it.effect("a near miss names the key meant; webhookTokens entries are checked against their keys", () =>
    Effect.gen(function*() {
      const typo = yield* Effect.flip(PusherConfig.make(untyped({ ...app, timout: 5 })))
      expect(String(typo)).toContain("did you mean timeout?")
      const token = yield* Effect.exit(
        PusherConfig.make(untyped({ ...app, webhookTokens: [{ key: "k2", secret: "s2", secert: "x" }] }))
      )
      expect(fieldOf(token)).toBe("webhookTokens[0].secert")
      const tooMany = yield* Effect.exit(
        PusherConfig.make(
          untyped({ ...app, webhookTokens: Array.from({ length: 101 }, () => ({ key: "k", secret: "s" })) })
        )
      )
      expect(fieldOf(tooMany)).toBe("webhookTokens")
    }))

  it.effect("layerFromUrl refuses options that the URL sets, instead of silently overriding them", () =>
    Effect.gen(function*() {
      const exit = yield* build(PusherConfig.layerFromUrl("https://k:s@h.example/apps/1", untyped({ host: "other" })))
      expect(fieldOf(exit)).toBe("host")
    }))

  it.effect("each option is read once, at build", () =>
    Effect.gen(function*() {
      let reads = 0
      const counted = Object.defineProperty({ ...app }, "timeout", {
        enumerable: true,
        get: () => {
          reads++
          return "5 seconds"
        }
      })
      const layer = PusherConfig.layer(counted)
      expect(reads).toBe(0)
      yield* Effect.scoped(Layer.build(layer))
      expect(reads).toBe(1)
    }))
})
