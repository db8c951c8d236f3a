/**
 * The options of the lean pooled HTTP client both Effect lines ship for Node (`NodePusherHttpClient`): the
 * keys it accepts, what it says about a key it does not, and its defaults. Each value is checked by the
 * rules of `Options`.
 *
 * @since 0.1.0
 */
import type { KeyTable } from "./Json.js"

/**
 * Connections kept per origin by default.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultConnections = 64

/**
 * An option of a client that makes its own connection pool.
 *
 * @since 0.1.0
 * @category models
 */
export type OptionKey =
  | "connections"
  | "maxResponseBytes"
  | "timeout"
  | "keepAliveTimeout"
  | "connectTimeout"
  | "headersTimeout"
  | "bodyTimeout"

/**
 * The keys of a client that makes its own pool, and where the names of other clients' options point
 * (`http.Agent`'s `maxSockets`, `keepAlive`, ...).
 *
 * @since 0.1.0
 * @category constants
 */
export const optionKeys: KeyTable<OptionKey> = {
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

/**
 * An option of a client over a dispatcher the caller made.
 *
 * @since 0.1.0
 * @category models
 */
export type DispatcherKey = "maxResponseBytes" | "timeout" | "headersTimeout" | "bodyTimeout"

/**
 * The keys of a client over a dispatcher the caller made: the connection options belong to that dispatcher,
 * so they point there, not at a key this table refuses too.
 *
 * @since 0.1.0
 * @category constants
 */
export const dispatcherKeys: KeyTable<DispatcherKey> = {
  accepted: ["maxResponseBytes", "timeout", "headersTimeout", "bodyTimeout"],
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
