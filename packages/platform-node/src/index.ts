/**
 * @since 0.1.0
 */
export * as NodePusherCrypto from "./NodePusherCrypto.js"

/**
 * @since 0.1.0
 */
export * as NodePusher from "./NodePusher.js"

/**
 * @since 0.1.0
 */
export * as NodePusherHttpClient from "./NodePusherHttpClient.js"

/**
 * @since 0.1.0
 */
export * as NodePusherTest from "./NodePusherTest.js"

/**
 * @since 0.1.0
 */
export * as NodePusherEndpoints from "./NodePusherEndpoints.js"
