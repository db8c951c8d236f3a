/**
 * Running effect-pusher on Node.js: one layer with a pooled undici `HttpClient` and node:crypto, plain `(req,
 * res)` endpoint handlers, and the emulator served over HTTP.
 *
 * @since 1.0.0
 */

/**
 * node:crypto implementations of the `PusherCrypto` primitives.
 *
 * @since 1.0.0
 */
export * as NodePusherCrypto from "./NodePusherCrypto.js"

/**
 * Everything a Node.js program needs in one layer: the configuration, the pooled HTTP client and node:crypto.
 *
 * @since 1.0.0
 */
export * as NodePusher from "./NodePusher.js"

/**
 * A lean pooled `HttpClient` over undici, built for many small JSON calls.
 *
 * @since 1.0.0
 */
export * as NodePusherHttpClient from "./NodePusherHttpClient.js"

/**
 * The `PusherTest` emulator served over real HTTP on 127.0.0.1.
 *
 * @since 1.0.0
 */
export * as NodePusherTest from "./NodePusherTest.js"

/**
 * The `PusherEndpoints` as plain Node `(req, res)` handlers for node:http, Express or Fastify.
 *
 * @since 1.0.0
 */
export * as NodePusherEndpoints from "./NodePusherEndpoints.js"
