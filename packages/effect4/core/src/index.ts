/**
 * The Pusher Channels server SDK for Effect 4: trigger events, query channels, authorize subscribers, receive
 * webhooks and test against an in-memory emulator. It runs on any JavaScript runtime;
 * `@effect-pusher/platform-node` adds Node's fast HTTP client and crypto.
 *
 * @since 1.0.0
 */

/**
 * Every Channels server operation as an `Effect`: trigger, batch, send to a user, query channels and users,
 * terminate connections, authorize and authenticate.
 *
 * @since 1.0.0
 */
export * as Pusher from "./Pusher.js"

/**
 * Which Channels app to talk to, where, and with which credentials: options, layers and reading the
 * environment.
 *
 * @since 1.0.0
 */
export * as PusherConfig from "./PusherConfig.js"

/**
 * The cryptographic primitives Channels needs, behind one replaceable service with a portable default.
 *
 * @since 1.0.0
 */
export * as PusherCrypto from "./PusherCrypto.js"

/**
 * The typed failures of every operation, one tagged family with a readable message that never shows a secret.
 *
 * @since 1.0.0
 */
export * as PusherError from "./PusherError.js"

/**
 * What the operations know about their `HttpClient`, such as a client that enforces its own deadline.
 *
 * @since 1.0.0
 */
export * as PusherHttpClient from "./PusherHttpClient.js"

/**
 * Automatic batching of concurrent triggers into `batch_events` requests.
 *
 * @since 1.0.0
 */
export * as PusherBatching from "./PusherBatching.js"

/**
 * Opt-in retry policies as `Schedule`s, per layer or per call.
 *
 * @since 1.0.0
 */
export * as PusherRetry from "./PusherRetry.js"

/**
 * A test kit: an in-memory emulator of the Channels HTTP API with simulated clients.
 *
 * @since 1.0.0
 */
export * as PusherTest from "./PusherTest.js"

/**
 * Decoding what pusher-js posts to channel authorization and user authentication endpoints.
 *
 * @since 1.0.0
 */
export * as AuthRequest from "./AuthRequest.js"

/**
 * Verifying and decoding Channels webhooks, and turning requests into a stream of typed events.
 *
 * @since 1.0.0
 */
export * as Webhook from "./Webhook.js"

/**
 * The authorization, user authentication and webhook endpoints as `effect/http` handlers.
 *
 * @since 1.0.0
 */
export * as PusherEndpoints from "./PusherEndpoints.js"
