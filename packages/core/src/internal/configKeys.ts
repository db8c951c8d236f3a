/**
 * The one table of the keys `PusherConfig` options accept, and what to write instead of the keys it knows
 * from other libraries, so that no key a caller passes is silently ignored. A later option joins
 * `accepted` (and `PusherConfig.Options`).
 *
 * @internal
 */
import type { Options } from "../PusherConfig.js"

/** @internal Every key of `PusherConfig.Options`, including the official library's spellings. */
export const accepted: ReadonlySet<string> = new Set([
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
])

/**
 * @internal Keys of pusher-http-node (`agent`), pusher-http-python (snake case, `ssl`, `backend`, ...) and
 * common slips, with their replacement.
 */
export const replaced: ReadonlyMap<string, string> = new Map([
  ["agent", "use NodePusher.layer's HttpClient options (NodePusherHttpClient.Options), or provide your own HttpClient"],
  ["proxy", "provide an HttpClient that goes through the proxy"],
  ["keepAlive", "use NodePusher.layer's HttpClient options (NodePusherHttpClient.Options)"],
  ["backend", "provide an HttpClient layer instead"],
  ["json_encoder", "not supported: event data is serialized with JSON.stringify"],
  ["json_decoder", "not supported: answers are decoded with effect/Schema"],
  ["app_id", "use appId"],
  ["appKey", "use key"],
  ["app_key", "use key"],
  ["appSecret", "use secret"],
  ["app_secret", "use secret"],
  ["ssl", "use useTLS (or scheme)"],
  ["tls", "use useTLS (or scheme)"],
  ["encryption_master_key", "use encryptionMasterKey (the raw 32-byte string)"],
  ["encryption_master_key_base64", "use encryptionMasterKeyBase64"],
  ["url", "use PusherConfig.layerFromUrl"],
  ["hostname", "use host"]
])

/**
 * @internal Two spellings of one setting: given together they are a `ConfigError` naming both, never one
 * silently preferred.
 */
export const sameSetting: ReadonlyArray<readonly [keyof Options, keyof Options, string]> = [
  ["scheme", "useTLS", "both choose http or https: give only one"],
  ["scheme", "encrypted", "both choose http or https: give only one (encrypted is the deprecated useTLS)"],
  ["useTLS", "encrypted", "are the same setting (encrypted is its deprecated spelling): give only useTLS"],
  [
    "encryptionMasterKey",
    "encryptionMasterKeyBase64",
    "are the same key in two encodings: give only one (encryptionMasterKeyBase64 is preferred)"
  ]
]

/** @internal The rule an unaccepted key breaks: its replacement when we know the key, else the known keys. */
export const unknownRule = (key: string): string => {
  const replacement = replaced.get(key)
  return replacement === undefined
    ? `is not a PusherConfig option (known: ${[...accepted].join(", ")})`
    : `is not a PusherConfig option: ${replacement}`
}
