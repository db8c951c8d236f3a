/**
 * The rule of each configuration field, one function per field: the value it stands for, or the rule it
 * broke (a phrase such as `must be a boolean`). `PusherConfig.validate` names the failure after the option,
 * `PusherConfig.fromEnv` after the environment variable; the rules are written once for both.
 *
 * @internal
 */
import * as ConfigUrl from "@effect-pusher/protocol/ConfigUrl"
import * as Encoding from "@effect-pusher/protocol/Encoding"
import * as Encryption from "@effect-pusher/protocol/encryption"
import type * as Json from "@effect-pusher/protocol/Json"
import * as Limits from "@effect-pusher/protocol/Limits"
import * as ProtocolOptions from "@effect-pusher/protocol/Options"
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import { decodeDuration } from "./duration.js"

/** @internal A field's value, or the rule it broke. */
export type Checked<A> = Result.Result<A, string>

/**
 * @internal Effect's own `ConfigError` for a value that broke its rule: a Schema issue at `path` (the option
 * or the variable), as `Config` reports a value its schema refuses. The issue holds the message only, never
 * the value, which may be a secret.
 */
export const configError = (path: string, message: string): Config.ConfigError =>
  new Config.ConfigError(
    new Schema.SchemaError(new SchemaIssue.Pointer([path], new SchemaIssue.InvalidValue({ message })))
  )

const appIdPattern = /^[A-Za-z0-9_\-.]{1,100}$/
const keyPattern = /^[A-Za-z0-9_\-.]{1,200}$/
const clusterPattern = /^[a-z0-9-]{1,63}$/
// A host name or bracketed IPv6 address, optionally followed by `:port` (the official library accepts both).
const hostPattern = /^([A-Za-z0-9_\-.]{1,253}|\[[0-9A-Fa-f:.]+\])(?::([0-9]{1,5}))?$/
const portPattern = /^[0-9]{1,5}$/

// A caller's value with a `Redacted` opened. Looking at it is reading the caller's object: one that throws
// (a Proxy, a forged Redacted) reads as nothing, and then fails its rule.
const reveal = (value: unknown): unknown => {
  try {
    return Redacted.isRedacted(value) ? Redacted.value(value) : value
  } catch {
    return undefined
  }
}

/** @internal */
export const defaultHost = "api-mt1.pusher.com"

/** @internal */
export const defaultMaxPayloadBytes: number = Limits.defaultMaxPayloadBytes

/** @internal */
export const defaultTimeout: Duration.Duration = Duration.seconds(10)

/** @internal */
export const defaultMaxEventsPerBatch: number = Limits.maxEventsPerBatch

/** @internal */
export const defaultMaxWatchlistSize: number = Limits.maxWatchlistSize

/** @internal Every key of `PusherConfig.Options`, including the official library's spellings. */
export type Key =
  | "appId"
  | "key"
  | "secret"
  | "cluster"
  | "host"
  | "port"
  | "scheme"
  | "useTLS"
  | "encrypted"
  | "timeout"
  | "encryptionMasterKey"
  | "encryptionMasterKeyBase64"
  | "maxPayloadBytes"
  | "maxEventsPerBatch"
  | "maxWatchlistSize"
  | "webhookTokens"

/**
 * @internal The one table of the keys `PusherConfig` options accept (a later option joins it and
 * `PusherConfig.Options`), with what to use instead of the keys of pusher-http-node (`agent`),
 * pusher-http-python (snake case, `ssl`, `backend`, ...) and common slips, so no key is silently ignored.
 */
export const optionKeys: Json.KeyTable<Key> = {
  accepted: [
    "appId",
    "key",
    "secret",
    "cluster",
    "host",
    "port",
    "scheme",
    "useTLS",
    "encrypted",
    "timeout",
    "encryptionMasterKey",
    "encryptionMasterKeyBase64",
    "maxPayloadBytes",
    "maxEventsPerBatch",
    "maxWatchlistSize",
    "webhookTokens"
  ],
  replacements: {
    agent: "NodePusher.layer's HttpClient options (NodePusherHttpClient.Options), or provide your own HttpClient",
    proxy: "an HttpClient that goes through the proxy",
    keepAlive: "NodePusher.layer's HttpClient options (NodePusherHttpClient.Options)",
    backend: "an HttpClient layer",
    json_encoder: "no option: event data is serialized with JSON.stringify",
    json_decoder: "no option: answers are decoded with effect/Schema",
    app_id: "appId",
    appKey: "key",
    app_key: "key",
    appSecret: "secret",
    app_secret: "secret",
    ssl: "useTLS (or scheme)",
    tls: "useTLS (or scheme)",
    encryption_master_key: "encryptionMasterKey (the raw 32-byte string)",
    encryption_master_key_base64: "encryptionMasterKeyBase64",
    url: "PusherConfig.layerFromUrl",
    hostname: "host"
  }
}

/** @internal The keys of one `webhookTokens` entry. */
export const tokenKeys: Json.KeyTable<"key" | "secret"> = {
  accepted: ["key", "secret"],
  replacements: { appKey: "key", app_key: "key", appSecret: "secret", app_secret: "secret" }
}

/** @internal More webhook tokens than an app can have is a mistake (and a bound on reading a hostile array). */
export const maxWebhookTokens = 100

/**
 * @internal Two spellings of one setting: given together they are a `ConfigError` naming both, never one
 * silently preferred.
 */
export const sameSetting: ReadonlyArray<readonly [Key, Key, string]> = [
  ["scheme", "useTLS", "both choose http or https: give only one"],
  ["scheme", "encrypted", "both choose http or https: give only one (encrypted is the deprecated useTLS)"],
  ["useTLS", "encrypted", "are the same setting (encrypted is its deprecated spelling): give only useTLS"],
  [
    "encryptionMasterKey",
    "encryptionMasterKeyBase64",
    "are the same key in two encodings: give only one (encryptionMasterKeyBase64 is preferred)"
  ]
]

/** @internal */
export const appId = (value: unknown): Checked<string> => {
  const text = typeof value === "number" ? (Number.isSafeInteger(value) && value >= 0 ? String(value) : "") : value
  // "." and ".." would be resolved away in the URL, so requests would not reach the signed path.
  return typeof text === "string" && appIdPattern.test(text) && text !== "." && text !== ".."
    ? Result.succeed(text)
    : Result.fail("must be a non-negative integer or 1-100 characters of [A-Za-z0-9_-.]")
}

const matching = (pattern: RegExp, rule: string) => (value: unknown): Checked<string> =>
  typeof value === "string" && pattern.test(value) ? Result.succeed(value) : Result.fail(rule)

/** @internal */
export const key = matching(keyPattern, "must be 1-200 characters of [A-Za-z0-9_-.]")

/** @internal A secret, plain or `Redacted`, held as `Redacted` from here on. */
export const secret = (value: unknown): Checked<Redacted.Redacted<string>> => {
  const text = reveal(value)
  if (typeof text !== "string") return Result.fail("must be a string")
  return text.length === 0 ? Result.fail("must be a non-empty string") : Result.succeed(Redacted.make(text))
}

/** @internal */
export const cluster = matching(clusterPattern, "must be a cluster name such as mt1 or eu")

const hostRule = "must be a host name, optionally with :port (no scheme or path: use scheme or useTLS for that)"

/** @internal */
export const host = matching(hostPattern, hostRule)

/** @internal A host split from the port it may carry (`localhost:6001`). */
export interface HostParts {
  readonly host: string
  readonly port: number | undefined
}

/** @internal */
export const hostParts = (value: unknown): Checked<HostParts> => {
  const match = typeof value === "string" ? hostPattern.exec(value) : null
  if (match === null) return Result.fail(hostRule)
  const name = match[1] ?? ""
  if (match[2] === undefined) return Result.succeed({ host: name, port: undefined })
  return Result.map(Result.mapError(port(Number(match[2])), () => hostRule), (port) => ({ host: name, port }))
}

/** @internal What a host set beside a cluster breaks, after the names of both. */
export const hostAndCluster =
  "cannot both be set: the cluster only chooses the host api-{cluster}.pusher.com (drop cluster to talk to host, or drop host to use the cluster)"

/** @internal */
export const useTLS = (value: unknown): Checked<boolean> =>
  typeof value === "boolean" ? Result.succeed(value) : Result.fail("must be a boolean")

/** @internal `http` or `https`, the official library's spelling of `useTLS`. */
export const scheme = (value: unknown): Checked<"http" | "https"> =>
  value === "http" || value === "https" ? Result.succeed(value) : Result.fail(`must be "http" or "https"`)

/** @internal A port as a number or a numeric string (the server library spec allows a string). */
export const port = (value: unknown): Checked<number> => {
  const number = typeof value === "string" && portPattern.test(value) ? Number(value) : value
  return typeof number === "number" && Number.isInteger(number) && number >= 1 && number <= 65535
    ? Result.succeed(number)
    : Result.fail("must be an integer from 1 to 65535, as a number or a numeric string")
}

/** @internal A timeout (the protocol's rule: positive, at most 24 days, which a timer can hold). */
export const timeout = (value: unknown): Checked<Duration.Duration> => {
  // What is not a duration at all fails as an infinite one would.
  const decoded = Option.getOrElse(decodeDuration(value), () => Duration.infinity)
  const failure = ProtocolOptions.checkTimeoutMillis("timeout", Duration.toMillis(decoded))
  return failure === undefined
    ? Result.succeed(decoded)
    : Result.fail(`${failure.rule}: a number of milliseconds (5000) or a duration ("5 seconds")`)
}

/** @internal A positive safe integer: the limits that depend on the plan or the cluster. */
export const positiveInteger = (value: unknown): Checked<number> => {
  const failure = ProtocolOptions.checkPositiveInteger("value", value)
  return failure === undefined ? Result.succeed(Number(value)) : Result.fail(failure.rule)
}

/** @internal */
export const maxPayloadBytes = positiveInteger

/** @internal An encryption master key: strict base64 of exactly 32 bytes. The rule never shows the key. */
export const masterKey = (value: unknown): Checked<Redacted.Redacted<Uint8Array>> => {
  const text = reveal(value)
  if (typeof text !== "string") return Result.fail("must be a string")
  const decoded = Encryption.decodeMasterKeyBase64(text)
  return decoded.ok ? Result.succeed(Redacted.make(decoded.value)) : Result.fail(decoded.error)
}

/**
 * @internal The official library's `encryptionMasterKey`: the raw key as a string of exactly 32 bytes (in
 * UTF-8, as `Buffer.from` reads it). The rule never shows the key.
 */
export const rawMasterKey = (value: unknown): Checked<Redacted.Redacted<Uint8Array>> => {
  const text = reveal(value)
  if (typeof text !== "string") return Result.fail("must be a string")
  const bytes = Encoding.utf8Encode(text)
  return bytes.length === 32
    ? Result.succeed(Redacted.make(bytes))
    : Result.fail("must be exactly 32 bytes (32 ASCII characters); or give encryptionMasterKeyBase64 instead")
}

/** @internal The parts of a `PUSHER_URL`, the secret already `Redacted`. The rule never shows the URL. */
export interface UrlParts {
  readonly appId: string
  readonly key: string
  readonly secret: Redacted.Redacted<string>
  readonly host: string
  readonly useTLS: boolean
  readonly port?: number
}

/** @internal */
export const url = (value: unknown): Checked<UrlParts> => {
  const parsed = ConfigUrl.parse(reveal(value))
  if (!parsed.ok) return Result.fail(parsed.error)
  const { secret, ...parts } = parsed.value
  return Result.succeed({ ...parts, secret: Redacted.make(secret) })
}
