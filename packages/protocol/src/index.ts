/**
 * @since 0.1.0
 */
export * as Batch from "./Batch.js"

/**
 * @since 0.1.0
 */
export * as ConfigUrl from "./ConfigUrl.js"

/**
 * @since 0.1.0
 */
export * as EmulatorApi from "./EmulatorApi.js"

/**
 * @since 0.1.0
 */
export * as EmulatorEvents from "./EmulatorEvents.js"

/**
 * @since 0.1.0
 */
export * as EmulatorQueries from "./EmulatorQueries.js"

/**
 * @since 0.1.0
 */
export * as EmulatorRest from "./EmulatorRest.js"

/**
 * @since 0.1.0
 */
export * as EmulatorSocket from "./EmulatorSocket.js"

/**
 * @since 0.1.0
 */
export * as EmulatorSocketFrames from "./EmulatorSocketFrames.js"

/**
 * @since 0.1.0
 */
export * as EmulatorState from "./EmulatorState.js"

/**
 * @since 0.1.0
 */
export * as Encoding from "./Encoding.js"

/**
 * @since 0.1.0
 */
export * as Events from "./Events.js"

/**
 * @since 0.1.0
 */
export * as Failure from "./Failure.js"

/**
 * @since 0.1.0
 */
export * as Headers from "./Headers.js"

/**
 * @since 0.1.0
 */
export * as HmacSha256 from "./HmacSha256.js"

/**
 * @since 0.1.0
 */
export * as HttpStatus from "./HttpStatus.js"

/**
 * @since 0.1.0
 */
export * as Json from "./Json.js"

/**
 * @since 0.1.0
 */
export * as Limits from "./Limits.js"

/**
 * @since 0.1.0
 */
export * as Names from "./Names.js"

/**
 * @since 0.1.0
 */
export * as Query from "./Query.js"

/**
 * @since 0.1.0
 */
export * as Signing from "./Signing.js"

/**
 * @since 0.1.0
 */
export * as Users from "./Users.js"

/**
 * @since 0.1.0
 */
export * as Webhook from "./Webhook.js"

/**
 * @since 0.1.0
 */
export * as WebhookEvents from "./WebhookEvents.js"
