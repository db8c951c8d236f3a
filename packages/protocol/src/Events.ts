/**
 * Events as Channels receives them: the checks every event shares, and the wire bodies of `/events` (one
 * event on up to 100 channels), `/batch_events` (up to 10 events, one channel each) and a user's
 * `#server-to-user-` channel.
 *
 * @since 0.1.0
 */
import { err, fail, type Failure, ok, reject, type Result } from "./Failure.js"
import * as Json from "./Json.js"
import * as Limits from "./Limits.js"
import * as Names from "./Names.js"
import * as Query from "./Query.js"

/**
 * An event's own fields, checked and serialized: `data` is the string sent (sealed for an encrypted
 * channel), `info` the comma-joined attributes.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventFields {
  readonly name: string
  readonly data: string
  readonly socketId: string | undefined
  readonly info: string | undefined
}

/**
 * One event as it goes into a `batch_events` body.
 *
 * @since 0.1.0
 * @category models
 */
export interface WireEvent {
  readonly channel: string
  readonly name: string
  readonly data: string
  readonly socket_id?: string
  readonly info?: string
}

/**
 * The channels of a trigger, checked: `encrypted` is the channel whose key seals the data, when the one
 * channel named is a `private-encrypted-` channel.
 *
 * @since 0.1.0
 * @category models
 */
export interface TriggerChannels {
  readonly channels: ReadonlyArray<string>
  readonly encrypted: string | undefined
}

/** A name check's answer as the checked string (every name check refuses what is not a string). */
const checked = (
  check: (field: string, value: unknown) => Failure | undefined,
  field: string,
  value: unknown
): Result<string> => {
  const failure = check(field, value)
  if (failure !== undefined) return err(failure)
  return typeof value === "string" ? ok(value) : reject(field, "must be a string")
}

/**
 * The attributes a trigger can report per channel.
 *
 * @since 0.1.0
 * @category constants
 */
export const triggerInfo = ["subscription_count", "user_count"] as const

/**
 * The one table of keys a trigger's options accept; `socket_id` is pusher-http-node's spelling of
 * `socketId`.
 *
 * @since 0.1.0
 * @category constants
 */
export const triggerOptionKeys: Json.KeyTable = {
  accepted: ["socketId", "socket_id", "info"],
  replacements: { socketID: "socketId" }
}

/**
 * The one table of keys a batch event accepts; `socket_id` is pusher-http-node's spelling of `socketId`.
 *
 * @since 0.1.0
 * @category constants
 */
export const batchEventKeys: Json.KeyTable = {
  accepted: ["channel", "name", "data", "socketId", "socket_id", "info"],
  replacements: { socketID: "socketId", event: "name", channels: "channel (a batch event has one channel)" }
}

/**
 * The keys of an event that has no options (`sendToUser`).
 *
 * @since 0.1.0
 * @category constants
 */
export const noOptionKeys: Json.KeyTable = { accepted: [], replacements: {} }

/**
 * What the caller gave for an event's own fields, unchecked. `keys` are the own keys of the object that
 * carried `socketId` and `info` (trigger options, a batch event), checked against its table; `undefined`
 * when that was not an object.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventInput {
  readonly name: unknown
  readonly socketId: unknown
  /** pusher-http-node's spelling of `socketId`. */
  readonly socket_id: unknown
  readonly info: unknown
  readonly keys: ReadonlyArray<string> | undefined
}

/**
 * How a failure names each field of an event (`event`, `options.socketId`, `events[2].name`, ...);
 * `options` names the object that carries the options (`options`, `events[2]`).
 *
 * @since 0.1.0
 * @category models
 */
export interface EventFieldNames {
  readonly options: string
  readonly name: string
  readonly data: string
  readonly socketId: string
  readonly info: string
}

/**
 * An event's name, socket id and info, checked (data is serialized, and maybe sealed, by the caller).
 *
 * @since 0.1.0
 * @category models
 */
export interface CheckedEvent {
  readonly name: string
  readonly socketId: string | undefined
  readonly info: string | undefined
}

/** `socketId` or its official spelling `socket_id`: one of them, never both. */
const socketIdOf = (fields: EventFieldNames, input: EventInput): Result<unknown> => {
  if (input.socket_id === undefined) return ok(input.socketId)
  if (input.socketId !== undefined) {
    return reject(
      fields.socketId,
      `and ${fields.options}.socket_id are two spellings of one setting: give only one`
    )
  }
  return ok(input.socket_id)
}

/**
 * The checks every event shares, in this order: its keys against their table (no key is ignored; `keys`
 * `undefined` when the caller has already checked them), its name, its socket id (when given, as
 * `socketId` or `socket_id`), its `info` list.
 *
 * @since 0.1.0
 * @category checks
 */
export const checkEvent = (
  fields: EventFieldNames,
  input: EventInput,
  keys: Json.KeyTable | undefined
): Result<CheckedEvent> => {
  const unknownKey = keys === undefined ? undefined : Json.checkKeys(fields.options, input.keys, keys)
  if (unknownKey !== undefined) return err(unknownKey)
  const name = checked(Names.checkEventName, fields.name, input.name)
  if (!name.ok) return name
  const given = socketIdOf(fields, input)
  if (!given.ok) return given
  let socketId: string | undefined
  if (given.value !== undefined) {
    const field = input.socket_id === undefined ? fields.socketId : `${fields.options}.socket_id`
    const id = checkSocketId(field, given.value)
    if (!id.ok) return id
    socketId = id.value
  }
  const info = Query.checkInfo(fields.info, input.info, triggerInfo)
  if (!info.ok) return info
  return ok({ name: name.value, socketId, info: info.value?.joined })
}

/**
 * A user id, checked, for `sendToUser` and `terminateUserConnections`.
 *
 * @since 0.1.0
 * @category checks
 */
export const checkUserId = (field: string, userId: unknown): Result<string> => checked(Names.checkUserId, field, userId)

/**
 * A socket id, checked (see `Names.checkSocketId`).
 *
 * @since 0.1.0
 * @category checks
 */
export const checkSocketId = (field: string, socketId: unknown): Result<string> =>
  checked(Names.checkSocketId, field, socketId)

/**
 * A channel name, checked (see `Names.checkChannel`).
 *
 * @since 0.1.0
 * @category checks
 */
export const checkChannel = (field: string, channel: unknown): Result<string> =>
  checked(Names.checkChannel, field, channel)

/**
 * The channels of a trigger: one name (reported as `channel`) or an array of 1 to 100 names (reported as
 * `channels[i]`); a `private-encrypted-` channel must be the only one, since its data is sealed with its key.
 *
 * @since 0.1.0
 * @category checks
 */
export const checkTriggerChannels = (channels: unknown): Result<TriggerChannels> => {
  const single = typeof channels === "string"
  const list: unknown = single ? [channels] : channels
  if (!Array.isArray(list)) return err(fail("channels", "must be a channel name or an array of channel names"))
  if (list.length === 0) return err(fail("channels", "must name at least one channel"))
  if (list.length > Limits.maxChannelsPerTrigger) {
    return err(fail("channels", `must name at most ${Limits.maxChannelsPerTrigger} channels, got ${list.length}`))
  }
  const names: Array<string> = []
  let encrypted: string | undefined
  for (let i = 0; i < list.length; i++) {
    const name = checked(Names.checkChannel, single ? "channel" : `channels[${i}]`, list[i])
    if (!name.ok) return name
    if (Names.isEncrypted(name.value)) encrypted = name.value
    names.push(name.value)
  }
  if (encrypted !== undefined && names.length > 1) {
    return err(fail("channels", "a trigger to a private-encrypted- channel must name that one channel only"))
  }
  return ok({ channels: names, encrypted })
}

/**
 * The events of a batch: an array of 1 to `max` (the app's limit, 10 on the multi-tenant clusters).
 *
 * @since 0.1.0
 * @category checks
 */
export const checkBatchSize = (
  field: string,
  events: unknown,
  max: number = Limits.maxEventsPerBatch
): Failure | undefined => {
  if (!Array.isArray(events)) return fail(field, "must be an array of events")
  if (events.length === 0) return fail(field, "must contain at least one event")
  if (events.length > max) {
    return fail(field, `must contain at most ${max} events, got ${events.length}`)
  }
  return undefined
}

/**
 * The channel that reaches every connection of a signed-in user.
 *
 * @since 0.1.0
 * @category constructors
 */
export const userChannel = (userId: string): string => `${Limits.serverToUserPrefix}${userId}`

/**
 * The `/events` body, keys in pusher-http-node's order: name, data, channels, socket_id, info.
 *
 * @since 0.1.0
 * @category bodies
 */
export const triggerBody = (channels: ReadonlyArray<string>, event: EventFields): string =>
  JSON.stringify({
    name: event.name,
    data: event.data,
    channels,
    ...(event.socketId !== undefined ? { socket_id: event.socketId } : {}),
    ...(event.info !== undefined ? { info: event.info } : {})
  })

/**
 * One event of a `batch_events` body, keys in pusher-http-node's order: channel, name, data, socket_id, info.
 *
 * @since 0.1.0
 * @category bodies
 */
export const wireEvent = (channel: string, event: EventFields): WireEvent => ({
  channel,
  name: event.name,
  data: event.data,
  ...(event.socketId !== undefined ? { socket_id: event.socketId } : {}),
  ...(event.info !== undefined ? { info: event.info } : {})
})

/**
 * The `/batch_events` body.
 *
 * @since 0.1.0
 * @category bodies
 */
export const batchBody = (events: ReadonlyArray<WireEvent>): string => JSON.stringify({ batch: events })
