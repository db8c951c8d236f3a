/**
 * The events that flow through an emulated app: a server event published to its channel's sockets (or a
 * user's), a client event sent by a subscribed socket, and the webhooks of SPEC §6 (occupancy, presence,
 * subscription count, cache miss, client events) that state changes send. Like the state transitions,
 * these answer what to deliver and deliver nothing.
 *
 * @since 0.1.0
 */
import { type Change, socketsOfUser, type State, type Transition } from "./EmulatorState.js"
import { err, fail, type Failure, ok, reject, type Result } from "./Failure.js"
import * as Json from "./Json.js"
import * as Limits from "./Limits.js"
import * as Names from "./Names.js"

/**
 * An event as published on one channel, with the sockets it reaches.
 *
 * @since 0.1.0
 * @category models
 */
export interface Publication {
  readonly sequence: number
  readonly channel: string
  readonly name: string
  readonly data: string
  readonly excludedSocketId: string | undefined
  readonly recipients: ReadonlyArray<string>
  /** For a `#server-to-user-{id}` channel: the user. */
  readonly userId: string | undefined
}

/**
 * One event of a webhook body: `name`, `channel` and the fields of its kind.
 *
 * @since 0.1.0
 * @category models
 */
export type WebhookEvent = Readonly<Record<string, string | number>>

/**
 * The app settings that decide which changes are reported.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  /** `subscription_count` webhooks are an app setting, off by default. */
  readonly subscriptionCountWebhooks: boolean
}

/**
 * The webhook event of one change, or `undefined` when the app does not report it.
 *
 * @since 0.1.0
 * @category webhooks
 */
export const webhookEvent = (change: Change, settings: Settings): WebhookEvent | undefined => {
  switch (change._tag) {
    case "ChannelOccupied":
      return { name: "channel_occupied", channel: change.channel }
    case "ChannelVacated":
      return { name: "channel_vacated", channel: change.channel }
    case "MemberAdded":
      return { name: "member_added", channel: change.channel, user_id: change.userId }
    case "MemberRemoved":
      return { name: "member_removed", channel: change.channel, user_id: change.userId }
    case "SubscriptionCount":
      return settings.subscriptionCountWebhooks
        ? { name: "subscription_count", channel: change.channel, subscription_count: change.count }
        : undefined
    case "CacheMiss":
      return { name: "cache_miss", channel: change.channel }
    case "UserOnline":
    case "UserOffline":
      // Watchlist events reach the watchers' sockets only: Channels has no webhook for them.
      return undefined
    case "ClientEvent": {
      const event = {
        name: "client_event",
        channel: change.channel,
        event: change.event,
        data: change.data,
        socket_id: change.socketId
      }
      return change.userId === undefined ? event : { ...event, user_id: change.userId }
    }
  }
}

/**
 * The webhook events of a transition's changes, in order; one webhook request carries them all.
 *
 * @since 0.1.0
 * @category webhooks
 */
export const webhookEvents = (changes: ReadonlyArray<Change>, settings: Settings): ReadonlyArray<WebhookEvent> => {
  const events: Array<WebhookEvent> = []
  for (const change of changes) {
    const event = webhookEvent(change, settings)
    if (event !== undefined) events.push(event)
  }
  return events
}

/**
 * The body of a webhook request: `{"time_ms": ..., "events": [...]}`.
 *
 * @since 0.1.0
 * @category webhooks
 */
export const webhookBody = (timeMillis: number, events: ReadonlyArray<WebhookEvent>): string =>
  JSON.stringify({ time_ms: timeMillis, events })

/**
 * The headers of a webhook request (lowercase names), given the app key and the signature of the body.
 *
 * @since 0.1.0
 * @category webhooks
 */
export const webhookHeaders = (key: string, signature: string): Readonly<Record<string, string>> => ({
  "content-type": "application/json",
  "x-pusher-key": key,
  "x-pusher-signature": signature
})

/**
 * A client event sent by a socket: channel, event name, data and the sending socket.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientEventInput {
  readonly channel: string
  readonly event: string
  readonly data: unknown
  readonly socketId: string
}

const checkClientEvent = (event: ClientEventInput): Failure | undefined =>
  Names.checkChannel("channel", event.channel) ??
    (Names.isPrivateOrPresence(event.channel)
      ? undefined
      : fail("channel", "must be a private- or presence- channel: Channels drops client events elsewhere")) ??
    Names.checkEventName("event", event.event) ??
    (event.event.startsWith(Limits.clientEventPrefix)
      ? undefined
      : fail("event", `must start with ${Limits.clientEventPrefix}`)) ??
    Names.checkSocketId("socketId", event.socketId)

/**
 * A client event sent by a subscribed socket on a private or presence channel: it changes no state and is
 * reported as a `ClientEvent` change.
 *
 * @since 0.1.0
 * @category transitions
 */
export const clientEvent = (state: State, event: ClientEventInput): Result<Transition<void>> => {
  const failure = checkClientEvent(event)
  if (failure !== undefined) return err(failure)
  const member = state.channels.get(event.channel)?.sockets.get(event.socketId)
  if (member === undefined) return reject("socketId", `must be subscribed to ${event.channel}`)
  const data = Json.serializeData("data", event.data)
  if (!data.ok) return data
  // Channels' 10 KB limit on an event's data holds for client events too, from any client.
  const tooLarge = Json.checkPayloadSize("data", data.value, Limits.defaultMaxPayloadBytes)
  if (tooLarge !== undefined) return err(tooLarge)
  const { channel, event: name, socketId } = event
  const change: Change = {
    _tag: "ClientEvent",
    channel,
    event: name,
    data: data.value,
    socketId,
    userId: member.userId
  }
  return ok({ state, value: undefined, changes: [change] })
}

/**
 * An event to publish on one channel: its data as sent on the wire and the socket it excludes.
 *
 * @since 0.1.0
 * @category models
 */
export interface EventInput {
  readonly channel: string
  readonly name: string
  readonly data: string
  readonly socketId: string | undefined
}

/**
 * Publishes an accepted event on one channel: to its subscribers, or to a user's connections on
 * `#server-to-user-{id}`, less the excluded socket. A cache channel keeps it.
 *
 * @since 0.1.0
 * @category transitions
 */
export const publish = (state: State, event: EventInput, nowMillis: number): Transition<Publication> => {
  const { channel, data, socketId } = event
  const toUser = channel.startsWith(Limits.serverToUserPrefix)
  const userId = toUser ? channel.slice(Limits.serverToUserPrefix.length) : undefined
  const reached = userId === undefined
    ? Array.from(state.channels.get(channel)?.sockets.keys() ?? [])
    : socketsOfUser(state, userId)
  const recipients = socketId === undefined ? reached : reached.filter((id) => id !== socketId)
  const cache = !toUser && Names.isCache(channel)
    ? new Map(state.cache).set(channel, { name: event.name, data, atMillis: nowMillis })
    : state.cache
  const publication: Publication = {
    sequence: state.nextSequence,
    channel,
    name: event.name,
    data,
    excludedSocketId: socketId,
    recipients,
    userId
  }
  return { state: { ...state, cache, nextSequence: state.nextSequence + 1 }, value: publication, changes: [] }
}
