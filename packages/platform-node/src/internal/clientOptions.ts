/**
 * The lean client's options: read once against the one table of keys (a throwing getter or Proxy is a
 * `ConfigError`, not a throw), checked by the protocol's rules, each failure named after the option, so a
 * bad option fails when the client is made, not on every request.
 *
 * @internal
 */
import type * as Failure from "@effect-pusher/protocol/Failure"
import * as HttpClientOptions from "@effect-pusher/protocol/HttpClientOptions"
import * as Json from "@effect-pusher/protocol/Json"
import * as Limits from "@effect-pusher/protocol/Limits"
import * as ProtocolOptions from "@effect-pusher/protocol/Options"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Undici from "undici"
import * as Lean from "./leanClient.js"

// The defaults of `NodePusherHttpClient` (which re-exports them).
/** @internal */
export const defaultConnections: number = HttpClientOptions.defaultConnections

/** @internal The bound every client gets (the protocol's `Limits.defaultMaxResponseBytes`). */
export const defaultMaxResponseBytes: number = Limits.defaultMaxResponseBytes

type Key = HttpClientOptions.OptionKey

/** @internal */
export const optionKeys: Json.KeyTable<Key> = HttpClientOptions.optionKeys

/** @internal */
export const dispatcherKeys: Json.KeyTable<HttpClientOptions.DispatcherKey> = HttpClientOptions.dispatcherKeys

/** @internal The options as checked: numbers of connections, bytes and milliseconds. */
export interface Checked {
  readonly connections: number
  readonly maxResponseBytes: number
  readonly timeout: number | undefined
  readonly keepAliveTimeout: number | undefined
  readonly connectTimeout: number | undefined
  readonly headersTimeout: number | undefined
  readonly bodyTimeout: number | undefined
}

const invalid = (field: string, rule: string) => ConfigError.InvalidData([field], `${field} ${rule}`)

// A protocol rule's answer: the value as a number (only once the rule has passed: converting a Proxy
// throws), or the failure as a `ConfigError` named after the option.
const ruled = (failure: Failure.Failure | undefined, value: unknown): Either.Either<number, ConfigError.ConfigError> =>
  failure === undefined ? Either.right(Number(value)) : Either.left(invalid(failure.field, failure.rule))

const count = (field: Key, value: unknown) => ruled(ProtocolOptions.checkPositiveInteger(field, value), value)

// A timer option, in milliseconds, when given.
const millis = (field: Key, value: unknown, zeroDisables = false) =>
  value === undefined
    ? Either.right(undefined)
    : ruled(ProtocolOptions.checkTimerMillis(field, value, zeroDisables), value)

// A duration (an Effect `DurationInput`), as milliseconds, when given.
const deadline = (value: unknown): Either.Either<number | undefined, ConfigError.ConfigError> => {
  if (value === undefined) return Either.right(undefined)
  // What is not a duration at all fails as an infinite one would; so does a value that throws when decoding
  // looks into it (a hostile Proxy): an invalid option, not a defect.
  let decoded: Option.Option<Duration.Duration>
  try {
    decoded = Duration.decodeUnknown(value)
  } catch {
    decoded = Option.none()
  }
  const ms = Duration.toMillis(Option.getOrElse(decoded, () => Duration.infinity))
  return ruled(ProtocolOptions.checkTimeoutMillis("timeout", ms), ms)
}

/** @internal The options read once and checked. */
export const check = <K extends Key>(
  options: unknown,
  table: Json.KeyTable<K>
): Either.Either<Checked, ConfigError.ConfigError> => {
  const read = Json.readOptions("", options, table)
  if (!read.ok) return Either.left(invalid(read.error.field, read.error.rule))
  const given: Partial<Record<Key, unknown>> = read.value
  return Either.all({
    connections: count("connections", given.connections ?? defaultConnections),
    maxResponseBytes: count("maxResponseBytes", given.maxResponseBytes ?? defaultMaxResponseBytes),
    timeout: deadline(given.timeout),
    keepAliveTimeout: millis("keepAliveTimeout", given.keepAliveTimeout),
    connectTimeout: millis("connectTimeout", given.connectTimeout),
    headersTimeout: millis("headersTimeout", given.headersTimeout, true),
    bodyTimeout: millis("bodyTimeout", given.bodyTimeout, true)
  })
}

/** @internal */
export const lean = (dispatcher: Undici.Dispatcher, checked: Checked): HttpClient.HttpClient =>
  Lean.make(dispatcher, {
    maxResponseBytes: checked.maxResponseBytes,
    timeout: checked.timeout,
    headersTimeout: checked.headersTimeout,
    bodyTimeout: checked.bodyTimeout
  })

/**
 * @internal A client over a fresh keep-alive `Agent`, destroyed when the scope closes; `defaultTimeout`
 * (milliseconds) applies when the options set none (`NodePusher` passes `PusherConfig.timeout`).
 */
export const make = (
  options: unknown,
  defaultTimeout: number | undefined
): Effect.Effect<HttpClient.HttpClient, ConfigError.ConfigError, Scope.Scope> =>
  Effect.flatMap(Effect.suspend(() => check(options, optionKeys)), (checked) =>
    Effect.map(
      Effect.acquireRelease(
        Effect.sync(() =>
          new Undici.Agent({
            connections: checked.connections,
            ...(checked.keepAliveTimeout === undefined ? {} : { keepAliveTimeout: checked.keepAliveTimeout }),
            ...(checked.connectTimeout === undefined ? {} : { connect: { timeout: checked.connectTimeout } })
          })
        ),
        (agent) => Effect.promise(() => agent.destroy())
      ),
      (agent) => lean(agent, { ...checked, timeout: checked.timeout ?? defaultTimeout })
    ))
