/**
 * The rules of an app's configuration that do not depend on an Effect line: the keys its options accept
 * (with what to use instead of the official libraries' other keys), the spellings of one setting that must
 * not be given together, and the rule of each plain field. A rule answers the value, or the phrase it broke
 * (`must be a boolean`): each core names the failure after the option or the environment variable.
 *
 * @since 0.1.0
 */
import { utf8Encode } from "./Encoding.js"
import { err, ok, type Result } from "./Failure.js"
import type { KeyTable } from "./Json.js"

const appIdPattern = /^[A-Za-z0-9_\-.]{1,100}$/
const keyPattern = /^[A-Za-z0-9_\-.]{1,200}$/
const clusterPattern = /^[a-z0-9-]{1,63}$/
// A host name or bracketed IPv6 address, optionally followed by `:port` (the official library accepts both).
const hostPattern = /^([A-Za-z0-9_\-.]{1,253}|\[[0-9A-Fa-f:.]+\])(?::([0-9]{1,5}))?$/
const portPattern = /^[0-9]{1,5}$/

/**
 * The host used when neither `host` nor `cluster` is given: the `mt1` cluster, as in the official library.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultHost = "api-mt1.pusher.com"

/**
 * Every key of `PusherConfig.Options`, including the official library's spellings.
 *
 * @since 0.1.0
 * @category models
 */
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
 * The one table of the keys `PusherConfig` options accept (a later option joins it and
 * `PusherConfig.Options`), with what to use instead of the keys of pusher-http-node (`agent`),
 * pusher-http-python (snake case, `ssl`, `backend`, ...) and common slips, so no key is silently ignored.
 *
 * @since 0.1.0
 * @category constants
 */
export const optionKeys: KeyTable<Key> = {
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

/**
 * The keys of one `webhookTokens` entry.
 *
 * @since 0.1.0
 * @category constants
 */
export const tokenKeys: KeyTable<"key" | "secret"> = {
  accepted: ["key", "secret"],
  replacements: { appKey: "key", app_key: "key", appSecret: "secret", app_secret: "secret" }
}

/**
 * More webhook tokens than an app can have is a mistake (and a bound on reading a hostile array).
 *
 * @since 0.1.0
 * @category constants
 */
export const maxWebhookTokens = 100

/**
 * Two spellings of one setting, and what giving both breaks: given together they are an error naming both,
 * never one silently preferred.
 *
 * @since 0.1.0
 * @category constants
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

/**
 * An app id: a non-negative safe integer (as a string from here on) or 1-100 characters of `[A-Za-z0-9_-.]`.
 *
 * @since 0.1.0
 * @category rules
 */
export const appId = (value: unknown): Result<string, string> => {
  const text = typeof value === "number" ? (Number.isSafeInteger(value) && value >= 0 ? String(value) : "") : value
  // "." and ".." would be resolved away in the URL, so requests would not reach the signed path.
  return typeof text === "string" && appIdPattern.test(text) && text !== "." && text !== ".."
    ? ok(text)
    : err("must be a non-negative integer or 1-100 characters of [A-Za-z0-9_-.]")
}

const matching = (pattern: RegExp, rule: string) => (value: unknown): Result<string, string> =>
  typeof value === "string" && pattern.test(value) ? ok(value) : err(rule)

/**
 * An app key: 1-200 characters of `[A-Za-z0-9_-.]`.
 *
 * @since 0.1.0
 * @category rules
 */
export const key: (value: unknown) => Result<string, string> = matching(
  keyPattern,
  "must be 1-200 characters of [A-Za-z0-9_-.]"
)

/**
 * A cluster name such as `mt1` or `eu`.
 *
 * @since 0.1.0
 * @category rules
 */
export const cluster: (value: unknown) => Result<string, string> = matching(
  clusterPattern,
  "must be a cluster name such as mt1 or eu"
)

const hostRule = "must be a host name, optionally with :port (no scheme or path: use scheme or useTLS for that)"

/**
 * A host name or bracketed IPv6 address, optionally with `:port`.
 *
 * @since 0.1.0
 * @category rules
 */
export const host: (value: unknown) => Result<string, string> = matching(hostPattern, hostRule)

/**
 * A host split from the port it may carry (`localhost:6001`).
 *
 * @since 0.1.0
 * @category models
 */
export interface HostParts {
  readonly host: string
  readonly port: number | undefined
}

/**
 * A port as a number or a numeric string (the server library spec allows a string): 1 to 65535.
 *
 * @since 0.1.0
 * @category rules
 */
export const port = (value: unknown): Result<number, string> => {
  const number = typeof value === "string" && portPattern.test(value) ? Number(value) : value
  return typeof number === "number" && Number.isInteger(number) && number >= 1 && number <= 65535
    ? ok(number)
    : err("must be an integer from 1 to 65535, as a number or a numeric string")
}

/**
 * A host, split from the port it may carry; a port out of range breaks the host's rule.
 *
 * @since 0.1.0
 * @category rules
 */
export const hostParts = (value: unknown): Result<HostParts, string> => {
  const match = typeof value === "string" ? hostPattern.exec(value) : null
  if (match === null) return err(hostRule)
  const name = match[1] ?? ""
  if (match[2] === undefined) return ok({ host: name, port: undefined })
  const given = port(Number(match[2]))
  return given.ok ? ok({ host: name, port: given.value }) : err(hostRule)
}

/**
 * What a host set beside a cluster breaks, after the names of both.
 *
 * @since 0.1.0
 * @category constants
 */
export const hostAndCluster =
  "cannot both be set: the cluster only chooses the host api-{cluster}.pusher.com (drop cluster to talk to host, or drop host to use the cluster)"

/**
 * `useTLS` (and its deprecated spelling `encrypted`): a boolean.
 *
 * @since 0.1.0
 * @category rules
 */
export const useTLS = (value: unknown): Result<boolean, string> =>
  typeof value === "boolean" ? ok(value) : err("must be a boolean")

/**
 * `http` or `https`, the official library's spelling of `useTLS`.
 *
 * @since 0.1.0
 * @category rules
 */
export const scheme = (value: unknown): Result<"http" | "https", string> =>
  value === "http" || value === "https" ? ok(value) : err(`must be "http" or "https"`)

/**
 * The official library's `encryptionMasterKey`: the raw key as a string of exactly 32 bytes (in UTF-8, as
 * `Buffer.from` reads it). The rule never shows the key.
 *
 * @since 0.1.0
 * @category rules
 */
export const rawMasterKey = (value: unknown): Result<Uint8Array, string> => {
  if (typeof value !== "string") return err("must be a string")
  const bytes = utf8Encode(value)
  return bytes.length === 32
    ? ok(bytes)
    : err("must be exactly 32 bytes (32 ASCII characters); or give encryptionMasterKeyBase64 instead")
}
