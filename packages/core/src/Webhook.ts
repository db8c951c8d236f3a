/**
 * Receiving Channels webhooks: verify a request (key, HMAC signature in constant time, content type,
 * optional freshness), decode its events into a tagged union, decrypt client events of
 * `private-encrypted-` channels, and turn a stream of requests into a stream of typed events.
 *
 * Compared with pusher-http-node, header names are case-insensitive, `Content-Type` is compared by media
 * type (`application/json; charset=utf-8` is accepted), a missing header is a typed error rather than a
 * throw, and event kinds this library does not know arrive as `Unknown` instead of breaking the receiver.
 *
 * @since 0.1.0
 */
import * as Encoding from "@effect-pusher/protocol/Encoding"
import * as Headers from "@effect-pusher/protocol/Headers"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Encryption from "./internal/encryption.js"
import * as Operation from "./internal/operation.js"
import * as Signing from "./internal/signing.js"
import * as V from "./internal/validation.js"
import * as PusherConfig from "./PusherConfig.js"
import * as PusherCrypto from "./PusherCrypto.js"
import { EncryptionError, WebhookError } from "./PusherError.js"

// ---------------------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------------------

/**
 * The first client subscribed to a channel.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChannelOccupied = Schema.TaggedStruct("ChannelOccupied", { channel: Schema.String })

/**
 * @since 0.1.0
 * @category models
 */
export interface ChannelOccupied extends Schema.Schema.Type<typeof ChannelOccupied> {}

/**
 * The last client unsubscribed from a channel.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChannelVacated = Schema.TaggedStruct("ChannelVacated", { channel: Schema.String })

/**
 * @since 0.1.0
 * @category models
 */
export interface ChannelVacated extends Schema.Schema.Type<typeof ChannelVacated> {}

/**
 * A user joined a presence channel.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MemberAdded = Schema.TaggedStruct("MemberAdded", { channel: Schema.String, userId: Schema.String })

/**
 * @since 0.1.0
 * @category models
 */
export interface MemberAdded extends Schema.Schema.Type<typeof MemberAdded> {}

/**
 * A user left a presence channel.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MemberRemoved = Schema.TaggedStruct("MemberRemoved", { channel: Schema.String, userId: Schema.String })

/**
 * @since 0.1.0
 * @category models
 */
export interface MemberRemoved extends Schema.Schema.Type<typeof MemberRemoved> {}

/**
 * A client triggered an event. `data` is what the client sent, as Channels forwards it (normally a JSON
 * string); on a `private-encrypted-` channel it is the decrypted value. Decode it with {@link clientEvent}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ClientEvent = Schema.TaggedStruct("ClientEvent", {
  channel: Schema.String,
  event: Schema.String,
  data: Schema.Unknown,
  socketId: Schema.String,
  /** Set on presence channels. */
  userId: Schema.optional(Schema.String)
})

const { _tag: _, ...clientEventFields } = ClientEvent.fields

/**
 * @since 0.1.0
 * @category models
 */
export interface ClientEvent extends Schema.Schema.Type<typeof ClientEvent> {}

/**
 * A client event on a `private-encrypted-` channel that could not be decrypted (no master key configured,
 * a malformed envelope, or a ciphertext that does not authenticate). `data` is the envelope as received and
 * `error` says why: the ciphertext is never passed on as if it were the data.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UndecryptableClientEvent = Schema.TaggedStruct("UndecryptableClientEvent", {
  ...clientEventFields,
  error: Schema.instanceOf(EncryptionError)
})

/**
 * @since 0.1.0
 * @category models
 */
export interface UndecryptableClientEvent extends Schema.Schema.Type<typeof UndecryptableClientEvent> {}

/**
 * Channels had no cached event for a new subscriber of a cache channel.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CacheMiss = Schema.TaggedStruct("CacheMiss", { channel: Schema.String })

/**
 * @since 0.1.0
 * @category models
 */
export interface CacheMiss extends Schema.Schema.Type<typeof CacheMiss> {}

/**
 * The number of subscriptions of a channel changed.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SubscriptionCount = Schema.TaggedStruct("SubscriptionCount", {
  channel: Schema.String,
  subscriptionCount: Schema.NonNegativeInt
})

/**
 * @since 0.1.0
 * @category models
 */
export interface SubscriptionCount extends Schema.Schema.Type<typeof SubscriptionCount> {}

/**
 * An event of a kind this library does not know yet, kept whole in `raw` so that a new kind never breaks a
 * receiver.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Unknown = Schema.TaggedStruct("Unknown", {
  name: Schema.String,
  raw: Schema.Record({ key: Schema.String, value: Schema.Unknown })
})

/**
 * @since 0.1.0
 * @category models
 */
export interface Unknown extends Schema.Schema.Type<typeof Unknown> {}

const known = {
  channel_occupied: "ChannelOccupied",
  channel_vacated: "ChannelVacated",
  member_added: "MemberAdded",
  member_removed: "MemberRemoved",
  client_event: "ClientEvent",
  cache_miss: "CacheMiss",
  subscription_count: "SubscriptionCount"
} as const

const isKnownName = (name: string): boolean => Object.prototype.hasOwnProperty.call(known, name)

const channelOnly = <Tag extends "ChannelOccupied" | "ChannelVacated" | "CacheMiss">(
  name: string,
  tag: Tag,
  to: Schema.TaggedStruct<Tag, { channel: typeof Schema.String }>
) =>
  Schema.transform(
    Schema.Struct({ name: Schema.Literal(name), channel: Schema.String }),
    Schema.typeSchema(to),
    {
      strict: false,
      decode: (wire) => ({ _tag: tag, channel: wire.channel }),
      encode: (event) => ({ name, channel: event.channel })
    }
  )

const member = <Tag extends "MemberAdded" | "MemberRemoved">(
  name: string,
  tag: Tag,
  to: Schema.TaggedStruct<Tag, { channel: typeof Schema.String; userId: typeof Schema.String }>
) =>
  Schema.transform(
    Schema.Struct({ name: Schema.Literal(name), channel: Schema.String, user_id: Schema.String }),
    Schema.typeSchema(to),
    {
      strict: false,
      decode: (wire) => ({ _tag: tag, channel: wire.channel, userId: wire.user_id }),
      encode: (event) => ({ name, channel: event.channel, user_id: event.userId })
    }
  )

const ClientEventWire = Schema.Struct({
  name: Schema.Literal("client_event"),
  channel: Schema.String,
  event: Schema.String,
  data: Schema.Unknown,
  socket_id: Schema.String,
  user_id: Schema.optional(Schema.String)
})

const clientEventToWire = (event: ClientEvent | UndecryptableClientEvent): typeof ClientEventWire.Type => ({
  name: "client_event",
  channel: event.channel,
  event: event.event,
  data: event.data,
  socket_id: event.socketId,
  ...(event.userId !== undefined ? { user_id: event.userId } : {})
})

const ClientEventFromWire = Schema.transform(ClientEventWire, Schema.typeSchema(ClientEvent), {
  strict: true,
  decode: (wire) => ({
    _tag: "ClientEvent" as const,
    channel: wire.channel,
    event: wire.event,
    data: wire.data,
    socketId: wire.socket_id,
    ...(wire.user_id !== undefined ? { userId: wire.user_id } : {})
  }),
  encode: clientEventToWire
})

// Made by `verify` only; on the wire it is the client event it came from.
const UndecryptableFromWire = Schema.transformOrFail(ClientEventWire, Schema.typeSchema(UndecryptableClientEvent), {
  strict: true,
  decode: (_, __, ast, wire) =>
    ParseResult.fail(new ParseResult.Forbidden(ast, wire, "an UndecryptableClientEvent is made by Webhook.verify")),
  encode: (event) => ParseResult.succeed(clientEventToWire(event))
})

const SubscriptionCountFromWire = Schema.transform(
  Schema.Struct({
    name: Schema.Literal("subscription_count"),
    channel: Schema.String,
    subscription_count: Schema.NonNegativeInt
  }),
  Schema.typeSchema(SubscriptionCount),
  {
    strict: true,
    decode: (wire) => ({
      _tag: "SubscriptionCount" as const,
      channel: wire.channel,
      subscriptionCount: wire.subscription_count
    }),
    encode: (event) => ({
      name: "subscription_count" as const,
      channel: event.channel,
      subscription_count: event.subscriptionCount
    })
  }
)

const UnknownFromWire = Schema.transform(
  Schema.Struct(
    {
      name: Schema.String.pipe(
        Schema.filter((name) => !isKnownName(name) || `a known event ${name} with missing or malformed fields`)
      )
    },
    Schema.Record({ key: Schema.String, value: Schema.Unknown })
  ),
  Schema.typeSchema(Unknown),
  {
    strict: true,
    decode: (raw) => ({ _tag: "Unknown" as const, name: raw.name, raw }),
    encode: (event) => ({ ...event.raw, name: event.name })
  }
)

/**
 * One webhook event: decodes the wire form (`{"name": "member_added", "user_id": ...}`) into the tagged
 * union, and encodes it back.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebhookEvent = Schema.Union(
  channelOnly("channel_occupied", "ChannelOccupied", ChannelOccupied),
  channelOnly("channel_vacated", "ChannelVacated", ChannelVacated),
  member("member_added", "MemberAdded", MemberAdded),
  member("member_removed", "MemberRemoved", MemberRemoved),
  ClientEventFromWire,
  channelOnly("cache_miss", "CacheMiss", CacheMiss),
  SubscriptionCountFromWire,
  UndecryptableFromWire,
  UnknownFromWire
)

/**
 * @since 0.1.0
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
  | Unknown

/**
 * A webhook body: `{"time_ms", "events"}` on the wire, `{ timeMs, events }` decoded.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebhookPayload = Schema.Struct({
  timeMs: Schema.propertySignature(Schema.Number).pipe(Schema.fromKey("time_ms")),
  events: Schema.Array(WebhookEvent)
})

/**
 * @since 0.1.0
 * @category models
 */
export interface WebhookPayload {
  readonly timeMs: number
  readonly events: ReadonlyArray<WebhookEvent>
}

// ---------------------------------------------------------------------------------------------------------
// Decoding (the hot path)
// ---------------------------------------------------------------------------------------------------------

const decodePayloadWithSchema = ParseResult.decodeUnknownEither(WebhookPayload, { errors: "first" })

// The first leaf issue with its path, e.g. `events.0.channel: is missing`, instead of the whole tree.
const formatIssue = (issue: ParseResult.ParseIssue): string => {
  const first = ParseResult.ArrayFormatter.formatIssueSync(issue)[0]
  if (first === undefined) return "does not match the schema"
  return first.path.length === 0 ? first.message : `${first.path.join(".")}: ${first.message}`
}

/**
 * Decodes one wire event exactly as {@link WebhookEvent} does, without Schema's interpretation overhead;
 * `undefined` means "not sure", and the Schema decides (and explains).
 */
const fastEvent = (u: unknown): WebhookEvent | undefined => {
  if (!V.isRecord(u)) return undefined
  const name = u.name
  const channel = u.channel
  if (typeof name !== "string") return undefined
  switch (name) {
    case "channel_occupied":
      return typeof channel === "string" ? { _tag: "ChannelOccupied", channel } : undefined
    case "channel_vacated":
      return typeof channel === "string" ? { _tag: "ChannelVacated", channel } : undefined
    case "cache_miss":
      return typeof channel === "string" ? { _tag: "CacheMiss", channel } : undefined
    case "member_added":
    case "member_removed": {
      const userId = u.user_id
      if (typeof channel !== "string" || typeof userId !== "string") return undefined
      return { _tag: name === "member_added" ? "MemberAdded" : "MemberRemoved", channel, userId }
    }
    case "client_event": {
      const { event, socket_id: socketId, user_id: userId } = u
      if (
        typeof channel !== "string" || typeof event !== "string" || typeof socketId !== "string" ||
        !("data" in u) || (userId !== undefined && typeof userId !== "string")
      ) return undefined
      return userId === undefined
        ? { _tag: "ClientEvent", channel, event, data: u.data, socketId }
        : { _tag: "ClientEvent", channel, event, data: u.data, socketId, userId }
    }
    case "subscription_count": {
      const count = u.subscription_count
      if (typeof channel !== "string" || typeof count !== "number" || !Number.isSafeInteger(count) || count < 0) {
        return undefined
      }
      return { _tag: "SubscriptionCount", channel, subscriptionCount: count }
    }
    default:
      return isKnownName(name) ? undefined : { _tag: "Unknown", name, raw: { ...u } }
  }
}

/** @internal Decodes a parsed body like {@link WebhookPayload}, fast for well-formed input. */
export const decodePayload = (u: unknown): Either.Either<WebhookPayload, string> => {
  if (V.isRecord(u) && typeof u.time_ms === "number" && Array.isArray(u.events)) {
    const raw: ReadonlyArray<unknown> = u.events
    const events: Array<WebhookEvent> = new Array(raw.length)
    let i = 0
    for (; i < raw.length; i++) {
      const event = fastEvent(raw[i])
      if (event === undefined) break
      events[i] = event
    }
    if (i === raw.length) return Either.right({ timeMs: u.time_ms, events })
  }
  return Either.mapLeft(decodePayloadWithSchema(u), formatIssue)
}

// ---------------------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------------------

/**
 * Request headers: a web `Headers`, or a plain record as Node, Express and most frameworks give them (any
 * case).
 *
 * @since 0.1.0
 * @category models
 */
export type WebhookHeaders =
  | globalThis.Headers
  | Readonly<Record<string, string | ReadonlyArray<string> | undefined>>

/**
 * What a webhook handler receives: the headers and the raw body, exactly as sent (the signature is over
 * these bytes, so do not parse and re-serialize the body first).
 *
 * @since 0.1.0
 * @category models
 */
export interface WebhookRequest {
  readonly headers: WebhookHeaders
  readonly body: string | Uint8Array
}

/**
 * @since 0.1.0
 * @category models
 */
export interface VerifyOptions {
  /** Reject webhooks whose `time_ms` is older than this, by the `Clock`. Off by default. */
  readonly maxAge?: Duration.DurationInput | undefined
}

const duplicate = Symbol()

/** A header's value, `undefined` when absent, `duplicate` when it is given more than once. */
const header = (headers: WebhookHeaders, lower: string): string | undefined | typeof duplicate => {
  const value = Headers.lookup(headers, lower)
  if (typeof value === "string" || value === undefined) return value
  if (Array.isArray(value)) return value.length === 1 && typeof value[0] === "string" ? value[0] : duplicate
  return undefined
}

const reject = (reason: WebhookError["reason"], description: string) => new WebhookError({ reason, description })

const decryptEvents = (
  config: PusherConfig.Service,
  crypto: PusherCrypto.Service,
  events: ReadonlyArray<WebhookEvent>
): ReadonlyArray<WebhookEvent> => {
  let out: Array<WebhookEvent> | undefined
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!
    if (event._tag !== "ClientEvent" || !event.channel.startsWith("private-encrypted-")) continue
    out ??= events.slice()
    const opened = Either.flatMap(
      Encryption.masterKeyFor(config, event.channel),
      (masterKey) => Encryption.open(crypto, masterKey, event.channel, event.data)
    )
    out[i] = Either.isRight(opened)
      ? { ...event, data: opened.right }
      : { ...event, _tag: "UndecryptableClientEvent", error: opened.left }
  }
  return out ?? events
}

/** Everything of `verify` but the freshness check, as plain code. */
const verifySync = (
  config: PusherConfig.Service,
  crypto: PusherCrypto.Service,
  request: WebhookRequest
): WebhookPayload | WebhookError => {
  if (
    typeof request !== "object" || request === null || typeof request.headers !== "object" || request.headers === null
  ) {
    return reject("MissingHeader", "the request has no headers")
  }
  const headers = request.headers
  const contentType = header(headers, "content-type")
  if (contentType === undefined) return reject("MissingHeader", "Content-Type is missing")
  if (contentType === duplicate || Headers.mediaType(contentType) !== "application/json") {
    return reject("UnsupportedContentType", "Content-Type must be application/json")
  }
  const key = header(headers, "x-pusher-key")
  if (key === undefined) return reject("MissingHeader", "X-Pusher-Key is missing")
  if (key === duplicate) return reject("UnknownKey", "X-Pusher-Key is given more than once")
  const signature = header(headers, "x-pusher-signature")
  if (signature === undefined) return reject("MissingHeader", "X-Pusher-Signature is missing")
  if (signature === duplicate) return reject("SignatureMismatch", "X-Pusher-Signature is given more than once")
  const signers = Signing.webhookSigners(config, crypto).get(key)
  if (signers === undefined) return reject("UnknownKey", `X-Pusher-Key ${JSON.stringify(key)} is not an accepted key`)

  let body = request.body
  if (typeof body !== "string") {
    if (!(body instanceof Uint8Array)) return reject("InvalidBody", "the body must be a string or bytes")
    const text = Encoding.utf8DecodeStrict(body)
    if (text === undefined) return reject("InvalidBody", "the body is not UTF-8")
    body = text
  }
  let valid = false
  for (let i = 0; i < signers.length; i++) {
    // Every signer runs, so the time does not tell which token matched.
    if (crypto.timingSafeEqual(signers[i]!(body), signature)) valid = true
  }
  if (!valid) return reject("SignatureMismatch", "X-Pusher-Signature does not match the body")

  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    return reject("InvalidBody", "the body is not JSON")
  }
  const decoded = decodePayload(json)
  if (Either.isLeft(decoded)) return reject("InvalidBody", decoded.left)
  const events = decryptEvents(config, crypto, decoded.right.events)
  return events === decoded.right.events ? decoded.right : { timeMs: decoded.right.timeMs, events }
}

/**
 * Verifies a webhook request and decodes its events. The `X-Pusher-Key` must be the configured key or one
 * of `webhookTokens`, the `X-Pusher-Signature` the HMAC of the body with that token's secret (compared in
 * constant time); then the body is decoded. Client events on `private-encrypted-` channels are decrypted
 * with the master key; those that cannot be arrive as {@link UndecryptableClientEvent}.
 *
 * Pusher retries a webhook that was not answered with 2xx, so handlers should be idempotent.
 *
 * @since 0.1.0
 * @category verification
 */
export const verify = (
  request: WebhookRequest,
  options?: VerifyOptions
): Effect.Effect<WebhookPayload, WebhookError, PusherConfig.PusherConfig> =>
  Operation.legacyOperation("Webhook.verify", (context) => {
    const result = verifySync(
      Context.get(context as Context.Context<PusherConfig.PusherConfig>, PusherConfig.PusherConfig),
      Context.get(context as Context.Context<never>, PusherCrypto.PusherCrypto),
      request
    )
    if (result instanceof WebhookError) return Effect.fail(result)
    if (options?.maxAge === undefined) return Effect.succeed(result)
    const maxAge = Duration.decodeUnknown(options.maxAge)
    if (Option.isNone(maxAge)) return Effect.dieMessage("Webhook.verify: maxAge must be a Duration")
    return Effect.flatMap(Clock.currentTimeMillis, (now) =>
      now - result.timeMs > Duration.toMillis(maxAge.value)
        ? Effect.fail(
          reject("Expired", `the webhook was sent at ${result.timeMs}, more than ${Duration.format(maxAge.value)} ago`)
        )
        : Effect.succeed(result))
  }, () => reject("InvalidBody", "the request could not be read"))

// ---------------------------------------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------------------------------------

/**
 * The events of one verified payload, in order.
 *
 * @since 0.1.0
 * @category streams
 */
export const events = (payload: WebhookPayload): Stream.Stream<WebhookEvent> => Stream.fromIterable(payload.events)

/**
 * What to do with a request that fails verification (or an event whose data does not decode): `"fail"`
 * ends the stream with the error; `"drop"` logs a warning (reason and description, never a secret or a
 * signature) and goes on.
 *
 * @since 0.1.0
 * @category models
 */
export type InvalidPolicy = "fail" | "drop"

/**
 * @since 0.1.0
 * @category models
 */
export interface ReceiveOptions extends VerifyOptions {
  /** Default `"fail"`. */
  readonly onInvalid?: InvalidPolicy | undefined
}

const dropWith = <A>(error: WebhookError | EncryptionError): Effect.Effect<ReadonlyArray<A>> =>
  Effect.logWarning(`Webhook: dropped: ${error.message}`).pipe(
    Effect.annotateLogs({ error: error._tag, reason: error.reason }),
    Effect.as([])
  )

/**
 * Turns a stream of webhook requests into the stream of their verified events, in order.
 *
 * @example
 * ```ts
 * requests.pipe(Webhook.receive({ onInvalid: "drop" }), Stream.runForEach(handle))
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const receive = (options?: ReceiveOptions) =>
<E, R>(
  self: Stream.Stream<WebhookRequest, E, R>
): Stream.Stream<WebhookEvent, E | WebhookError, R | PusherConfig.PusherConfig> =>
  Stream.mapConcatEffect(self, (request) => {
    const verified = Effect.map(verify(request, options), (payload) => payload.events)
    return options?.onInvalid === "drop"
      ? Effect.catchAll(verified, (error) => dropWith<WebhookEvent>(error))
      : verified
  })

// ---------------------------------------------------------------------------------------------------------
// Typed client events
// ---------------------------------------------------------------------------------------------------------

/**
 * A client event whose data was decoded with a schema.
 *
 * @since 0.1.0
 * @category models
 */
export interface DecodedClientEvent<A> extends Omit<ClientEvent, "data"> {
  readonly data: A
}

/**
 * Recognizes and decodes one kind of client event.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientEventDecoder<A, R> {
  readonly name: string
  /** Whether `event` is a client event of this name (decryptable or not). */
  readonly is: (event: WebhookEvent) => event is ClientEvent | UndecryptableClientEvent
  /**
   * Decodes the event's data: a JSON string is parsed first (a string that is not JSON is decoded as is);
   * the decrypted data of an encrypted channel is decoded as it is. An undecryptable event fails with its
   * `EncryptionError`; data that does not match, or another event, with `WebhookError` `InvalidEventData`
   * naming the event.
   */
  readonly decode: (
    event: ClientEvent | UndecryptableClientEvent
  ) => Effect.Effect<DecodedClientEvent<A>, WebhookError | EncryptionError, R>
}

const parseData = (channel: string, data: unknown): unknown => {
  if (typeof data !== "string" || channel.startsWith("private-encrypted-")) return data
  try {
    return JSON.parse(data)
  } catch {
    return data
  }
}

/**
 * A decoder for the client events named `name`, whose data is described by `schema`.
 *
 * @example
 * ```ts
 * const Move = Webhook.clientEvent("client-move", Schema.Struct({ x: Schema.Number, y: Schema.Number }))
 * const move = yield* Move.decode(event) // DecodedClientEvent<{ x: number; y: number }>
 * ```
 *
 * @since 0.1.0
 * @category client events
 */
export const clientEvent = <A, I, R>(name: string, schema: Schema.Schema<A, I, R>): ClientEventDecoder<A, R> => {
  const decodeData = ParseResult.decodeUnknown(schema)
  const invalid = (event: ClientEvent, issue: string) =>
    reject(
      "InvalidEventData",
      `client event ${JSON.stringify(event.event)} on ${event.channel}${
        event.event === name ? "" : ` is not ${JSON.stringify(name)}`
      }${issue === "" ? "" : `: ${issue}`}`
    )
  return {
    name,
    is: (event): event is ClientEvent | UndecryptableClientEvent =>
      (event._tag === "ClientEvent" || event._tag === "UndecryptableClientEvent") && event.event === name,
    decode: (event) => {
      if (event._tag === "UndecryptableClientEvent") return Effect.fail(event.error)
      if (event.event !== name) return Effect.fail(invalid(event, ""))
      return Effect.mapBoth(decodeData(parseData(event.channel, event.data)), {
        onFailure: (issue) => invalid(event, formatIssue(issue)),
        onSuccess: (data): DecodedClientEvent<A> => ({ ...event, data })
      })
    }
  }
}

/**
 * Keeps the client events named `name` of a stream of webhook events and decodes their data with `schema`;
 * an event that does not decode fails the stream or is dropped with a warning, as `onInvalid` says
 * (default `"fail"`).
 *
 * @since 0.1.0
 * @category client events
 */
export const clientEvents = <A, I, R>(
  name: string,
  schema: Schema.Schema<A, I, R>,
  options?: { readonly onInvalid?: InvalidPolicy | undefined }
) => {
  const decoder = clientEvent(name, schema)
  return <E, R2>(
    self: Stream.Stream<WebhookEvent, E, R2>
  ): Stream.Stream<DecodedClientEvent<A>, E | WebhookError | EncryptionError, R | R2> =>
    Stream.mapConcatEffect(self, (event) => {
      if (!decoder.is(event)) return Effect.succeed([])
      const decoded = Effect.map(decoder.decode(event), (a) => [a])
      return options?.onInvalid === "drop"
        ? Effect.catchAll(decoded, (error) => dropWith<DecodedClientEvent<A>>(error))
        : decoded
    })
}
