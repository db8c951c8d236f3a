import * as Protocol from "@effect-pusher/protocol/WebhookEvents"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { EncryptionError } from "../PusherError.js"

// The event and payload schemas of the public `Webhook` module (which documents them), and the transforms
// from the wire form. The names and fields on the wire are the protocol's; only the Schema shape is here.

/** @internal */
export const ChannelOccupied = Schema.TaggedStruct("ChannelOccupied", { channel: Schema.String })

/** @internal */
export const ChannelVacated = Schema.TaggedStruct("ChannelVacated", { channel: Schema.String })

/** @internal */
export const MemberAdded = Schema.TaggedStruct("MemberAdded", { channel: Schema.String, userId: Schema.String })

/** @internal */
export const MemberRemoved = Schema.TaggedStruct("MemberRemoved", { channel: Schema.String, userId: Schema.String })

/** @internal */
export const ClientEvent = Schema.TaggedStruct("ClientEvent", {
  channel: Schema.String,
  event: Schema.String,
  data: Schema.Unknown,
  socketId: Schema.String,
  /** Set on presence channels. */
  userId: Schema.optional(Schema.String)
})

const { _tag: _, ...clientEventFields } = ClientEvent.fields

/** @internal */
export const UndecryptableClientEvent = Schema.TaggedStruct("UndecryptableClientEvent", {
  ...clientEventFields,
  error: Schema.instanceOf(EncryptionError)
})

/** @internal */
export const CacheMiss = Schema.TaggedStruct("CacheMiss", { channel: Schema.String })

/** @internal */
export const SubscriptionCount = Schema.TaggedStruct("SubscriptionCount", {
  channel: Schema.String,
  subscriptionCount: Schema.NonNegativeInt
})

/** @internal */
export const UnknownEvent = Schema.TaggedStruct("Unknown", {
  name: Schema.String,
  raw: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  /** Set when `name` is a known kind whose fields do not match it: which field, and why. */
  reason: Schema.optionalWith(Schema.String, { exact: true })
})

// A presence user id on the wire: a string, or a safe integer (the presence docs allow numeric ids),
// decoded as its decimal string, as the protocol's decoder does.
const UserIdFromWire = Schema.transform(Schema.Union(Schema.String, Schema.Int), Schema.String, {
  strict: true,
  decode: (id) => typeof id === "string" ? id : String(id),
  encode: (id) => id
})

type Tags = typeof Protocol.eventTags

const channelOnly = <Name extends "channel_occupied" | "channel_vacated" | "cache_miss">(
  name: Name,
  to: Schema.TaggedStruct<Tags[Name], { channel: typeof Schema.String }>
) =>
  Schema.transform(
    Schema.Struct({ name: Schema.Literal(name), channel: Schema.String }),
    Schema.typeSchema(to),
    {
      strict: false,
      decode: (wire) => ({ _tag: Protocol.eventTags[name], channel: wire.channel }),
      encode: (event) => ({ name, channel: event.channel })
    }
  )

const member = <Name extends "member_added" | "member_removed">(
  name: Name,
  to: Schema.TaggedStruct<Tags[Name], { channel: typeof Schema.String; userId: typeof Schema.String }>
) =>
  Schema.transform(
    Schema.Struct({ name: Schema.Literal(name), channel: Schema.String, user_id: UserIdFromWire }),
    Schema.typeSchema(to),
    {
      strict: false,
      decode: (wire) => ({ _tag: Protocol.eventTags[name], channel: wire.channel, userId: wire.user_id }),
      encode: (event) => ({ name, channel: event.channel, user_id: event.userId })
    }
  )

const ClientEventWire = Schema.Struct({
  name: Schema.Literal("client_event"),
  channel: Schema.String,
  event: Schema.String,
  data: Schema.Unknown,
  socket_id: Schema.String,
  user_id: Schema.optional(UserIdFromWire)
  // `exact`: a missing `data` is missing (not `undefined`), as the protocol's decoder says.
}).annotations({ parseOptions: { exact: true } })

const clientEventToWire = (
  event: typeof ClientEvent.Type | typeof UndecryptableClientEvent.Type
): typeof ClientEventWire.Type => ({
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

// Last in the union: any other event with a name, a known kind that did not match its schema included. The
// reason is the protocol's, so this path and the protocol's decoder agree.
const UnknownFromWire = Schema.transform(
  Schema.Struct({ name: Schema.String }, Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  Schema.typeSchema(UnknownEvent),
  {
    strict: true,
    decode: (raw) => {
      const reason = Protocol.malformation(raw)
      return reason === undefined
        ? { _tag: "Unknown" as const, name: raw.name, raw }
        : { _tag: "Unknown" as const, name: raw.name, raw, reason }
    },
    encode: (event) => ({ ...event.raw, name: event.name })
  }
)

/** @internal */
export const WebhookEvent = Schema.Union(
  channelOnly("channel_occupied", ChannelOccupied),
  channelOnly("channel_vacated", ChannelVacated),
  member("member_added", MemberAdded),
  member("member_removed", MemberRemoved),
  ClientEventFromWire,
  channelOnly("cache_miss", CacheMiss),
  SubscriptionCountFromWire,
  UndecryptableFromWire,
  UnknownFromWire
)

/** @internal */
export const WebhookPayload = Schema.Struct({
  timeMs: Schema.optionalWith(Schema.Number, { exact: true }).pipe(Schema.fromKey("time_ms")),
  events: Schema.Array(WebhookEvent)
})
