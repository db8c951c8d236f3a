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
 * Private channels, which need authorization.
 *
 * @since 0.1.0
 * @category prefixes
 */
export const privatePrefix = "private-"

/**
 * Presence channels, which need authorization and know their members.
 *
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

/**
 * Events Pusher puts in one webhook request at most: it batches webhooks for up to 250 ms or 20 events
 * ("What is the batch size and batch window for Channels webhooks?", Pusher support).
 *
 * @since 0.1.0
 * @category limits
 */
export const maxEventsPerWebhook = 20

/**
 * The largest body the webhook endpoint accepts by default, for an app whose event data may be
 * `maxPayloadBytes`: `max(1 MiB, 100 × maxPayloadBytes)`.
 *
 * The largest genuine webhook is a batch of {@link maxEventsPerWebhook} client events whose data is at the
 * limit. The data travels as a JSON string inside the JSON body, so escaping can grow it: `"` and `\`
 * double, and a non-ASCII character escaped as `\uXXXX` (a surrogate pair for 4 UTF-8 bytes) triples at
 * worst; the names and fields around it add under 1 KiB. That is `20 × (3 × maxPayloadBytes + 1 KiB)`,
 * 620 KiB on the default plan; `100 × maxPayloadBytes` (20 events × 5) leaves room beyond that worst case,
 * and 1 MiB is the floor for small plans.
 *
 * @since 0.1.0
 * @category limits
 */
export const maxWebhookBodyBytes = (maxPayloadBytes: number): number => Math.max(1_048_576, 100 * maxPayloadBytes)

/**
 * The largest body an auth endpoint accepts by default: 64 KiB.
 *
 * pusher-js posts `socket_id` (under 40 bytes) and `channel_name` (200 characters, at most 600 bytes
 * percent-encoded), plus whatever `params` the app adds to its authorizer: 64 KiB is 100 times the fields
 * pusher-js sends, room for the app's own, and small enough that a flood of large bodies costs little.
 *
 * @since 0.1.0
 * @category limits
 */
export const defaultMaxAuthBodyBytes = 65_536

/**
 * An error answer quotes at most this many characters of what the caller sent.
 *
 * @since 0.1.0
 * @category limits
 */
export const maxExcerptLength = 100

/**
 * `text` as an error may quote it: whole when short, otherwise its first {@link maxExcerptLength}
 * characters and its length, so a 10 MB field name does not come back as a 10 MB answer.
 *
 * @since 0.1.0
 * @category limits
 */
export const excerpt = (text: string, max: number = maxExcerptLength): string => {
  if (text.length <= max) return text
  // Cutting after a high surrogate would leave a lone one.
  const code = text.charCodeAt(max - 1)
  const end = code >= 0xd800 && code <= 0xdbff ? max - 1 : max
  return `${text.slice(0, end)}… (${text.length} characters)`
}

/**
 * The largest answer, in bytes, effect-pusher's operations accept from the Channels API by default: 16 MiB.
 * A longer one fails with a `TransportError` of reason `ResponseTooLarge` and is not read further.
 *
 * The largest genuine answer is a `channels` listing: with `info=user_count,subscription_count`, each entry
 * of a 200-character name costs about 260 bytes, so 16 MiB holds about 64,000 occupied channels of the longest
 * name (and many more of shorter ones), while a misbehaving server or proxy cannot make a client hold an
 * unbounded answer in memory.
 *
 * @since 0.1.0
 * @category limits
 */
export const defaultMaxResponseBytes = 16 * 1024 * 1024

/**
 * An error from an answer (`HttpError`, `DecodeError`) keeps at most this many bytes of its body: 4 KiB.
 *
 * Channels and soketi explain a refusal in one short text (the longest, the 401 "Invalid signature" that
 * quotes the string to sign, is a few hundred bytes), so 4 KiB keeps every genuine explanation whole, while
 * a proxy's HTML error page or a 50 MB answer costs at most 4 KiB in each error that is logged, retried or
 * kept; the error records the whole length beside it.
 *
 * @since 0.1.0
 * @category limits
 */
export const maxErrorBodyBytes = 4096
