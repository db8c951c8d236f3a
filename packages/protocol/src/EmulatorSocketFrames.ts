/**
 * What the emulator answers to each frame a client sends (Channels protocol version 7): ping, subscribe
 * and unsubscribe (auth and channel data verified with the protocol's {@link Signing.channelAuth}), signin
 * ({@link Signing.userAuth}) and client events. One frame and the state in, the next state, the frames for
 * the sender and the changes out; nothing is sent here.
 *
 * @since 0.1.0
 */
import * as EmulatorEvents from "./EmulatorEvents.js"
import * as EmulatorSocket from "./EmulatorSocket.js"
import * as EmulatorState from "./EmulatorState.js"
import * as Json from "./Json.js"
import * as Limits from "./Limits.js"
import * as Names from "./Names.js"
import * as Signing from "./Signing.js"
import * as Users from "./Users.js"

type Transition = EmulatorState.Transition<EmulatorSocket.Reaction>

const answer = (
  state: EmulatorState.State,
  rate: EmulatorSocket.RateWindow,
  replies: ReadonlyArray<string>,
  changes: ReadonlyArray<EmulatorState.Change> = [],
  close: EmulatorSocket.SocketError | undefined = undefined
): Transition => ({ state, value: { replies, rate, close }, changes })

const refuse = (
  state: EmulatorState.State,
  rate: EmulatorSocket.RateWindow,
  message: string,
  code: number | null = null
): Transition => answer(state, rate, [EmulatorSocket.errorFrame({ code, message })])

const subscriptionError = (channel: string, error: string, status: number): string =>
  JSON.stringify({ event: "pusher:subscription_error", channel, data: { type: "AuthError", error, status } })

const authorized = (app: EmulatorSocket.App, auth: unknown, expected: string): boolean =>
  typeof auth === "string" && auth.length === expected.length && app.timingSafeEqual(auth, expected)

/** A presence subscription's `channel_data`: `{"user_id": string | number, "user_info"?: unknown}`. */
const parseMember = (channelData: unknown): { readonly id: string; readonly info?: unknown } | string => {
  if (typeof channelData !== "string") return "channel_data must be a JSON string"
  const parsed = Json.parseOrUndefined(channelData)
  if (!Json.isRecord(parsed)) return "channel_data must be a JSON object"
  // The rules `authorizeChannel` signs by: what the SDK authorizes, the emulator accepts.
  const failure = Users.checkPresenceUserId("user_id", parsed.user_id) ??
    Users.checkPresenceDataSize("channel_data", channelData)
  const id = Users.presenceUserIdText(parsed.user_id)
  if (failure !== undefined || id === undefined) {
    return `Invalid ${failure?.field ?? "user_id"}: ${failure?.rule ?? ""}`
  }
  return parsed.user_info === undefined ? { id } : { id, info: parsed.user_info }
}

const presenceData = (state: EmulatorState.State, channel: string) => {
  const current = state.channels.get(channel)
  const hash: Record<string, unknown> = {}
  for (const member of current?.sockets.values() ?? []) {
    if (member.userId !== undefined) hash[member.userId] = member.userInfo ?? null
  }
  const ids = Array.from(current?.users.keys() ?? [])
  return { presence: { ids, hash, count: ids.length } }
}

const subscribeToUser = (
  state: EmulatorState.State,
  rate: EmulatorSocket.RateWindow,
  socketId: string,
  channel: string
): Transition =>
  state.connections.get(socketId)?.userId === channel.slice(Limits.serverToUserPrefix.length)
    ? answer(state, rate, [EmulatorSocket.frame("pusher_internal:subscription_succeeded", {}, channel)])
    : answer(state, rate, [subscriptionError(channel, "Sign in as this user first", 403)])

const subscribe = (
  state: EmulatorState.State,
  app: EmulatorSocket.App,
  socketId: string,
  data: Record<string, unknown>,
  nowMillis: number,
  rate: EmulatorSocket.RateWindow
): Transition => {
  const channel = data.channel
  if (typeof channel !== "string") return refuse(state, rate, "pusher:subscribe needs a channel")
  if (channel.startsWith(Limits.serverToUserPrefix)) return subscribeToUser(state, rate, socketId, channel)
  const invalid = Names.checkChannel("channel", channel)
  if (invalid !== undefined) return refuse(state, rate, `Invalid channel: ${invalid.rule}`)
  let user: { readonly id: string; readonly info?: unknown } | undefined
  if (Names.isPrivateOrPresence(channel)) {
    const presence = Names.isPresence(channel)
    const channelData = presence && typeof data.channel_data === "string" ? data.channel_data : undefined
    const expected = Signing.channelAuth(app.key, app.sign, socketId, channel, channelData)
    if (!authorized(app, data.auth, expected)) {
      const error = `Invalid signature: expected the HMAC-SHA256 of ${socketId}:${channel}${
        presence ? ":<channel_data>" : ""
      }`
      return answer(state, rate, [subscriptionError(channel, error, 401)])
    }
    if (presence) {
      const member = parseMember(data.channel_data)
      if (typeof member === "string") return answer(state, rate, [subscriptionError(channel, member, 400)])
      user = member
    }
  }
  const result = EmulatorState.subscribe(state, channel, { socketId, user }, nowMillis, app.cacheTtlSeconds)
  if (!result.ok) return refuse(state, rate, `Invalid ${result.error.field}: ${result.error.rule}`)
  const next = result.value.state
  const succeeded = EmulatorSocket.frame(
    "pusher_internal:subscription_succeeded",
    Names.isPresence(channel) ? presenceData(next, channel) : {},
    channel
  )
  const replies = [succeeded]
  if (Names.isCache(channel)) {
    const cached = EmulatorState.cachedEvent(next, channel, nowMillis, app.cacheTtlSeconds)
    replies.push(
      cached === undefined
        ? EmulatorSocket.frame("pusher:cache_miss", {}, channel)
        : EmulatorSocket.frame(cached.name ?? "", cached.data, channel)
    )
  }
  return answer(next, rate, replies, result.value.changes)
}

const signin = (
  state: EmulatorState.State,
  app: EmulatorSocket.App,
  socketId: string,
  data: Record<string, unknown>,
  rate: EmulatorSocket.RateWindow
): Transition => {
  const userData = data.user_data
  const unauthorized = (message: string) =>
    answer(state, rate, [], [], { code: EmulatorSocket.ErrorCode.Unauthorized, message })
  if (typeof userData !== "string") return unauthorized("pusher:signin needs user_data")
  if (!authorized(app, data.auth, Signing.userAuth(app.key, app.sign, socketId, userData))) {
    return unauthorized("Invalid signature: the sign-in is not signed with the app secret")
  }
  const user = Json.parseOrUndefined(userData)
  if (!Json.isRecord(user) || typeof user.id !== "string") {
    return unauthorized("user_data must be a JSON object with a string id")
  }
  const watchlist: unknown = user.watchlist
  if (watchlist !== undefined && !Array.isArray(watchlist)) {
    return unauthorized("Invalid user_data.watchlist: must be an array of user ids")
  }
  const result = EmulatorState.signIn(state, socketId, user.id, watchlist, app.maxWatchlistSize)
  if (!result.ok) return unauthorized(`Invalid ${result.error.field}: ${result.error.rule}`)
  const next = result.value.state
  const replies = [EmulatorSocket.frame("pusher:signin_success", { user_data: userData })]
  // The watched users already online, told at once; those who come or go later arrive as deliveries.
  const watched = next.connections.get(socketId)?.watchlist
  const online = watched === undefined ? [] : EmulatorState.onlineOf(next, watched)
  if (online.length > 0) replies.push(EmulatorSocket.watchlistEvents("online", online))
  return answer(next, rate, replies, result.value.changes)
}

const clientEvent = (
  state: EmulatorState.State,
  socketId: string,
  incoming: EmulatorSocket.Incoming,
  nowMillis: number,
  rate: EmulatorSocket.RateWindow
): Transition => {
  const admitted = EmulatorSocket.admit(rate, nowMillis)
  if (admitted === undefined) {
    return refuse(state, rate, "Client event rejected due to rate limit", EmulatorSocket.ErrorCode.ClientEventRateLimit)
  }
  const channel = incoming.channel ?? ""
  const result = EmulatorEvents.clientEvent(state, { channel, event: incoming.event, data: incoming.data, socketId })
  return result.ok
    ? answer(state, admitted, [], result.value.changes)
    : refuse(state, admitted, `Invalid ${result.error.field}: ${result.error.rule}`)
}

/** pusher-js sends `data` as an object; other clients may send it JSON-encoded. */
const dataRecord = (data: unknown): Record<string, unknown> | undefined => {
  const value = typeof data === "string" ? Json.parseOrUndefined(data) : data
  return Json.isRecord(value) ? value : undefined
}

/**
 * Answers one frame from a connected socket.
 *
 * @since 0.1.0
 * @category transitions
 */
export const receive = (
  state: EmulatorState.State,
  app: EmulatorSocket.App,
  socketId: string,
  raw: string,
  nowMillis: number,
  rate: EmulatorSocket.RateWindow
): Transition => {
  const parsed = EmulatorSocket.parseFrame(raw)
  if (!parsed.ok) return answer(state, rate, [EmulatorSocket.errorFrame(parsed.error)])
  const incoming = parsed.value
  if (incoming.event.startsWith(Limits.clientEventPrefix)) {
    return clientEvent(state, socketId, incoming, nowMillis, rate)
  }
  switch (incoming.event) {
    case "pusher:ping":
      return answer(state, rate, [EmulatorSocket.frame("pusher:pong", {})])
    case "pusher:pong":
      return answer(state, rate, [])
    case "pusher:subscribe":
    case "pusher:unsubscribe":
    case "pusher:signin": {
      const data = dataRecord(incoming.data)
      if (data === undefined) return refuse(state, rate, `${incoming.event} needs a data object`)
      if (incoming.event === "pusher:signin") return signin(state, app, socketId, data, rate)
      if (incoming.event === "pusher:subscribe") return subscribe(state, app, socketId, data, nowMillis, rate)
      if (typeof data.channel !== "string") return refuse(state, rate, "pusher:unsubscribe needs a channel")
      const left = EmulatorState.unsubscribe(state, data.channel, socketId)
      return answer(left.state, rate, [], left.changes)
    }
    default:
      return refuse(state, rate, `Unknown event ${Limits.excerpt(incoming.event)}`)
  }
}
