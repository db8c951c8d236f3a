/**
 * Webhooks (SPEC §4): the headers a webhook must carry, its signature check (the HMAC and the
 * constant-time comparison passed in as plain functions), and its wire format, with a decoder from the
 * parsed body to plain event values.
 *
 * Compared with pusher-http-node, header names are case-insensitive, `Content-Type` is compared by media
 * type (`application/json; charset=utf-8` is accepted), a missing header is a failure rather than a throw,
 * and event kinds not known here arrive as {@link UnknownEvent} instead of breaking the receiver.
 *
 * @since 0.1.0
 */
import * as Encoding from "./Encoding.js"
import { err, fail, type Failure, ok, type Result } from "./Failure.js"
import * as Headers from "./Headers.js"
import * as Json from "./Json.js"
import type { Sign } from "./Signing.js"

// ---------------------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------------------

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
 * Whether Channels documents this event name: a known event with malformed fields is an error, not an
 * {@link UnknownEvent}.
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
 * An event of a kind not known here, kept whole in `raw`.
 *
 * @since 0.1.0
 * @category models
 */
export interface UnknownEvent {
  readonly _tag: "Unknown"
  readonly name: string
  readonly raw: { readonly [key: string]: unknown }
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
 * A decoded webhook body (`{"time_ms", "events"}` on the wire).
 *
 * @since 0.1.0
 * @category models
 */
export interface Payload {
  readonly timeMs: number
  readonly events: ReadonlyArray<Event>
}

// ---------------------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------------------

const isCount = (u: unknown): u is number => typeof u === "number" && Number.isSafeInteger(u) && u >= 0

// The hot path: one pass, no allocation but the event. `undefined` sends the caller to `whyNot`.
const eventOf = (u: unknown): Event | undefined => {
  if (!Json.isRecord(u)) return undefined
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
      return typeof channel === "string" && isCount(count)
        ? { _tag: "SubscriptionCount", channel, subscriptionCount: count }
        : undefined
    }
    default:
      return isKnownName(name) ? undefined : { _tag: "Unknown", name, raw: { ...u } }
  }
}

type FieldRule = "string" | "optional string" | "present" | "count"

// The fields of each known event, for explaining a rejection (the slow path only).
const eventFields: { readonly [Name in EventName]: ReadonlyArray<readonly [string, FieldRule]> } = {
  channel_occupied: [["channel", "string"]],
  channel_vacated: [["channel", "string"]],
  cache_miss: [["channel", "string"]],
  member_added: [["channel", "string"], ["user_id", "string"]],
  member_removed: [["channel", "string"], ["user_id", "string"]],
  client_event: [
    ["channel", "string"],
    ["event", "string"],
    ["data", "present"],
    ["socket_id", "string"],
    ["user_id", "optional string"]
  ],
  subscription_count: [["channel", "string"], ["subscription_count", "count"]]
}

const fieldBroken = (record: Readonly<Record<string, unknown>>, key: string, rule: FieldRule): string | undefined => {
  const value = record[key]
  switch (rule) {
    case "string":
      return typeof value === "string" ? undefined : "must be a string"
    case "optional string":
      return value === undefined || typeof value === "string" ? undefined : "must be a string when given"
    case "present":
      return key in record ? undefined : "must be present"
    case "count":
      return isCount(value) ? undefined : "must be a non-negative integer"
  }
}

const whyNot = (u: unknown, field: string): Failure => {
  if (!Json.isRecord(u)) return fail(field, "must be an object")
  const name = u.name
  if (typeof name !== "string") return fail(`${field}.name`, "must be a string")
  if (isKnownName(name)) {
    for (const [key, rule] of eventFields[name]) {
      const broken = fieldBroken(u, key, rule)
      if (broken !== undefined) return fail(`${field}.${key}`, broken)
    }
  }
  return fail(field, "is not a webhook event")
}

/**
 * Decodes a parsed webhook body into plain events. A known event with missing or malformed fields fails,
 * naming it (`events[0].user_id`); an event of an unknown kind is kept as an {@link UnknownEvent}.
 *
 * Hand-rolled rather than interpreted from a schema. Core's `WebhookPayload` Schema → this decoder:
 * 4,313 → 26 ns for the two-event body of `pnpm bench`, 40,975 → 309 ns for twenty events of every kind
 * (166× and 133×); with it, core's `Webhook.verify` takes 4.5 µs, 2.2× pusher@5.3.4 (`pnpm bench:webhook`,
 * Node 20, this project's machine; unchanged within noise by the move from core to this package).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodePayload = (u: unknown): Result<Payload> => {
  if (!Json.isRecord(u)) return err(fail("body", "must be a JSON object"))
  const timeMs = u.time_ms
  if (typeof timeMs !== "number") return err(fail("time_ms", "must be a number"))
  const raw = u.events
  if (!Array.isArray(raw)) return err(fail("events", "must be an array"))
  const events: Array<Event> = new Array(raw.length)
  for (let i = 0; i < raw.length; i++) {
    const event = eventOf(raw[i])
    if (event === undefined) return err(whyNot(raw[i], `events[${i}]`))
    events[i] = event
  }
  return ok({ timeMs, events })
}

// ---------------------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------------------

/**
 * Why a webhook request is not accepted.
 *
 * @since 0.1.0
 * @category models
 */
export type Reason = "MissingHeader" | "UnsupportedContentType" | "UnknownKey" | "SignatureMismatch" | "InvalidBody"

/**
 * A rejected webhook request: why, and a description that never contains a secret or a signature.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebhookFailure {
  readonly reason: Reason
  readonly description: string
}

const reject = (reason: Reason, description: string): WebhookFailure => ({ reason, description })

type HeaderValue = string | undefined | typeof Headers.repeated

/**
 * A webhook request as read once from the caller: the three headers that matter (absent, one value, or
 * {@link Headers.repeated}) and the body as given. `headers` is `undefined` when the request had none.
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestSnapshot {
  readonly headers: {
    readonly contentType: HeaderValue
    readonly key: HeaderValue
    readonly signature: HeaderValue
  } | undefined
  readonly body: unknown
}

/**
 * Reads what verification needs from a request, each header once. It reads the caller's objects, so it
 * throws when they do (a getter, a proxy): the caller decides what that means.
 *
 * @since 0.1.0
 * @category verification
 */
export const readRequest = (request: {
  readonly headers: Headers.Input
  readonly body: unknown
}): RequestSnapshot => {
  // Untyped callers can pass anything: no object, or no headers, means no headers.
  if (typeof request !== "object" || request === null) return { headers: undefined, body: undefined }
  const { headers, body } = request
  if (typeof headers !== "object" || headers === null) return { headers: undefined, body }
  return {
    headers: {
      contentType: Headers.single(headers, "content-type"),
      key: Headers.single(headers, "x-pusher-key"),
      signature: Headers.single(headers, "x-pusher-signature")
    },
    body
  }
}

/**
 * What checking a signature needs: the signers of every accepted key (an app may have several tokens for
 * one key) and a comparison whose time depends only on the lengths.
 *
 * @since 0.1.0
 * @category models
 */
export interface Verifier {
  readonly signers: ReadonlyMap<string, ReadonlyArray<Sign>>
  readonly timingSafeEqual: (a: string, b: string) => boolean
}

/**
 * Checks the request's headers and signature and answers the authenticated body as text: `Content-Type`
 * is JSON, `X-Pusher-Key` an accepted key, `X-Pusher-Signature` the HMAC of the body (a string, or bytes
 * that are UTF-8) with one of that key's secrets.
 *
 * @since 0.1.0
 * @category verification
 */
export const authenticate = (verifier: Verifier, request: RequestSnapshot): Result<string, WebhookFailure> => {
  const headers = request.headers
  if (headers === undefined) return err(reject("MissingHeader", "the request has no headers"))
  const { contentType, key, signature } = headers
  if (contentType === undefined) return err(reject("MissingHeader", "Content-Type is missing"))
  if (contentType === Headers.repeated || Headers.mediaType(contentType) !== "application/json") {
    return err(reject("UnsupportedContentType", "Content-Type must be application/json"))
  }
  if (key === undefined) return err(reject("MissingHeader", "X-Pusher-Key is missing"))
  if (key === Headers.repeated) return err(reject("UnknownKey", "X-Pusher-Key is given more than once"))
  if (signature === undefined) return err(reject("MissingHeader", "X-Pusher-Signature is missing"))
  if (signature === Headers.repeated) {
    return err(reject("SignatureMismatch", "X-Pusher-Signature is given more than once"))
  }
  const signers = verifier.signers.get(key)
  if (signers === undefined) {
    return err(reject("UnknownKey", `X-Pusher-Key ${JSON.stringify(key)} is not an accepted key`))
  }
  const body = bodyText(request.body)
  if (!body.ok) return body
  let valid = false
  for (const sign of signers) {
    // Every signer runs, so the time does not tell which token matched.
    if (verifier.timingSafeEqual(sign(body.value), signature)) valid = true
  }
  return valid ? body : err(reject("SignatureMismatch", "X-Pusher-Signature does not match the body"))
}

/**
 * The body as text: a string as is, bytes decoded as strict UTF-8.
 *
 * @since 0.1.0
 * @category verification
 */
export const bodyText = (body: unknown): Result<string, WebhookFailure> => {
  if (typeof body === "string") return ok(body)
  if (!(body instanceof Uint8Array)) return err(reject("InvalidBody", "the body must be a string or bytes"))
  const text = Encoding.utf8DecodeStrict(body)
  return text === undefined ? err(reject("InvalidBody", "the body is not UTF-8")) : ok(text)
}

/**
 * Parses an authenticated body as JSON.
 *
 * @since 0.1.0
 * @category verification
 */
export const parseBody = (body: string): Result<unknown, WebhookFailure> => {
  try {
    return ok(JSON.parse(body))
  } catch {
    return err(reject("InvalidBody", "the body is not JSON"))
  }
}
