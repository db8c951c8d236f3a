/**
 * The rule of each configuration field, one function per field: the value it stands for, or the rule it
 * broke (a phrase such as `must be a boolean`). `PusherConfig.validate` names the failure after the option,
 * `PusherConfig.fromEnv` after the environment variable; the rules are written once for both.
 *
 * @internal
 */
import * as ConfigOptions from "@effect-pusher/protocol/ConfigOptions"
import * as ConfigUrl from "@effect-pusher/protocol/ConfigUrl"
import * as Encryption from "@effect-pusher/protocol/encryption"
import type * as Failure from "@effect-pusher/protocol/Failure"
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
export const defaultHost: string = ConfigOptions.defaultHost

/** @internal */
export const defaultMaxPayloadBytes: number = Limits.defaultMaxPayloadBytes

/** @internal */
export const defaultTimeout: Duration.Duration = Duration.seconds(10)

/** @internal */
export const defaultMaxEventsPerBatch: number = Limits.maxEventsPerBatch

/** @internal */
export const defaultMaxWatchlistSize: number = Limits.maxWatchlistSize

/** @internal Every key of `PusherConfig.Options`, including the official library's spellings. */
export type Key = ConfigOptions.Key

/** @internal The one table of the keys `PusherConfig` options accept (the protocol's). */
export const optionKeys: Json.KeyTable<Key> = ConfigOptions.optionKeys

/** @internal The keys of one `webhookTokens` entry. */
export const tokenKeys: Json.KeyTable<"key" | "secret"> = ConfigOptions.tokenKeys

/** @internal More webhook tokens than an app can have is a mistake (and a bound on reading a hostile array). */
export const maxWebhookTokens: number = ConfigOptions.maxWebhookTokens

/** @internal Two spellings of one setting: given together they are a `ConfigError` naming both. */
export const sameSetting: ReadonlyArray<readonly [Key, Key, string]> = ConfigOptions.sameSetting

// A protocol rule's answer as this line's.
const checked = <A>(result: Failure.Result<A, string>): Checked<A> =>
  result.ok ? Result.succeed(result.value) : Result.fail(result.error)

/** @internal */
export const appId = (value: unknown): Checked<string> => checked(ConfigOptions.appId(value))

/** @internal */
export const key = (value: unknown): Checked<string> => checked(ConfigOptions.key(value))

/** @internal A secret, plain or `Redacted`, held as `Redacted` from here on. */
export const secret = (value: unknown): Checked<Redacted.Redacted<string>> => {
  const text = reveal(value)
  if (typeof text !== "string") return Result.fail("must be a string")
  return text.length === 0 ? Result.fail("must be a non-empty string") : Result.succeed(Redacted.make(text))
}

/** @internal */
export const cluster = (value: unknown): Checked<string> => checked(ConfigOptions.cluster(value))

/** @internal */
export const host = (value: unknown): Checked<string> => checked(ConfigOptions.host(value))

/** @internal A host split from the port it may carry (`localhost:6001`). */
export type HostParts = ConfigOptions.HostParts

/** @internal */
export const hostParts = (value: unknown): Checked<HostParts> => checked(ConfigOptions.hostParts(value))

/** @internal What a host set beside a cluster breaks, after the names of both. */
export const hostAndCluster: string = ConfigOptions.hostAndCluster

/** @internal */
export const useTLS = (value: unknown): Checked<boolean> => checked(ConfigOptions.useTLS(value))

/** @internal `http` or `https`, the official library's spelling of `useTLS`. */
export const scheme = (value: unknown): Checked<"http" | "https"> => checked(ConfigOptions.scheme(value))

/** @internal A port as a number or a numeric string (the server library spec allows a string). */
export const port = (value: unknown): Checked<number> => checked(ConfigOptions.port(value))

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

/** @internal The official library's `encryptionMasterKey`, the raw 32-byte string. The rule never shows the key. */
export const rawMasterKey = (value: unknown): Checked<Redacted.Redacted<Uint8Array>> =>
  Result.map(checked(ConfigOptions.rawMasterKey(reveal(value))), Redacted.make)

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
