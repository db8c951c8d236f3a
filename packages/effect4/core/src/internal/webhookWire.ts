import * as Protocol from "@effect-pusher/protocol/WebhookEvents"
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"
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

const clientEventFields = {
  channel: Schema.String,
  event: Schema.String,
  data: Schema.Unknown,
  socketId: Schema.String,
  /** Set on presence channels. */
  userId: Schema.optionalKey(Schema.String)
}

/** @internal */
export const ClientEvent = Schema.TaggedStruct("ClientEvent", clientEventFields)

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
  subscriptionCount: Schema.Natural
})

/** @internal */
export const UnknownEvent = Schema.TaggedStruct("Unknown", {
  name: Schema.String,
  raw: Schema.Record(Schema.String, Schema.Unknown),
  /** Set when `name` is a known kind whose fields do not match it: which field, and why. */
  reason: Schema.optionalKey(Schema.String)
})

// A presence user id on the wire: a string, or a safe integer (the presence docs allow numeric ids),
// decoded as its decimal string, as the protocol's decoder does. It encodes back as the string.
const UserIdFromWire = Schema.Union([Schema.String, Schema.Int]).pipe(
  Schema.decodeTo(Schema.String, {
    decode: SchemaGetter.transform((id) => typeof id === "string" ? id : String(id)),
    encode: SchemaGetter.transform((id) => id)
  })
)

type Tags = typeof Protocol.eventTags

const channelOnly = <Name extends "channel_occupied" | "channel_vacated" | "cache_miss">(
  name: Name,
  to: Schema.TaggedStruct<Tags[Name], { readonly channel: Schema.String }>
) =>
  Schema.Struct({ name: Schema.Literal(name), channel: Schema.String }).pipe(
    Schema.decodeTo(to, {
      decode: SchemaGetter.transform((wire) => ({ _tag: Protocol.eventTags[name], channel: wire.channel })),
      encode: SchemaGetter.transform((event) => ({ name, channel: event.channel }))
    })
  )

const member = <Name extends "member_added" | "member_removed">(
  name: Name,
  to: Schema.TaggedStruct<Tags[Name], { readonly channel: Schema.String; readonly userId: Schema.String }>
) =>
  Schema.Struct({ name: Schema.Literal(name), channel: Schema.String, user_id: UserIdFromWire }).pipe(
    Schema.decodeTo(to, {
      decode: SchemaGetter.transform((wire) => ({
        _tag: Protocol.eventTags[name],
        channel: wire.channel,
        userId: wire.user_id
      })),
      encode: SchemaGetter.transform((event) => ({ name, channel: event.channel, user_id: event.userId }))
    })
  )

// Keys are exact in Effect 4: a missing `data` is missing (not `undefined`), as the protocol's decoder says.
const ClientEventWire = Schema.Struct({
  name: Schema.Literal("client_event"),
  channel: Schema.String,
  event: Schema.String,
  data: Schema.Unknown,
  socket_id: Schema.String,
  user_id: Schema.optionalKey(UserIdFromWire)
})

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

const ClientEventFromWire = ClientEventWire.pipe(
  Schema.decodeTo(ClientEvent, {
    decode: SchemaGetter.transform((wire) => ({
      _tag: "ClientEvent" as const,
      channel: wire.channel,
      event: wire.event,
      data: wire.data,
      socketId: wire.socket_id,
      ...(wire.user_id !== undefined ? { userId: wire.user_id } : {})
    })),
    encode: SchemaGetter.transform(clientEventToWire)
  })
)

// Made by `verify` only; on the wire it is the client event it came from.
const UndecryptableFromWire = ClientEventWire.pipe(
  Schema.decodeTo(UndecryptableClientEvent, {
    decode: SchemaGetter.forbidden(() => "an UndecryptableClientEvent is made by Webhook.verify"),
    encode: SchemaGetter.transform(clientEventToWire)
  })
)

const SubscriptionCountFromWire = Schema.Struct({
  name: Schema.Literal("subscription_count"),
  channel: Schema.String,
  subscription_count: Schema.Natural
}).pipe(
  Schema.decodeTo(SubscriptionCount, {
    decode: SchemaGetter.transform((wire) => ({
      _tag: "SubscriptionCount" as const,
      channel: wire.channel,
      subscriptionCount: wire.subscription_count
    })),
    encode: SchemaGetter.transform((event) => ({
      name: "subscription_count" as const,
      channel: event.channel,
      subscription_count: event.subscriptionCount
    }))
  })
)

// Last in the union: any other event with a name, a known kind that did not match its schema included. The
// reason is the protocol's, so this path and the protocol's decoder agree.
const UnknownFromWire = Schema.StructWithRest(
  Schema.Struct({ name: Schema.String }),
  [Schema.Record(Schema.String, Schema.Unknown)]
).pipe(
  Schema.decodeTo(UnknownEvent, {
    decode: SchemaGetter.transform((raw) => {
      const reason = Protocol.malformation(raw)
      return reason === undefined
        ? { _tag: "Unknown" as const, name: raw.name, raw }
        : { _tag: "Unknown" as const, name: raw.name, raw, reason }
    }),
    encode: SchemaGetter.transform((event) => ({ ...event.raw, name: event.name }))
  })
)

/** @internal */
export const WebhookEvent = Schema.Union([
  channelOnly("channel_occupied", ChannelOccupied),
  channelOnly("channel_vacated", ChannelVacated),
  member("member_added", MemberAdded),
  member("member_removed", MemberRemoved),
  ClientEventFromWire,
  channelOnly("cache_miss", CacheMiss),
  SubscriptionCountFromWire,
  UndecryptableFromWire,
  UnknownFromWire
])

/** @internal */
export const WebhookPayload = Schema.Struct({
  timeMs: Schema.optionalKey(Schema.Number),
  events: Schema.Array(WebhookEvent)
}).pipe(Schema.encodeKeys({ timeMs: "time_ms" }))
