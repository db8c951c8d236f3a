/**
 * @since 0.1.0
 */
export * as Pusher from "./Pusher.js"

/**
 * @since 0.1.0
 */
export * as PusherConfig from "./PusherConfig.js"

/**
 * @since 0.1.0
 */
export * as PusherCrypto from "./PusherCrypto.js"

/**
 * @since 0.1.0
 */
export * as PusherError from "./PusherError.js"

/**
 * @since 0.1.0
 */
export * as PusherHttpClient from "./PusherHttpClient.js"

/**
 * @since 0.1.0
 */
export * as PusherBatching from "./PusherBatching.js"

/**
 * @since 0.1.0
 */
export * as PusherRetry from "./PusherRetry.js"

/**
 * @since 0.1.0
 */
export * as PusherTest from "./PusherTest.js"

/**
 * @since 0.1.0
 */
export * as AuthRequest from "./AuthRequest.js"

/**
 * @since 0.1.0
 */
export * as Webhook from "./Webhook.js"

/**
 * @since 0.1.0
 */
export * as PusherEndpoints from "./PusherEndpoints.js"
