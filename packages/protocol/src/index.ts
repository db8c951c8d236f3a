/**
 * The rules of the Pusher Channels protocol as plain functions over plain data: names and limits, signing,
 * wire bodies, webhooks, encryption, batch planning and an emulated app. It imports nothing, so any Effect
 * line (or none) can use it.
 *
 * @since 0.1.0
 */

/**
 * Batch planning: how queued events are grouped into `batch_events` requests.
 *
 * @since 0.1.0
 */
export * as Batch from "./Batch.js"

/**
 * Parsing the `PUSHER_URL` form of an app's configuration.
 *
 * @since 0.1.0
 */
export * as ConfigUrl from "./ConfigUrl.js"

/**
 * The REST API of an emulated app, step by step: request target, signature check, routes and bodies.
 *
 * @since 0.1.0
 */
export * as EmulatorApi from "./EmulatorApi.js"

/**
 * What the emulator's debug console shows: log rows, state views and the Server-Sent Events carrying them.
 *
 * @since 0.1.0
 */
export * as EmulatorConsoleFeed from "./EmulatorConsoleFeed.js"

/**
 * The emulator's debug console page: its HTML, CSS and JavaScript, every value put on the page as text.
 *
 * @since 0.1.0
 */
export * as EmulatorConsolePage from "./EmulatorConsolePage.js"

/**
 * What an emulated app publishes: events to sockets, client events and webhooks.
 *
 * @since 0.1.0
 */
export * as EmulatorEvents from "./EmulatorEvents.js"

/**
 * An emulated app's answers to channel, channels and users queries.
 *
 * @since 0.1.0
 */
export * as EmulatorQueries from "./EmulatorQueries.js"

/**
 * What an emulated app records: events, terminations, webhook requests and the request log.
 *
 * @since 0.1.0
 */
export * as EmulatorRecords from "./EmulatorRecords.js"

/**
 * The emulated REST API end to end: state and request in, next state and reply out.
 *
 * @since 0.1.0
 */
export * as EmulatorRest from "./EmulatorRest.js"

/**
 * The state of an emulated app (connections, channels, presence members, cache) and its pure transitions.
 *
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
 * UTF-8 and strict base64, the same on every runtime.
 *
 * @since 0.1.0
 */
export * as Encoding from "./Encoding.js"

/**
 * The checks and wire bodies of trigger, batch and user events.
 *
 * @since 0.1.0
 */
export * as Events from "./Events.js"

/**
 * How a protocol rule says no: the `Failure` value and the `Result` of a computation.
 *
 * @since 0.1.0
 */
export * as Failure from "./Failure.js"

/**
 * Header lookup in any case, with repeated values.
 *
 * @since 0.1.0
 */
export * as Headers from "./Headers.js"

/**
 * HMAC-SHA256 in plain JavaScript, with the key's inner and outer pads hashed once.
 *
 * @since 0.1.0
 */
export * as HmacSha256 from "./HmacSha256.js"

/**
 * What an HTTP status of the Channels API means.
 *
 * @since 0.1.0
 */
export * as HttpStatus from "./HttpStatus.js"

/**
 * Event data on the wire and its UTF-8 size limit.
 *
 * @since 0.1.0
 */
export * as Json from "./Json.js"

/**
 * Every documented limit and reserved prefix of Channels.
 *
 * @since 0.1.0
 */
export * as Limits from "./Limits.js"

/**
 * MD5 in plain JavaScript, for the `body_md5` of a signed request.
 *
 * @since 0.1.0
 */
export * as Md5 from "./Md5.js"

/**
 * The rules for channel, event, socket and user names, and what a channel's name says about it.
 *
 * @since 0.1.0
 */
export * as Names from "./Names.js"

/**
 * `info` lists, raw query parameters and paths of signed requests.
 *
 * @since 0.1.0
 */
export * as Options from "./Options.js"

/**
 * @since 0.1.0
 */
export * as Query from "./Query.js"

/**
 * Request signing, channel authorization and user authentication signatures.
 *
 * @since 0.1.0
 */
export * as Signing from "./Signing.js"

/**
 * The rules for presence member data and signed-in user data.
 *
 * @since 0.1.0
 */
export * as Users from "./Users.js"

/**
 * The headers a webhook must carry and its signature check.
 *
 * @since 0.1.0
 */
export * as Webhook from "./Webhook.js"

/**
 * The webhook wire format and a fast decoder from the parsed body to plain events.
 *
 * @since 0.1.0
 */
export * as WebhookEvents from "./WebhookEvents.js"
