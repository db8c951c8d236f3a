/**
 * @since 0.1.0
 */
export * as NodePusherCrypto from "./NodePusherCrypto.js"
