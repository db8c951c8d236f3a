/**
 * The serving options of `NodePusherTest` (port, address, webhook URL), read once and checked: a bad one is a
 * `ConfigError` naming it and its rule.
 *
 * @internal
 */
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
export const portRule = "must be an integer from 0 (any free port) to 65535"
/** @internal */
export const hostnameRule = "must be an IPv4 or IPv6 address (such as 127.0.0.1, 0.0.0.0 or ::1), or localhost"
/** @internal */
export const webhookUrlRule = "must be an absolute http: or https: URL (such as http://127.0.0.1:3000/webhooks)"

/** @internal */
export const defaultHostname = "127.0.0.1"

/** @internal */
export const checkPort = (port: unknown): Either.Either<number, string> =>
  typeof port === "number" && Number.isInteger(port) && port >= 0 && port <= 65535
    ? Either.right(port)
    : Either.left(portRule)

/** @internal */
export const checkHostname = (hostname: unknown): Either.Either<string, string> =>
  typeof hostname === "string" && (hostname === "localhost" || Net.isIP(hostname) !== 0)
    ? Either.right(hostname)
    : Either.left(hostnameRule)

/** @internal */
export const checkWebhookUrl = (value: unknown): Either.Either<URL, string> => {
  if (typeof value !== "string" || !URL.canParse(value)) return Either.left(webhookUrlRule)
  const url = new URL(value)
  return url.protocol === "http:" || url.protocol === "https:" ? Either.right(url) : Either.left(webhookUrlRule)
}

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
 * The address clients dial to reach a server listening on `hostname`: the loopback address of the same
 * family for an unspecified one (`0.0.0.0`, `::`), which no client can dial everywhere.
 *
 * @internal
 */
export const connectTo = (hostname: string): string =>
  hostname === "0.0.0.0" ? "127.0.0.1" : hostname === "::" ? "::1" : hostname

/**
 * The host as written in a URL or a `host` option: an IPv6 address in brackets.
 *
 * @internal
 */
export const urlHost = (hostname: string): string => Net.isIPv6(hostname) ? `[${hostname}]` : hostname
