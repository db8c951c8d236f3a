/**
 * The Channels WebSocket protocol, version 7 (what pusher-js 8 speaks), as the emulator answers it: the
 * handshake path, the frames a client sends and the frames the server sends back, the protocol's error
 * codes and the client-event rate limit. Plain functions over {@link EmulatorState}: a frame and the state
 * in, the next state, the frames for the sender and the {@link EmulatorState.Change}s out;
 * {@link deliveries} turns published events and changes into the frames other sockets receive.
 *
 * Error codes (Pusher Channels protocol, https://pusher.com/docs/channels/library_auth_reference/pusher-websockets-protocol/):
 * 4000-4099 the client must not reconnect, 4100-4199 reconnect after a delay, 4200-4299 reconnect at
 * once, 4300-4399 other errors.
 *
 * @since 0.1.0
 */
import type * as EmulatorRest from "./EmulatorRest.js"
import * as EmulatorState from "./EmulatorState.js"
import { err, ok, type Result } from "./Failure.js"
import * as Json from "./Json.js"
import * as Limits from "./Limits.js"
import * as Names from "./Names.js"

/**
 * The close and error codes of the Channels WebSocket protocol that the emulator sends.
 *
 * @since 0.1.0
 * @category error codes
 */
export const ErrorCode = {
  /** Application does not exist (an unknown key in `/app/{key}`). */
  AppDoesNotExist: 4001,
  /** The path is not `/app/{key}`. */
  PathNotFound: 4005,
  /** The `protocol` parameter is not a number. */
  InvalidVersion: 4006,
  /** A protocol version the server does not speak. */
  UnsupportedVersion: 4007,
  /** No `protocol` parameter. */
  NoVersion: 4008,
  /** Connection is unauthorized: a refused sign-in, or closed by `terminate_connections`. */
  Unauthorized: 4009,
  /** The server cannot keep up with the socket: reconnect after a delay. */
  OverCapacity: 4100,
  /** Generic reconnect immediately. */
  Reconnect: 4200,
  /** No `pusher:pong` answered the server's `pusher:ping` in time. */
  PongNotReceived: 4201,
  /** Closed after inactivity. */
  Inactive: 4202,
  /** Client event rejected due to rate limit. */
  ClientEventRateLimit: 4301
} as const

/**
 * The protocol version the emulator speaks.
 *
 * @since 0.1.0
 * @category constants
 */
export const protocolVersion = 7

/**
 * Seconds of silence after which a client should send `pusher:ping` (announced in
 * `pusher:connection_established`; hosted Channels announces 120).
 *
 * @since 0.1.0
 * @category constants
 */
export const activityTimeoutSeconds = 120

/**
 * Seconds the server waits for `pusher:pong` after its own `pusher:ping` before closing with 4201.
 *
 * @since 0.1.0
 * @category constants
 */
export const pongTimeoutSeconds = 30

/**
 * Client events per second per connection: Channels documents "no more than 10 messages per second per
 * client"; more are rejected with 4301.
 *
 * @since 0.1.0
 * @category constants
 */
export const clientEventsPerSecond = 10

/**
 * The largest frame a client may send, in UTF-16 code units: the event data limit (10 KB) plus room for
 * a presence subscription's auth and channel data.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxFrameLength = 65_536

/**
 * The largest message, in bytes, a server should read: UTF-8 takes at most 3 bytes per UTF-16 code unit,
 * so a longer message cannot fit {@link maxFrameLength} and is refused before it is read whole.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxFrameBytes = maxFrameLength * 3

/**
 * A protocol error: sent as `pusher:error`, and, when the socket must close, its close code.
 *
 * @since 0.1.0
 * @category models
 */
export interface SocketError {
  readonly code: number | null
  readonly message: string
}

/**
 * One frame as JSON text: `{"event", "channel"?, "data"}`; `data` is a JSON string, as Channels sends it.
 *
 * @since 0.1.0
 * @category frames
 */
export const frame = (event: string, data: unknown, channel?: string): string =>
  JSON.stringify(channel === undefined ? { event, data: encodeData(data) } : { event, channel, data: encodeData(data) })

const encodeData = (data: unknown): string => (typeof data === "string" ? data : JSON.stringify(data))

/**
 * A `pusher:error` frame with its code and message.
 *
 * @since 0.1.0
 * @category frames
 */
export const errorFrame = (error: SocketError): string =>
  JSON.stringify({ event: "pusher:error", data: { code: error.code, message: error.message } })

/**
 * The `pusher:connection_established` frame: the socket id and the activity timeout.
 *
 * @since 0.1.0
 * @category frames
 */
export const connectionEstablished = (socketId: string, activityTimeout: number = activityTimeoutSeconds): string =>
  frame("pusher:connection_established", { socket_id: socketId, activity_timeout: activityTimeout })

/**
 * The `pusher:ping` frame the server sends after a quiet activity timeout.
 *
 * @since 0.1.0
 * @category frames
 */
export const ping: string = frame("pusher:ping", {})

/**
 * The handshake: `/app/{key}?protocol=7&client=...&version=...`. Answers the error to send before closing,
 * or `undefined` when the socket may connect.
 *
 * @since 0.1.0
 * @category handshake
 */
export const checkHandshake = (
  path: string,
  query: ReadonlyMap<string, string> | undefined,
  key: string
): SocketError | undefined => {
  const segments = path.split("/")
  if (segments.length !== 3 || segments[1] !== "app") {
    return { code: ErrorCode.PathNotFound, message: `Path not found: ${Limits.excerpt(path)}` }
  }
  if (segments[2] !== key) {
    return { code: ErrorCode.AppDoesNotExist, message: `App key ${Limits.excerpt(segments[2] ?? "")} does not exist` }
  }
  const version = query?.get("protocol")
  if (version === undefined) return { code: ErrorCode.NoVersion, message: "No protocol version supplied" }
  if (!/^\d{1,4}$/.test(version)) {
    return { code: ErrorCode.InvalidVersion, message: `Invalid version string format: ${Limits.excerpt(version)}` }
  }
  return Number(version) === protocolVersion
    ? undefined
    : { code: ErrorCode.UnsupportedVersion, message: `Unsupported protocol version ${version}` }
}

/**
 * A frame a client sent, parsed: `data` as sent (an object, or a string pusher-js encoded).
 *
 * @since 0.1.0
 * @category models
 */
export interface Incoming {
  readonly event: string
  readonly channel: string | undefined
  readonly data: unknown
}

/**
 * The error a client frame longer than `maxLength` characters gets, before anything in it is read.
 *
 * @since 0.1.0
 * @category errors
 */
export const frameTooLarge = (maxLength: number = maxFrameLength): SocketError => ({
  code: null,
  message: `Frame too large: at most ${maxLength} characters`
})

/**
 * Parses a client frame: at most {@link maxFrameLength}, JSON, an object with a string `event`; the error to
 * send back otherwise.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseFrame = (raw: string, maxLength: number = maxFrameLength): Result<Incoming, SocketError> => {
  if (raw.length > maxLength) return err(frameTooLarge(maxLength))
  const json = Json.parseOrUndefined(raw)
  if (!Json.isRecord(json) || typeof json.event !== "string") {
    return err({ code: null, message: "Invalid frame: expected a JSON object with a string event" })
  }
  const channel = typeof json.channel === "string" ? json.channel : undefined
  return ok({ event: json.event, channel, data: json.data })
}

/**
 * The client-event rate limit of one connection: a one-second window and the events sent in it.
 *
 * @since 0.1.0
 * @category rate limit
 */
export interface RateWindow {
  readonly startMillis: number
  readonly count: number
}

/**
 * A socket's client-event rate window before its first client event.
 *
 * @since 0.1.0
 * @category rate limit
 */
export const freshWindow: RateWindow = { startMillis: Number.NEGATIVE_INFINITY, count: 0 }

/**
 * Admits a client event (the next window) or refuses it (`undefined`): at most `perSecond` per window.
 *
 * @since 0.1.0
 * @category rate limit
 */
export const admit = (
  window: RateWindow,
  nowMillis: number,
  perSecond: number = clientEventsPerSecond
): RateWindow | undefined => {
  if (nowMillis - window.startMillis >= 1000) return { startMillis: nowMillis, count: 1 }
  return window.count < perSecond ? { startMillis: window.startMillis, count: window.count + 1 } : undefined
}

/**
 * What checking auth needs: the app key, the signer of its secret and a constant-time compare; the cache's
 * time to live and the watchlist limit.
 *
 * @since 0.1.0
 * @category models
 */
export type App = Pick<EmulatorRest.App, "key" | "sign" | "timingSafeEqual" | "cacheTtlSeconds"> & {
  /** User ids a sign-in's `watchlist` may hold; {@link Limits.maxWatchlistSize} when absent. */
  readonly maxWatchlistSize?: number | undefined
}

/**
 * The answer to one frame: the next state, the frames for the sender, the changes to report (and deliver
 * to other sockets), the next rate window, and the error to close the socket with, if any.
 *
 * @since 0.1.0
 * @category models
 */
export interface Reaction {
  readonly replies: ReadonlyArray<string>
  readonly rate: RateWindow
  readonly close: SocketError | undefined
}

/**
 * One frame to send, and the socket ids to send it to.
 *
 * @since 0.1.0
 * @category models
 */
export interface Delivery {
  readonly recipients: ReadonlyArray<string>
  readonly frame: string
}

const memberFrames = (
  state: EmulatorState.State,
  change: EmulatorState.Change,
  deliveries: Array<Delivery>
): void => {
  if (change._tag !== "MemberAdded" && change._tag !== "MemberRemoved") return
  const channel = state.channels.get(change.channel)
  if (channel === undefined) return
  const recipients: Array<string> = []
  let info: unknown
  for (const [socketId, member] of channel.sockets) {
    if (member.userId === change.userId) info = member.userInfo
    else recipients.push(socketId)
  }
  if (recipients.length === 0) return
  const data = change._tag === "MemberAdded"
    ? (info === undefined ? { user_id: change.userId } : { user_id: change.userId, user_info: info })
    : { user_id: change.userId }
  const event = change._tag === "MemberAdded" ? "pusher_internal:member_added" : "pusher_internal:member_removed"
  deliveries.push({ recipients, frame: frame(event, data, change.channel) })
}

/**
 * The `pusher_internal:watchlist_events` frame: `{"events": [{"name": "online" | "offline", "user_ids": [...]}]}`,
 * what pusher-js's `user.watchlist` emits each event of (with `name` and `user_ids`).
 *
 * @since 0.1.0
 * @category frames
 */
export const watchlistEvents = (name: "online" | "offline", userIds: ReadonlyArray<string>): string =>
  frame("pusher_internal:watchlist_events", { events: [{ name, user_ids: userIds }] })

/**
 * The frames other sockets receive after a transition, in order: published events to their recipients,
 * presence members added or removed to the channel's other members, client events to the channel's other
 * subscribers, a user online or offline to the connections watching that user. `state` is the state after
 * the transition.
 *
 * @since 0.1.0
 * @category delivery
 */
export const deliveries = (
  state: EmulatorState.State,
  published: ReadonlyArray<
    {
      readonly channel: string
      readonly name: string
      readonly data: string
      readonly recipients: ReadonlyArray<string>
    }
  >,
  changes: ReadonlyArray<EmulatorState.Change>
): ReadonlyArray<Delivery> => {
  const out: Array<Delivery> = []
  for (const event of published) {
    if (event.recipients.length > 0) {
      out.push({ recipients: event.recipients, frame: frame(event.name, event.data, event.channel) })
    }
  }
  for (const change of changes) {
    if (change._tag === "ClientEvent") {
      const sockets = state.channels.get(change.channel)?.sockets
      if (sockets === undefined) continue
      const recipients = Array.from(sockets.keys()).filter((id) => id !== change.socketId)
      const message = Names.isPresence(change.channel) && change.userId !== undefined
        ? JSON.stringify({ event: change.event, channel: change.channel, data: change.data, user_id: change.userId })
        : frame(change.event, change.data, change.channel)
      if (recipients.length > 0) out.push({ recipients, frame: message })
    } else if (change._tag === "UserOnline" || change._tag === "UserOffline") {
      const recipients = EmulatorState.watchersOf(state, change.userId)
      const name = change._tag === "UserOnline" ? "online" : "offline"
      if (recipients.length > 0) out.push({ recipients, frame: watchlistEvents(name, [change.userId]) })
    } else memberFrames(state, change, out)
  }
  return out
}
