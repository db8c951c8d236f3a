/**
 * @since 0.1.0
 */
export * as NodePusherCrypto from "./NodePusherCrypto.js"

/**
 * @since 0.1.0
 */
export * as NodePusherTest from "./NodePusherTest.js"
