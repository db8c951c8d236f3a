/**
 * The webhook wire format (SPEC §4): the body `{"time_ms", "events"}`, the event names Channels sends and
 * their fields, and a decoder from the parsed body to plain event values. Event kinds not known here, and
 * events of a known kind whose fields do not match it, arrive as {@link UnknownEvent} instead of breaking
 * the receiver: a correctly signed webhook is never refused for the content of one event (Pusher would
 * retry it for minutes and then drop every event in it).
 *
 * @since 0.1.0
 */
import { err, fail, ok, type Result } from "./Failure.js"
import * as Json from "./Json.js"
import * as Names from "./Names.js"
import * as Users from "./Users.js"

/**
 * The event names Channels sends, with the tag each has once decoded. Any other name is an
 * {@link UnknownEvent}.
 *
 * @since 0.1.0
 * @category wire format
 */
export const eventTags = {
  channel_occupied: "ChannelOccupied",
  channel_vacated: "ChannelVacated",
  member_added: "MemberAdded",
  member_removed: "MemberRemoved",
  client_event: "ClientEvent",
  cache_miss: "CacheMiss",
  subscription_count: "SubscriptionCount"
} as const

/**
 * An event name Channels documents.
 *
 * @since 0.1.0
 * @category wire format
 */
export type EventName = keyof typeof eventTags

/**
 * Whether Channels documents this event name: an {@link UnknownEvent} of a known name has a `reason`.
 *
 * @since 0.1.0
 * @category wire format
 */
export const isKnownName = (name: string): name is EventName => Object.prototype.hasOwnProperty.call(eventTags, name)

/**
 * The first client subscribed to a channel (`channel_occupied`).
 *
 * @since 0.1.0
 * @category models
 */
export interface ChannelOccupied {
  readonly _tag: "ChannelOccupied"
  readonly channel: string
}

/**
 * The last client unsubscribed from a channel (`channel_vacated`).
 *
 * @since 0.1.0
 * @category models
 */
export interface ChannelVacated {
  readonly _tag: "ChannelVacated"
  readonly channel: string
}

/**
 * A user joined a presence channel (`member_added`).
 *
 * @since 0.1.0
 * @category models
 */
export interface MemberAdded {
  readonly _tag: "MemberAdded"
  readonly channel: string
  readonly userId: string
}

/**
 * A user left a presence channel (`member_removed`).
 *
 * @since 0.1.0
 * @category models
 */
export interface MemberRemoved {
  readonly _tag: "MemberRemoved"
  readonly channel: string
  readonly userId: string
}

/**
 * A client triggered an event (`client_event`); `data` as Channels forwards it, `userId` on presence
 * channels.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientEvent {
  readonly _tag: "ClientEvent"
  readonly channel: string
  readonly event: string
  readonly data: unknown
  readonly socketId: string
  readonly userId?: string
}

/**
 * Channels had no cached event for a new subscriber of a cache channel (`cache_miss`).
 *
 * @since 0.1.0
 * @category models
 */
export interface CacheMiss {
  readonly _tag: "CacheMiss"
  readonly channel: string
}

/**
 * The number of subscriptions of a channel changed (`subscription_count`).
 *
 * @since 0.1.0
 * @category models
 */
export interface SubscriptionCount {
  readonly _tag: "SubscriptionCount"
  readonly channel: string
  readonly subscriptionCount: number
}

/**
 * An event of a kind not known here, or of a known kind whose fields do not match it, kept whole in `raw`.
 *
 * @since 0.1.0
 * @category models
 */
export interface UnknownEvent {
  readonly _tag: "Unknown"
  readonly name: string
  readonly raw: { readonly [key: string]: unknown }
  /**
   * Set when `name` is a kind Channels documents but a field does not match it, saying which and why
   * (`user_id: must be a string or a safe integer`); absent for a kind not known here.
   */
  readonly reason?: string
}

/**
 * One decoded webhook event.
 *
 * @since 0.1.0
 * @category models
 */
export type Event =
  | ChannelOccupied
  | ChannelVacated
  | MemberAdded
  | MemberRemoved
  | ClientEvent
  | CacheMiss
  | SubscriptionCount
  | UnknownEvent

/**
 * A decoded webhook body (`{"time_ms", "events"}` on the wire). `timeMs` is absent when the body has no
 * `time_ms` (Channels always sends it; other senders may not).
 *
 * @since 0.1.0
 * @category models
 */
export interface Payload {
  readonly timeMs?: number
  readonly events: ReadonlyArray<Event>
}

// ---------------------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------------------

const isCount = (u: unknown): u is number => typeof u === "number" && Number.isSafeInteger(u) && u >= 0

// The hot path: one pass, no allocation but the event. `undefined` for an event of a known kind whose fields
// do not match: the caller asks `malformation` why and keeps it as an `UnknownEvent`.
const eventOf = (u: Readonly<Record<string, unknown>>, name: string): Event | undefined => {
  const channel = u.channel
  switch (name) {
    case "channel_occupied":
      return typeof channel === "string" ? { _tag: "ChannelOccupied", channel } : undefined
    case "channel_vacated":
      return typeof channel === "string" ? { _tag: "ChannelVacated", channel } : undefined
    case "cache_miss":
      return typeof channel === "string" ? { _tag: "CacheMiss", channel } : undefined
    case "member_added":
    case "member_removed": {
      const userId = Users.presenceUserIdText(u.user_id)
      if (typeof channel !== "string" || userId === undefined) return undefined
      return { _tag: name === "member_added" ? "MemberAdded" : "MemberRemoved", channel, userId }
    }
    case "client_event": {
      const { event, socket_id: socketId } = u
      const userId = u.user_id === undefined ? undefined : Users.presenceUserIdText(u.user_id)
      if (
        typeof channel !== "string" || typeof event !== "string" || typeof socketId !== "string" ||
        !("data" in u) || (userId === undefined && u.user_id !== undefined)
      ) return undefined
      return userId === undefined
        ? { _tag: "ClientEvent", channel, event, data: u.data, socketId }
        : { _tag: "ClientEvent", channel, event, data: u.data, socketId, userId }
    }
    case "subscription_count": {
      const count = u.subscription_count
      return typeof channel === "string" && isCount(count)
        ? { _tag: "SubscriptionCount", channel, subscriptionCount: count }
        : undefined
    }
    default:
      return isKnownName(name) ? undefined : { _tag: "Unknown", name, raw: { ...u } }
  }
}

type FieldRule = "string" | "user id" | "optional user id" | "present" | "count"

// The fields of each known event, for saying why one does not match (the slow path only).
const eventFields: { readonly [Name in EventName]: ReadonlyArray<readonly [string, FieldRule]> } = {
  channel_occupied: [["channel", "string"]],
  channel_vacated: [["channel", "string"]],
  cache_miss: [["channel", "string"]],
  member_added: [["channel", "string"], ["user_id", "user id"]],
  member_removed: [["channel", "string"], ["user_id", "user id"]],
  client_event: [
    ["channel", "string"],
    ["event", "string"],
    ["data", "present"],
    ["socket_id", "string"],
    ["user_id", "optional user id"]
  ],
  subscription_count: [["channel", "string"], ["subscription_count", "count"]]
}

const fieldBroken = (record: Readonly<Record<string, unknown>>, key: string, rule: FieldRule): string | undefined => {
  const value = record[key]
  switch (rule) {
    case "string":
      return typeof value === "string" ? undefined : "must be a string"
    case "user id":
      return Users.presenceUserIdText(value) !== undefined ? undefined : "must be a string or a safe integer"
    case "optional user id":
      return value === undefined || Users.presenceUserIdText(value) !== undefined
        ? undefined
        : "must be a string or a safe integer when given"
    case "present":
      return key in record ? undefined : "must be present"
    case "count":
      return isCount(value) ? undefined : "must be a non-negative integer"
  }
}

/**
 * Why an event of a known kind does not match its kind (`user_id: must be a string or a safe integer`), or
 * `undefined` when it does or its kind is not known here: the `reason` of its {@link UnknownEvent}.
 *
 * @since 0.1.0
 * @category decoding
 */
export const malformation = (event: Readonly<Record<string, unknown>>): string | undefined => {
  const name = event.name
  if (typeof name !== "string" || !isKnownName(name)) return undefined
  for (const [key, rule] of eventFields[name]) {
    const broken = fieldBroken(event, key, rule)
    if (broken !== undefined) return `${key}: ${broken}`
  }
  return undefined
}

const malformed = (u: Readonly<Record<string, unknown>>, name: string): UnknownEvent => {
  const reason = malformation(u)
  return reason === undefined
    ? { _tag: "Unknown", name, raw: { ...u } }
    : { _tag: "Unknown", name, raw: { ...u }, reason }
}

/**
 * Decodes a parsed webhook body into plain events. Only the envelope can fail, naming the field: the body
 * is an object, `time_ms` a number when given, `events` an array of objects that each have a string
 * `name`. An event of a kind not known here, or of a known kind whose fields do not match it, is kept as an
 * {@link UnknownEvent} (with a `reason` for the latter); a numeric presence `user_id` (a safe integer)
 * decodes as its decimal string.
 *
 * Hand-rolled rather than interpreted from a schema. Core's `WebhookPayload` Schema → this decoder:
 * 4,313 → 26 ns for the two-event body of `pnpm bench`, 40,975 → 309 ns for twenty events of every kind
 * (166× and 133×); with it, core's `Webhook.verify` takes 4.5 µs, 2.2× pusher@5.3.4 (`pnpm bench:webhook`,
 * Node 20, this project's machine; unchanged within noise by the move from core to this package). Keeping
 * malformed known events as `UnknownEvent`s and numeric user ids (issue 12): 64 → 64–79 ns (two events) and
 * 898 → 913 ns (twenty), unchanged within noise; `Webhook.verify` 2.10× → 2.04–2.40× pusher@5.3.4 on the
 * two-event body (`pnpm bench:webhook`, Node 20.20, a shared, loaded machine: medians of 7 rounds).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodePayload = (u: unknown): Result<Payload> => {
  if (!Json.isRecord(u)) return err(fail("body", "must be a JSON object"))
  const timeMs = u.time_ms
  if (timeMs !== undefined && typeof timeMs !== "number") return err(fail("time_ms", "must be a number when given"))
  const raw = u.events
  if (!Array.isArray(raw)) return err(fail("events", "must be an array"))
  const events: Array<Event> = new Array(raw.length)
  for (let i = 0; i < raw.length; i++) {
    const item: unknown = raw[i]
    if (!Json.isRecord(item)) return err(fail(`events[${i}]`, "must be an object"))
    const name = item.name
    if (typeof name !== "string") return err(fail(`events[${i}].name`, "must be a string"))
    events[i] = eventOf(item, name) ?? malformed(item, name)
  }
  return ok(timeMs === undefined ? { events } : { timeMs, events })
}

/**
 * A client event's data as a schema should see it: Channels forwards what the client sent, normally a JSON
 * string, which is parsed (a string that is not JSON stays as is); the decrypted data of a
 * `private-encrypted-` channel is a value already and is left alone.
 *
 * @since 0.1.0
 * @category decoding
 */
export const clientEventData = (channel: string, data: unknown): unknown => {
  if (typeof data !== "string" || Names.isEncrypted(channel)) return data
  const parsed = Json.parseOrUndefined(data)
  return parsed === undefined ? data : parsed
}

/**
 * The fields every decoded client event has, decryptable (`ClientEvent`) or not
 * (`UndecryptableClientEvent`).
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientEventLike {
  readonly _tag: "ClientEvent" | "UndecryptableClientEvent"
  readonly channel: string
  readonly event: string
  readonly data: unknown
}

/**
 * An untyped caller's client event, read once: a value that throws when read is no client event, nor is
 * one whose `_tag` is not a client event's or whose channel or name is not a string. Data that is not a
 * string (decrypted data) is copied as plain data (`structuredClone`), so that a schema decodes values that
 * cannot throw: a Proxy in it makes it no event. `E` is the caller's event type, which has these fields.
 *
 * @since 0.1.0
 * @category decoding
 */
export const readClientEvent = <E extends ClientEventLike>(event: unknown): E | undefined => {
  try {
    if (typeof event !== "object" || event === null) return undefined
    const tag: unknown = (event as { readonly _tag?: unknown })._tag
    if (tag !== "ClientEvent" && tag !== "UndecryptableClientEvent") return undefined
    const copy = { ...event } as E
    if (typeof copy.channel !== "string" || typeof copy.event !== "string") return undefined
    return typeof copy.data === "string" ? copy : { ...copy, data: structuredClone(copy.data) }
  } catch {
    return undefined
  }
}
