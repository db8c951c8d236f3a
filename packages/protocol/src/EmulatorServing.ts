/**
 * The rules of a served emulator's options, as both Effect lines' `NodePusherTest` and the emulator command
 * check them: the port and the address to listen on, the URL webhooks are posted to, and the address clients
 * dial to reach it.
 *
 * @since 0.1.0
 */
import { ok, reject, type Result } from "./Failure.js"

/**
 * The rule of a port to listen on.
 *
 * @since 0.1.0
 * @category constants
 */
export const portRule = "must be an integer from 0 (any free port) to 65535"

/**
 * The rule of an address to listen on.
 *
 * @since 0.1.0
 * @category constants
 */
export const hostnameRule = "must be an IPv4 or IPv6 address (such as 127.0.0.1, 0.0.0.0 or ::1), or localhost"

/**
 * The rule of the URL webhooks are posted to.
 *
 * @since 0.1.0
 * @category constants
 */
export const webhookUrlRule = "must be an absolute http: or https: URL (such as http://127.0.0.1:3000/webhooks)"

/**
 * The address listened on by default: the loopback address, so that the emulator is not open to the network.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultHostname = "127.0.0.1"

/**
 * A port to listen on: an integer from 0 (any free port) to 65535.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parsePort = (field: string, port: unknown): Result<number> =>
  typeof port === "number" && Number.isInteger(port) && port >= 0 && port <= 65535
    ? ok(port)
    : reject(field, portRule)

/**
 * An address to listen on: `localhost`, or an IP address as `isIP` (the platform's, such as node:net's
 * `isIP`) tells one (non-zero for an IPv4 or IPv6 address).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseHostname = (field: string, hostname: unknown, isIP: (text: string) => number): Result<string> =>
  typeof hostname === "string" && (hostname === "localhost" || isIP(hostname) !== 0)
    ? ok(hostname)
    : reject(field, hostnameRule)

/**
 * The URL webhooks are posted to: an absolute `http:` or `https:` URL.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseWebhookUrl = (field: string, value: unknown): Result<URL> => {
  const url = typeof value === "string" && URL.canParse(value) ? new URL(value) : undefined
  return url !== undefined && (url.protocol === "http:" || url.protocol === "https:")
    ? ok(url)
    : reject(field, webhookUrlRule)
}

/**
 * The address clients dial to reach a server listening on `hostname`: the loopback address of the same
 * family for an unspecified one (`0.0.0.0`, `::`), which no client can dial everywhere.
 *
 * @since 0.1.0
 * @category addresses
 */
export const connectTo = (hostname: string): string =>
  hostname === "0.0.0.0" ? "127.0.0.1" : hostname === "::" ? "::1" : hostname

/**
 * A checked address as written in a URL or a `host` option: an IPv6 address (the only kind with a colon)
 * in brackets.
 *
 * @since 0.1.0
 * @category addresses
 */
export const urlHost = (hostname: string): string => hostname.includes(":") ? `[${hostname}]` : hostname
