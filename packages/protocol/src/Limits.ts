/**
 * The limits and reserved prefixes of Channels (SPEC §5), in one place.
 *
 * @since 0.1.0
 */

/**
 * Channel names, event names and user ids: at most this many characters.
 *
 * @since 0.1.0
 * @category limits
 */
export const maxNameLength = 200

/**
 * Channels one trigger may name.
 *
 * @since 0.1.0
 * @category limits
 */
export const maxChannelsPerTrigger = 100

/**
 * Events one `batch_events` request may carry on the multi-tenant clusters (dedicated clusters may allow more:
 * core's `PusherConfig` option `maxEventsPerBatch`, whose default this is).
 *
 * @since 0.1.0
 * @category limits
 */
export const maxEventsPerBatch = 10

/**
 * The event data limit in UTF-8 bytes on the default plan; dedicated clusters allow more.
 *
 * @since 0.1.0
 * @category limits
 */
export const defaultMaxPayloadBytes = 10_240

/**
 * Users one sign-in may watch on the standard plans (the default of core's `PusherConfig` option
 * `maxWatchlistSize`).
 *
 * @since 0.1.0
 * @category limits
 */
export const maxWatchlistSize = 100

/**
 * A signed request is accepted within this many seconds of the server's clock.
 *
 * @since 0.1.0
 * @category limits
 */
export const timestampWindowSeconds = 600

/**
 * The channel that reaches a signed-in user's connections: `#server-to-user-{userId}`.
 *
 * @since 0.1.0
 * @category prefixes
 */
export const serverToUserPrefix = "#server-to-user-"

/**
 * @since 0.1.0
 * @category prefixes
 */
export const privatePrefix = "private-"

/**
 * @since 0.1.0
 * @category prefixes
 */
export const presencePrefix = "presence-"

/**
 * End-to-end encrypted channels.
 *
 * @since 0.1.0
 * @category prefixes
 */
export const encryptedPrefix = "private-encrypted-"

/**
 * Client events (sent by browsers on private and presence channels) must start with this.
 *
 * @since 0.1.0
 * @category prefixes
 */
export const clientEventPrefix = "client-"
