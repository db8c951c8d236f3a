/**
 * The serving options of `NodePusherTest` (port, address, webhook URL), read once and checked: a bad one is a
 * `ConfigError` naming it and its rule.
 *
 * @internal
 */
import type * as Config from "effect/Config"
import * as Result from "effect/Result"
import * as Net from "node:net"
import { invalid } from "./clientOptions.js"

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

/** @internal The answer to a bag of options that throws while being read. */
export const invalidOptions: Config.ConfigError = invalid("", "options could not be read (they threw while being read)")

/** @internal */
export const defaultHostname = "127.0.0.1"

/** @internal */
export const checkPort = (port: unknown): Result.Result<number, string> =>
  typeof port === "number" && Number.isInteger(port) && port >= 0 && port <= 65535
    ? Result.succeed(port)
    : Result.fail(portRule)

/** @internal */
export const checkHostname = (hostname: unknown): Result.Result<string, string> =>
  typeof hostname === "string" && (hostname === "localhost" || Net.isIP(hostname) !== 0)
    ? Result.succeed(hostname)
    : Result.fail(hostnameRule)

/** @internal */
export const checkWebhookUrl = (value: unknown): Result.Result<URL, string> => {
  if (typeof value !== "string" || !URL.canParse(value)) return Result.fail(webhookUrlRule)
  const url = new URL(value)
  return url.protocol === "http:" || url.protocol === "https:" ? Result.succeed(url) : Result.fail(webhookUrlRule)
}

const named = <A>(name: string, checked: Result.Result<A, string>): Result.Result<A, Config.ConfigError> =>
  Result.mapError(checked, (rule) => invalid(name, rule))

/**
 * Reads `port`, `hostname` and `webhookUrl` once each (the bag may also hold `PusherTest` options, so other
 * keys are not checked here).
 *
 * @internal
 */
export const read = (
  options: { readonly port?: unknown; readonly hostname?: unknown; readonly webhookUrl?: unknown } | undefined
): Result.Result<Read, Config.ConfigError> => {
  let port: unknown, hostname: unknown, webhookUrl: unknown
  try {
    port = options?.port ?? 0
    hostname = options?.hostname ?? defaultHostname
    webhookUrl = options?.webhookUrl
  } catch {
    return Result.fail(invalidOptions)
  }
  return Result.all({
    port: named("port", checkPort(port)),
    hostname: named("hostname", checkHostname(hostname)),
    webhookUrl: webhookUrl === undefined ? Result.succeed(undefined) : named("webhookUrl", checkWebhookUrl(webhookUrl))
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
