/**
 * Receiving Channels webhooks: verify a request (key, HMAC signature in constant time, content type,
 * optional freshness), decode its events into a tagged union, decrypt client events of
 * `private-encrypted-` channels, and turn a stream of requests into a stream of typed events.
 *
 * Compared with pusher-http-node, header names are case-insensitive, `Content-Type` is compared by media
 * type (`application/json; charset=utf-8` is accepted), a missing header is a typed error rather than a
 * throw, and event kinds this library does not know arrive as `UnknownEvent` instead of breaking the
 * receiver. A signed webhook whose envelope is valid is never refused for its content (Pusher would retry
 * it, then drop all its events): an event that does not match its kind is an `UnknownEvent` with a
 * `reason`. Client events come from browsers: {@link clientEvents} drops bad ones with a warning by default.
 *
 * The rules are `@effect-pusher/protocol`'s `Webhook` (headers, signature) and `WebhookEvents`
 * (wire format).
 *
 * @since 1.0.0
 */
import type * as Headers from "@effect-pusher/protocol/Headers"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Internal from "./internal/webhook.js"
import * as Streams from "./internal/webhookStream.js"
import * as Wire from "./internal/webhookWire.js"
import type * as PusherConfig from "./PusherConfig.js"
import type { EncryptionError, ValidationError, WebhookError } from "./PusherError.js"

// ---------------------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------------------

/**
 * The first client subscribed to a channel.
 *
 * @since 1.0.0
 * @category schemas
 */
export const ChannelOccupied: typeof Wire.ChannelOccupied = Wire.ChannelOccupied

/**
 * A decoded `channel_occupied` event.
 *
 * @since 1.0.0
 * @category models
 */
export interface ChannelOccupied extends Schema.Schema.Type<typeof ChannelOccupied> {}

/**
 * The last client unsubscribed from a channel.
 *
 * @since 1.0.0
 * @category schemas
 */
export const ChannelVacated: typeof Wire.ChannelVacated = Wire.ChannelVacated

/**
 * A decoded `channel_vacated` event.
 *
 * @since 1.0.0
 * @category models
 */
export interface ChannelVacated extends Schema.Schema.Type<typeof ChannelVacated> {}

/**
 * A user joined a presence channel.
 *
 * @since 1.0.0
 * @category schemas
 */
export const MemberAdded: typeof Wire.MemberAdded = Wire.MemberAdded

/**
 * A decoded `member_added` event.
 *
 * @since 1.0.0
 * @category models
 */
export interface MemberAdded extends Schema.Schema.Type<typeof MemberAdded> {}

/**
 * A user left a presence channel.
 *
 * @since 1.0.0
 * @category schemas
 */
export const MemberRemoved: typeof Wire.MemberRemoved = Wire.MemberRemoved

/**
 * A decoded `member_removed` event.
 *
 * @since 1.0.0
 * @category models
 */
export interface MemberRemoved extends Schema.Schema.Type<typeof MemberRemoved> {}

/**
 * A client triggered an event. `data` is what the client sent, as Channels forwards it (normally a JSON
 * string); on a `private-encrypted-` channel it is the decrypted value. Decode it with {@link clientEvent}.
 *
 * @since 1.0.0
 * @category schemas
 */
export const ClientEvent: typeof Wire.ClientEvent = Wire.ClientEvent

/**
 * A decoded `client_event` event.
 *
 * @since 1.0.0
 * @category models
 */
export interface ClientEvent extends Schema.Schema.Type<typeof ClientEvent> {}

/**
 * A client event on a `private-encrypted-` channel that could not be decrypted (no master key configured,
 * a malformed envelope, or a ciphertext that does not authenticate). `data` is the envelope as received and
 * `error` says why: the ciphertext is never passed on as if it were the data.
 *
 * @since 1.0.0
 * @category schemas
 */
export const UndecryptableClientEvent: typeof Wire.UndecryptableClientEvent = Wire.UndecryptableClientEvent

/**
 * A decoded client event of a `private-encrypted-` channel that could not be decrypted.
 *
 * @since 1.0.0
 * @category models
 */
export interface UndecryptableClientEvent extends Schema.Schema.Type<typeof UndecryptableClientEvent> {}

/**
 * Channels had no cached event for a new subscriber of a cache channel.
 *
 * @since 1.0.0
 * @category schemas
 */
export const CacheMiss: typeof Wire.CacheMiss = Wire.CacheMiss

/**
 * A decoded `cache_miss` event.
 *
 * @since 1.0.0
 * @category models
 */
export interface CacheMiss extends Schema.Schema.Type<typeof CacheMiss> {}

/**
 * The number of subscriptions of a channel changed.
 *
 * @since 1.0.0
 * @category schemas
 */
export const SubscriptionCount: typeof Wire.SubscriptionCount = Wire.SubscriptionCount

/**
 * A decoded `subscription_count` event.
 *
 * @since 1.0.0
 * @category models
 */
export interface SubscriptionCount extends Schema.Schema.Type<typeof SubscriptionCount> {}

/**
 * An event of a kind this library does not know yet, kept whole in `raw` so that a new kind never breaks a
 * receiver; or an event of a known kind whose fields do not match it (a `member_added` without `user_id`),
 * then with a `reason` naming the field. Its `_tag` is `"Unknown"`.
 *
 * @since 1.0.0
 * @category schemas
 */
export const UnknownEvent: typeof Wire.UnknownEvent = Wire.UnknownEvent

/**
 * A decoded event of an unknown kind, or of a known kind with fields that do not match it.
 *
 * @since 1.0.0
 * @category models
 */
export interface UnknownEvent extends Schema.Schema.Type<typeof UnknownEvent> {}

/**
 * The former name of the `UnknownEvent` schema.
 *
 * @deprecated Use {@link UnknownEvent}: `Unknown` reads like `Schema.Unknown`.
 * @since 1.0.0
 * @category schemas
 */
export const Unknown: typeof UnknownEvent = UnknownEvent

/**
 * The former name of the `UnknownEvent` type.
 *
 * @deprecated Use {@link UnknownEvent}.
 * @since 1.0.0
 * @category models
 */
export type Unknown = UnknownEvent

/**
 * One webhook event: decodes the wire form (`{"name": "member_added", "user_id": ...}`) into the tagged
 * union, and encodes it back.
 *
 * @since 1.0.0
 * @category schemas
 */
export const WebhookEvent: typeof Wire.WebhookEvent = Wire.WebhookEvent

/**
 * One decoded webhook event: a union tagged by `_tag`.
 *
 * @since 1.0.0
 * @category models
 */
export type WebhookEvent =
  | ChannelOccupied
  | ChannelVacated
  | MemberAdded
  | MemberRemoved
  | ClientEvent
  | UndecryptableClientEvent
  | CacheMiss
  | SubscriptionCount
  | UnknownEvent

/**
 * A webhook body: `{"time_ms", "events"}` on the wire, `{ timeMs, events }` decoded. `timeMs` is absent when
 * the body has no `time_ms` (Channels always sends one).
 *
 * @since 1.0.0
 * @category schemas
 */
export const WebhookPayload: typeof Wire.WebhookPayload = Wire.WebhookPayload

/**
 * A decoded webhook body: when Channels sent it and its events, in order.
 *
 * @since 1.0.0
 * @category models
 */
export interface WebhookPayload {
  readonly timeMs?: number
  readonly events: ReadonlyArray<WebhookEvent>
}

// ---------------------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------------------

/**
 * Request headers: a web `Headers`, or a plain record as Node, Express and most frameworks give them (any
 * case).
 *
 * @since 1.0.0
 * @category models
 */
export type WebhookHeaders = Headers.Input

/**
 * What a webhook handler receives: the headers and the raw body, exactly as sent (the signature is over
 * these bytes, so do not parse and re-serialize the body first).
 *
 * @since 1.0.0
 * @category models
 */
export interface WebhookRequest {
  readonly headers: WebhookHeaders
  readonly body: string | Uint8Array
}

/**
 * The options of `verify`: an optional maximum age.
 *
 * @since 1.0.0
 * @category models
 */
export interface VerifyOptions {
  /**
   * Reject webhooks whose `time_ms` is older than this, or more than 60 s ahead, by the `Clock` (`Expired`).
   * Off by default. When set, a body without `time_ms` is refused (`InvalidBody`): its freshness cannot be
   * shown. A value that is not a positive finite duration, or any other key, fails with a `ValidationError`
   * naming it.
   */
  readonly maxAge?: Duration.Input | undefined
}

/**
 * Verifies a webhook request and decodes its events. The `X-Pusher-Key` must be the configured key or one
 * of `webhookTokens`, the `X-Pusher-Signature` the HMAC of the body with that token's secret (compared in
 * constant time); then the body is decoded. Client events on `private-encrypted-` channels are decrypted
 * with the master key; those that cannot be arrive as {@link UndecryptableClientEvent}.
 *
 * Pusher retries a webhook that was not answered with 2xx, so handlers should be idempotent.
 *
 * @example
 * ```ts
 * import { PusherTest, Webhook } from "@effect-pusher/core"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const emulator = yield* PusherTest.PusherTest
 *   // A first subscriber makes the emulator send a `channel_occupied` webhook, signed like Pusher's.
 *   yield* emulator.subscribe("orders")
 *   // `{ headers, body }`: what an HTTP handler receives from Pusher.
 *   const request = yield* emulator.takeWebhook
 *   const payload = yield* Webhook.verify(request, { maxAge: "5 minutes" })
 *   for (const event of payload.events) {
 *     if (event._tag === "ChannelOccupied") console.log(`${event.channel} is occupied`)
 *   }
 * })
 *
 * Effect.runPromise(Effect.provide(program, PusherTest.layer()))
 * ```
 *
 * @since 1.0.0
 * @category verification
 */
export function verify(
  request: WebhookRequest
): Effect.Effect<WebhookPayload, WebhookError, PusherConfig.PusherConfig>
export function verify(
  request: WebhookRequest,
  options: VerifyOptions | undefined
): Effect.Effect<WebhookPayload, WebhookError | ValidationError, PusherConfig.PusherConfig>
export function verify(
  request: WebhookRequest,
  options?: VerifyOptions
): Effect.Effect<WebhookPayload, WebhookError | ValidationError, PusherConfig.PusherConfig> {
  return options === undefined ? Internal.verifyChecked(request, undefined) : Internal.verify(request, options)
}

// ---------------------------------------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------------------------------------

/**
 * The events of one verified payload, in order.
 *
 * @since 1.0.0
 * @category streams
 */
export const events = (payload: WebhookPayload): Stream.Stream<WebhookEvent> => Stream.fromIterable(payload.events)

/**
 * What to do with a request that fails verification (or a client event whose data does not decode):
 * `"fail"` ends the stream with the error; `"drop"` logs a warning (reason and description, never a secret
 * or a signature) and goes on.
 *
 * @since 1.0.0
 * @category models
 */
export type InvalidPolicy = "fail" | "drop"

/**
 * The options of `receive`: those of `verify` plus the endpoint's.
 *
 * @since 1.0.0
 * @category models
 */
export interface ReceiveOptions extends VerifyOptions {
  /** For requests that fail verification. Default `"fail"`. */
  readonly onInvalid?: InvalidPolicy | undefined
}

/**
 * Turns a stream of webhook requests into the stream of their verified events, in order.
 *
 * @example
 * ```ts
 * import { PusherTest, Webhook } from "@effect-pusher/core"
 * import { Effect, Stream } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const emulator = yield* PusherTest.PusherTest
 *   const socketId = yield* emulator.subscribe("presence-room", { user: { id: "ada" } })
 *   yield* emulator.unsubscribe("presence-room", socketId)
 *   // Any stream of `{ headers, body }` requests: here, the webhooks the emulator sent.
 *   yield* emulator.webhookStream.pipe(
 *     Stream.take(2),
 *     Webhook.receive({ onInvalid: "drop" }),
 *     Stream.runForEach((event) => Effect.log(event._tag))
 *   )
 * })
 *
 * Effect.runPromise(Effect.provide(program, PusherTest.layer()))
 * ```
 *
 * @since 1.0.0
 * @category streams
 */
export const receive: {
  (
    options?: ReceiveOptions
  ): <E, R>(
    self: Stream.Stream<WebhookRequest, E, R>
  ) => Stream.Stream<WebhookEvent, E | WebhookError | ValidationError, R | PusherConfig.PusherConfig>
  <E, R>(
    self: Stream.Stream<WebhookRequest, E, R>,
    options?: ReceiveOptions
  ): Stream.Stream<WebhookEvent, E | WebhookError | ValidationError, R | PusherConfig.PusherConfig>
} = dual(Streams.isDataFirst, Streams.receive)

// ---------------------------------------------------------------------------------------------------------
// Typed client events
// ---------------------------------------------------------------------------------------------------------

/**
 * A client event whose data was decoded with a schema.
 *
 * @since 1.0.0
 * @category models
 */
export interface DecodedClientEvent<A> extends Omit<ClientEvent, "data"> {
  readonly data: A
}

/**
 * Recognizes and decodes one kind of client event.
 *
 * @since 1.0.0
 * @category models
 */
export interface ClientEventDecoder<A, R> {
  readonly name: string
  /** Whether `event` is a client event of this name (decryptable or not). */
  readonly is: (event: WebhookEvent) => event is ClientEvent | UndecryptableClientEvent
  /**
   * Decodes the event's data: a JSON string is parsed first (a string that is not JSON is decoded as is);
   * the decrypted data of an encrypted channel is decoded as it is. An undecryptable event fails with its
   * `EncryptionError`; data that does not match, another event, or a value that is not a client event at
   * all (`null`, a number), with `WebhookError` `InvalidEventData` naming the event. It never throws.
   */
  readonly decode: (
    event: ClientEvent | UndecryptableClientEvent
  ) => Effect.Effect<DecodedClientEvent<A>, WebhookError | EncryptionError, R>
}

/**
 * A decoder for the client events named `name`, whose data is described by `schema`.
 *
 * @example
 * ```ts
 * import { PusherTest, Webhook } from "@effect-pusher/core"
 * import { Effect, Schema } from "effect"
 *
 * const Move = Webhook.clientEvent("client-move", Schema.Struct({ x: Schema.Number, y: Schema.Number }))
 *
 * const program = Effect.gen(function*() {
 *   const emulator = yield* PusherTest.PusherTest
 *   const socketId = yield* emulator.subscribe("private-board")
 *   const move = { channel: "private-board", event: "client-move", data: { x: 1, y: 2 }, socketId }
 *   yield* emulator.injectClientEvent(move)
 *   yield* emulator.takeWebhook // channel_occupied
 *   const payload = yield* Webhook.verify(yield* emulator.takeWebhook)
 *   for (const event of payload.events) {
 *     if (Move.is(event)) {
 *       const move = yield* Move.decode(event) // DecodedClientEvent<{ readonly x: number; readonly y: number }>
 *       console.log(move.data.x, move.data.y)
 *     }
 *   }
 * })
 *
 * Effect.runPromise(Effect.provide(program, PusherTest.layer()))
 * ```
 *
 * @since 1.0.0
 * @category client events
 */
export const clientEvent: <A, I, R>(name: string, schema: Schema.Codec<A, I, R, unknown>) => ClientEventDecoder<A, R> =
  Streams.clientEvent

/**
 * Keeps the client events named `name` of a stream of webhook events and decodes their data with `schema`.
 * Client events are written by end users' browsers, so their data is untrusted: by default an event that
 * does not decode (or cannot be decrypted) is dropped with a Warning log naming its channel, event and
 * reason, and the stream goes on; `{ onInvalid: "fail" }` ends the stream with the error instead.
 *
 * @example
 * ```ts
 * import { PusherTest, Webhook } from "@effect-pusher/core"
 * import { Effect, Schema, Stream } from "effect"
 *
 * const Move = Schema.Struct({ x: Schema.Number, y: Schema.Number })
 *
 * const program = Effect.gen(function*() {
 *   const emulator = yield* PusherTest.PusherTest
 *   const socketId = yield* emulator.subscribe("private-board")
 *   const move = { channel: "private-board", event: "client-move", socketId }
 *   yield* emulator.injectClientEvent({ ...move, data: { x: 1, y: 2 } })
 *   yield* emulator.injectClientEvent({ ...move, data: { x: "far" } }) // dropped, with a Warning log
 *   yield* emulator.webhookStream.pipe(
 *     Stream.take(3), // channel_occupied and the two client events
 *     Webhook.receive(),
 *     Webhook.clientEvents("client-move", Move),
 *     Stream.runForEach((event) => Effect.log(`${event.socketId} moved to ${event.data.x},${event.data.y}`))
 *   )
 * })
 *
 * Effect.runPromise(Effect.provide(program, PusherTest.layer()))
 * ```
 *
 * @since 1.0.0
 * @category client events
 */
export const clientEvents: {
  <A, I, R>(
    name: string,
    schema: Schema.Codec<A, I, R, unknown>,
    options?: { readonly onInvalid?: InvalidPolicy | undefined }
  ): <E, R2>(
    self: Stream.Stream<WebhookEvent, E, R2>
  ) => Stream.Stream<DecodedClientEvent<A>, E | WebhookError | EncryptionError | ValidationError, R | R2>
  <E, R2, A, I, R>(
    self: Stream.Stream<WebhookEvent, E, R2>,
    name: string,
    schema: Schema.Codec<A, I, R, unknown>,
    options?: { readonly onInvalid?: InvalidPolicy | undefined }
  ): Stream.Stream<DecodedClientEvent<A>, E | WebhookError | EncryptionError | ValidationError, R | R2>
} = dual(Streams.isDataFirst, Streams.clientEvents)
