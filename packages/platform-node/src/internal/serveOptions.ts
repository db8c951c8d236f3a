/**
 * The serving options of `NodePusherTest` (port, address, webhook URL), read once and checked: a bad one is a
 * `ConfigError` naming it and its rule.
 *
 * @internal
 */
import * as EmulatorServing from "@effect-pusher/protocol/EmulatorServing"
import type * as Protocol from "@effect-pusher/protocol/Failure"
import * as ConfigError from "effect/ConfigError"
import * as Either from "effect/Either"
import * as Net from "node:net"

/** @internal */
export interface Read {
  readonly port: number
  readonly hostname: string
  readonly webhookUrl: URL | undefined
}

/** @internal */
export const portRule: string = EmulatorServing.portRule
/** @internal */
export const hostnameRule: string = EmulatorServing.hostnameRule
/** @internal */
export const webhookUrlRule: string = EmulatorServing.webhookUrlRule

/** @internal */
export const defaultHostname: string = EmulatorServing.defaultHostname

// The value, or the rule it broke (the caller names the option).
const ruleOf = <A>(parsed: Protocol.Result<A>): Either.Either<A, string> =>
  parsed.ok ? Either.right(parsed.value) : Either.left(parsed.error.rule)

/** @internal */
export const checkPort = (port: unknown): Either.Either<number, string> =>
  ruleOf(EmulatorServing.parsePort("port", port))

/** @internal */
export const checkHostname = (hostname: unknown): Either.Either<string, string> =>
  ruleOf(EmulatorServing.parseHostname("hostname", hostname, Net.isIP))

/** @internal */
export const checkWebhookUrl = (value: unknown): Either.Either<URL, string> =>
  ruleOf(EmulatorServing.parseWebhookUrl("webhookUrl", value))

const named = <A>(name: string, checked: Either.Either<A, string>): Either.Either<A, ConfigError.ConfigError> =>
  Either.mapLeft(checked, (rule) => ConfigError.InvalidData([name], `${name} ${rule}`))

/**
 * Reads `port`, `hostname` and `webhookUrl` once each (the bag may also hold `PusherTest` options, so other
 * keys are not checked here).
 *
 * @internal
 */
export const read = (
  options: { readonly port?: unknown; readonly hostname?: unknown; readonly webhookUrl?: unknown } | undefined
): Either.Either<Read, ConfigError.ConfigError> => {
  let port: unknown, hostname: unknown, webhookUrl: unknown
  try {
    port = options?.port ?? 0
    hostname = options?.hostname ?? defaultHostname
    webhookUrl = options?.webhookUrl
  } catch {
    return Either.left(ConfigError.InvalidData([], "options could not be read (they threw while being read)"))
  }
  return Either.all({
    port: named("port", checkPort(port)),
    hostname: named("hostname", checkHostname(hostname)),
    webhookUrl: webhookUrl === undefined ? Either.right(undefined) : named("webhookUrl", checkWebhookUrl(webhookUrl))
  })
}

/**
 * The address clients dial to reach a server listening on `hostname` (see the protocol's `EmulatorServing`).
 *
 * @internal
 */
export const connectTo: (hostname: string) => string = EmulatorServing.connectTo

/**
 * The host as written in a URL or a `host` option: an IPv6 address in brackets.
 *
 * @internal
 */
export const urlHost: (hostname: string) => string = EmulatorServing.urlHost
