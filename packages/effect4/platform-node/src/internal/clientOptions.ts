/**
 * The lean client's options: read once against the one table of keys (a throwing getter or Proxy is a
 * `ConfigError`, not a throw), checked by the protocol's rules, each failure named after the option, so a
 * bad option fails when the client is made, not on every request.
 *
 * @internal
 */
import type * as Failure from "@effect-pusher/protocol/Failure"
import * as Json from "@effect-pusher/protocol/Json"
import * as Limits from "@effect-pusher/protocol/Limits"
import * as ProtocolOptions from "@effect-pusher/protocol/Options"
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import type * as Scope from "effect/Scope"
import * as Undici from "undici"
import type { Options } from "../NodePusherHttpClient.js"
import * as Lean from "./leanClient.js"

// The defaults of `NodePusherHttpClient` (which re-exports them).
/** @internal */
export const defaultConnections = 64

/** @internal The bound every client gets (the protocol's `Limits.defaultMaxResponseBytes`). */
export const defaultMaxResponseBytes: number = Limits.defaultMaxResponseBytes

type Key = keyof Options

/** @internal */
export const optionKeys: Json.KeyTable<Key> = {
  accepted: [
    "connections",
    "maxResponseBytes",
    "timeout",
    "keepAliveTimeout",
    "connectTimeout",
    "headersTimeout",
    "bodyTimeout"
  ],
  replacements: {
    maxSockets: "connections",
    keepAlive: "keepAliveTimeout",
    keepAliveMsecs: "keepAliveTimeout",
    maxBodyBytes: "maxResponseBytes",
    maxResponseSize: "maxResponseBytes"
  }
}

/** @internal */
export const dispatcherKeys: Json.KeyTable<"maxResponseBytes" | "timeout" | "headersTimeout" | "bodyTimeout"> = {
  accepted: ["maxResponseBytes", "timeout", "headersTimeout", "bodyTimeout"],
  // The connection options belong to the dispatcher the caller made: point there, not at a key this
  // table refuses too.
  replacements: {
    connections: "the dispatcher's own options",
    maxSockets: "the dispatcher's own options",
    keepAlive: "the dispatcher's own options",
    keepAliveTimeout: "the dispatcher's own options",
    keepAliveMsecs: "the dispatcher's own options",
    connectTimeout: "the dispatcher's own options",
    maxBodyBytes: "maxResponseBytes",
    maxResponseSize: "maxResponseBytes"
  }
}

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

/**
 * @internal Effect's `ConfigError` for an option that broke its rule, as `PusherConfig` reports one: a Schema
 * issue at the option's path whose message names the option and the rule, never its value.
 */
export const invalid = (field: string, rule: string): Config.ConfigError =>
  new Config.ConfigError(
    new Schema.SchemaError(
      new SchemaIssue.Pointer(
        field === "" ? [] : [field],
        new SchemaIssue.InvalidValue({ message: `${field} ${rule}`.trim() })
      )
    )
  )

// A protocol rule's answer: the value as a number (only once the rule has passed: converting a Proxy
// throws), or the failure as a `ConfigError` named after the option.
const ruled = (failure: Failure.Failure | undefined, value: unknown): Result.Result<number, Config.ConfigError> =>
  failure === undefined ? Result.succeed(Number(value)) : Result.fail(invalid(failure.field, failure.rule))

const count = (field: Key, value: unknown) => ruled(ProtocolOptions.checkPositiveInteger(field, value), value)

// A timer option, in milliseconds, when given.
const millis = (field: Key, value: unknown, zeroDisables = false) =>
  value === undefined
    ? Result.succeed(undefined)
    : ruled(ProtocolOptions.checkTimerMillis(field, value, zeroDisables), value)

// A duration (an Effect `DurationInput`), as milliseconds, when given.
const deadline = (value: unknown): Result.Result<number | undefined, Config.ConfigError> => {
  if (value === undefined) return Result.succeed(undefined)
  // What is not a duration at all fails as an infinite one would; so does a value that throws when decoding
  // looks into it (a hostile Proxy): an invalid option, not a defect.
  let decoded: Option.Option<Duration.Duration>
  try {
    decoded = Duration.fromInput(value as Duration.Input)
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
): Result.Result<Checked, Config.ConfigError> => {
  const read = Json.readOptions("", options, table)
  if (!read.ok) return Result.fail(invalid(read.error.field, read.error.rule))
  const given: Partial<Record<Key, unknown>> = read.value
  return Result.all({
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
): Effect.Effect<HttpClient.HttpClient, Config.ConfigError, Scope.Scope> =>
  Effect.flatMap(Effect.suspend(() => Effect.fromResult(check(options, optionKeys))), (checked) =>
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
