/**
 * The rule of each configuration field, one function per field: the value it stands for, or the rule it
 * broke (a phrase such as `must be a boolean`). `PusherConfig.validate` names the failure after the option,
 * `PusherConfig.fromEnv` after the environment variable; the rules are written once for both.
 *
 * @internal
 */
import * as ConfigUrl from "@effect-pusher/protocol/ConfigUrl"
import * as Encryption from "@effect-pusher/protocol/encryption"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

/** @internal A field's value, or the rule it broke. */
export type Checked<A> = Either.Either<A, string>

const appIdPattern = /^[A-Za-z0-9_\-.]{1,100}$/
const keyPattern = /^[A-Za-z0-9_\-.]{1,200}$/
const clusterPattern = /^[a-z0-9-]{1,63}$/
// A host name or bracketed IPv6 address, optionally followed by `:port` (the official library accepts both).
const hostPattern = /^([A-Za-z0-9_\-.]{1,253}|\[[0-9A-Fa-f:.]+\])(?::([0-9]{1,5}))?$/
const portPattern = /^[0-9]{1,5}$/

// Timers hold at most 2^31 - 1 ms (about 24.8 days); beyond that they fire at once.
const maxTimeout = Duration.days(24)

const reveal = (value: unknown): unknown => Redacted.isRedacted(value) ? Redacted.value(value) : value

/** @internal */
export const appId = (value: unknown): Checked<string> => {
  const text = typeof value === "number" ? (Number.isSafeInteger(value) && value >= 0 ? String(value) : "") : value
  // "." and ".." would be resolved away in the URL, so requests would not reach the signed path.
  return typeof text === "string" && appIdPattern.test(text) && text !== "." && text !== ".."
    ? Either.right(text)
    : Either.left("must be a non-negative integer or 1-100 characters of [A-Za-z0-9_-.]")
}

const matching = (pattern: RegExp, rule: string) => (value: unknown): Checked<string> =>
  typeof value === "string" && pattern.test(value) ? Either.right(value) : Either.left(rule)

/** @internal */
export const key = matching(keyPattern, "must be 1-200 characters of [A-Za-z0-9_-.]")

/** @internal A secret, plain or `Redacted`, held as `Redacted` from here on. */
export const secret = (value: unknown): Checked<Redacted.Redacted<string>> => {
  const text = reveal(value)
  if (typeof text !== "string") return Either.left("must be a string")
  return text.length === 0 ? Either.left("must be a non-empty string") : Either.right(Redacted.make(text))
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
  if (match === null) return Either.left(hostRule)
  const name = match[1] ?? ""
  if (match[2] === undefined) return Either.right({ host: name, port: undefined })
  return Either.map(Either.mapLeft(port(Number(match[2])), () => hostRule), (port) => ({ host: name, port }))
}

/** @internal What a host set beside a cluster breaks, after the names of both. */
export const hostAndCluster =
  "cannot both be set: the cluster only chooses the host api-{cluster}.pusher.com (drop cluster to talk to host, or drop host to use the cluster)"

/** @internal */
export const useTLS = (value: unknown): Checked<boolean> =>
  typeof value === "boolean" ? Either.right(value) : Either.left("must be a boolean")

/** @internal `http` or `https`, the official library's spelling of `useTLS`. */
export const scheme = (value: unknown): Checked<"http" | "https"> =>
  value === "http" || value === "https" ? Either.right(value) : Either.left(`must be "http" or "https"`)

/** @internal A port as a number or a numeric string (the server library spec allows a string). */
export const port = (value: unknown): Checked<number> => {
  const number = typeof value === "string" && portPattern.test(value) ? Number(value) : value
  return typeof number === "number" && Number.isInteger(number) && number >= 1 && number <= 65535
    ? Either.right(number)
    : Either.left("must be an integer from 1 to 65535, as a number or a numeric string")
}

/** @internal */
export const timeout = (value: unknown): Checked<Duration.Duration> => {
  const decoded = Duration.decodeUnknown(value)
  return Option.isSome(decoded) && Duration.greaterThan(decoded.value, Duration.zero) &&
      Duration.lessThanOrEqualTo(decoded.value, maxTimeout)
    ? Either.right(decoded.value)
    : Either.left(
      "must be a positive duration of at most 24 days: a number of milliseconds (5000) or a duration (\"5 seconds\")"
    )
}

/** @internal A positive safe integer: the limits that depend on the plan or the cluster. */
export const positiveInteger = (value: unknown): Checked<number> =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 1
    ? Either.right(value)
    : Either.left("must be a positive integer")

/** @internal */
export const maxPayloadBytes = positiveInteger

/** @internal An encryption master key: strict base64 of exactly 32 bytes. The rule never shows the key. */
export const masterKey = (value: unknown): Checked<Redacted.Redacted<Uint8Array>> => {
  const text = reveal(value)
  if (typeof text !== "string") return Either.left("must be a string")
  const decoded = Encryption.decodeMasterKeyBase64(text)
  return decoded.ok ? Either.right(Redacted.make(decoded.value)) : Either.left(decoded.error)
}

const utf8 = new TextEncoder()

/**
 * @internal The official library's `encryptionMasterKey`: the raw key as a string of exactly 32 bytes (in
 * UTF-8, as `Buffer.from` reads it). The rule never shows the key.
 */
export const rawMasterKey = (value: unknown): Checked<Redacted.Redacted<Uint8Array>> => {
  const text = reveal(value)
  if (typeof text !== "string") return Either.left("must be a string")
  const bytes = utf8.encode(text)
  return bytes.length === 32
    ? Either.right(Redacted.make(bytes))
    : Either.left("must be exactly 32 bytes (32 ASCII characters); or give encryptionMasterKeyBase64 instead")
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
  if (!parsed.ok) return Either.left(parsed.error)
  const { secret, ...parts } = parsed.value
  return Either.right({ ...parts, secret: Redacted.make(secret) })
}
