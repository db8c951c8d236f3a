/**
 * The state of an emulated Channels app: connections identified by socket id, channels with their
 * subscribers and presence members, and the last event of each cache channel. Plain immutable data; a
 * transition returns the next state, its answer and the {@link Change}s it made, and delivers nothing
 * itself, so simulated clients, HTTP requests and (later) real sockets drive the same rules.
 *
 * A transition copies the maps it changes, so a subscription costs O(connections + the channel's
 * subscribers): 1,000 sockets subscribing to one channel take 0.3 s in all, 5,000 take 9 s (Node 20,
 * measured on `subscribe` alone). Fine for a test kit; many real sockets would want persistent maps.
 *
 * @since 0.1.0
 */
import { err, fail, type Failure, ok, reject, type Result } from "./Failure.js"
import * as Limits from "./Limits.js"
import * as Names from "./Names.js"
import * as Users from "./Users.js"

/**
 * One socket's subscription to a channel: on a presence channel, the member it joined as.
 *
 * @since 0.1.0
 * @category models
 */
export interface Member {
  readonly userId: string | undefined
  readonly userInfo?: unknown
}

/**
 * One channel of the emulated app: its subscribed sockets and presence members.
 *
 * @since 0.1.0
 * @category models
 */
export interface Channel {
  /** Subscribed sockets, in order of subscription. */
  readonly sockets: ReadonlyMap<string, Member>
  /** Presence members: user id to the number of its sockets in the channel, in order of joining. */
  readonly users: ReadonlyMap<string, number>
}

/**
 * One simulated connection: its signed-in user and the channels it is subscribed to.
 *
 * @since 0.1.0
 * @category models
 */
export interface Connection {
  /** The signed-in user, who receives `#server-to-user-` events. */
  readonly userId: string | undefined
  readonly channels: ReadonlySet<string>
  /** The users whose `online` and `offline` this connection is told (the signed-in user's `watchlist`). */
  readonly watchlist?: ReadonlyArray<string> | undefined
}

/**
 * The last event of a cache channel and when it was published.
 *
 * @since 0.1.0
 * @category models
 */
export interface CachedEvent {
  /** The event's name, sent again to a socket that subscribes later. */
  readonly name?: string | undefined
  readonly data: string
  readonly atMillis: number
}

/**
 * The whole state of an emulated app: connections, channels and cached events.
 *
 * @since 0.1.0
 * @category models
 */
export interface State {
  readonly connections: ReadonlyMap<string, Connection>
  readonly channels: ReadonlyMap<string, Channel>
  readonly cache: ReadonlyMap<string, CachedEvent>
  /** Counters that survive {@link reset}: socket ids and event sequence numbers are never reused. */
  readonly nextSocket: number
  readonly nextSequence: number
}

/**
 * What a transition changed, in the order Channels reports it.
 *
 * @since 0.1.0
 * @category models
 */
export type Change =
  | { readonly _tag: "ChannelOccupied"; readonly channel: string }
  | { readonly _tag: "ChannelVacated"; readonly channel: string }
  | { readonly _tag: "MemberAdded"; readonly channel: string; readonly userId: string }
  | { readonly _tag: "MemberRemoved"; readonly channel: string; readonly userId: string }
  | { readonly _tag: "SubscriptionCount"; readonly channel: string; readonly count: number }
  | { readonly _tag: "CacheMiss"; readonly channel: string }
  /** A user's first connection signed in (watchlist `online`). */
  | { readonly _tag: "UserOnline"; readonly userId: string }
  /** A user's last signed-in connection closed (watchlist `offline`). */
  | { readonly _tag: "UserOffline"; readonly userId: string }
  | {
    readonly _tag: "ClientEvent"
    readonly channel: string
    readonly event: string
    readonly data: string
    readonly socketId: string
    readonly userId: string | undefined
  }

/**
 * The next state, the transition's answer and what changed.
 *
 * @since 0.1.0
 * @category models
 */
export interface Transition<A> {
  readonly state: State
  readonly value: A
  readonly changes: ReadonlyArray<Change>
}

/**
 * An app with no connections, channels or cached events.
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty: State = {
  connections: new Map(),
  channels: new Map(),
  cache: new Map(),
  nextSocket: 1,
  nextSequence: 0
}

/**
 * Forgets connections, channels and the cache, keeping the counters.
 *
 * @since 0.1.0
 * @category transitions
 */
export const reset = (state: State): State => ({
  ...empty,
  nextSocket: state.nextSocket,
  nextSequence: state.nextSequence
})

const setEntry = <K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> => new Map(map).set(key, value)

const deleteEntry = <K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> => {
  const copy = new Map(map)
  copy.delete(key)
  return copy
}

const settled = <A>(state: State, value: A, changes: ReadonlyArray<Change> = []): Transition<A> => ({
  state,
  value,
  changes
})

/**
 * The sockets of a signed-in user, in order of connection.
 *
 * @since 0.1.0
 * @category queries
 */
export const socketsOfUser = (state: State, userId: string): ReadonlyArray<string> => {
  const sockets: Array<string> = []
  for (const [id, connection] of state.connections) if (connection.userId === userId) sockets.push(id)
  return sockets
}

/**
 * A cache channel's last event, unless older than the cache's time to live.
 *
 * @since 0.1.0
 * @category queries
 */
export const cachedEvent = (
  state: State,
  channel: string,
  nowMillis: number,
  ttlSeconds: number
): CachedEvent | undefined => {
  const cached = state.cache.get(channel)
  return cached === undefined || nowMillis - cached.atMillis >= ttlSeconds * 1000 ? undefined : cached
}

const freshSocketId = (state: State): readonly [string, number] => {
  for (let n = state.nextSocket;; n++) {
    const id = `${100000 + n}.${(n * 7919) % 1000000}`
    if (!state.connections.has(id)) return [id, n + 1]
  }
}

/**
 * Opens a connection (a fresh socket id by default); connecting an open socket again is a no-op, unless it
 * names another user.
 *
 * @since 0.1.0
 * @category transitions
 */
export const connect = (
  state: State,
  socketId: string | undefined,
  userId: string | undefined
): Result<Transition<string>> => {
  const failure: Failure | undefined = (socketId === undefined ? undefined : Names.checkSocketId("socketId", socketId))
    ?? (userId === undefined ? undefined : Names.checkUserId("userId", userId))
  if (failure !== undefined) return err(failure)
  // A connection opened as a user is signed in: its user's first connection brings the user online.
  const online = (): ReadonlyArray<Change> =>
    userId === undefined || isOnline(state, userId) ? [] : [{ _tag: "UserOnline", userId }]
  if (socketId === undefined) {
    const [id, nextSocket] = freshSocketId(state)
    const connections = setEntry(state.connections, id, { userId, channels: new Set<string>() })
    return ok(settled({ ...state, connections, nextSocket }, id, online()))
  }
  const existing = state.connections.get(socketId)
  if (existing === undefined) {
    const connections = setEntry(state.connections, socketId, { userId, channels: new Set<string>() })
    return ok(settled({ ...state, connections }, socketId, online()))
  }
  if (userId !== undefined && existing.userId !== userId) {
    return reject("socketId", `is already connected${existing.userId === undefined ? "" : ` as ${existing.userId}`}`)
  }
  return ok(settled(state, socketId))
}

const readWatchlist = (watchlist: ReadonlyArray<unknown>, maxSize: number): Result<ReadonlyArray<string>> => {
  if (watchlist.length > maxSize) {
    return reject("watchlist", `must hold at most ${maxSize} user ids, got ${watchlist.length}`)
  }
  const ids: Array<string> = []
  for (let i = 0; i < watchlist.length; i++) {
    const id = watchlist[i]
    const failure = Names.checkUserId(`watchlist[${i}]`, id)
    if (failure !== undefined) return err(failure)
    if (typeof id === "string") ids.push(id)
  }
  return ok(ids)
}

/**
 * Whether a user has a signed-in connection.
 *
 * @since 0.1.0
 * @category queries
 */
export const isOnline = (state: State, userId: string): boolean => {
  for (const connection of state.connections.values()) if (connection.userId === userId) return true
  return false
}

/**
 * The users of a watchlist that have a signed-in connection, in the watchlist's order.
 *
 * @since 0.1.0
 * @category queries
 */
export const onlineOf = (state: State, watchlist: ReadonlyArray<string>): ReadonlyArray<string> => {
  if (watchlist.length === 0) return []
  const online = new Set<string>()
  for (const connection of state.connections.values()) {
    if (connection.userId !== undefined) online.add(connection.userId)
  }
  return watchlist.filter((userId) => online.has(userId))
}

/**
 * The connections whose watchlist holds a user: who is told when that user comes online or goes offline.
 *
 * @since 0.1.0
 * @category queries
 */
export const watchersOf = (state: State, userId: string): ReadonlyArray<string> => {
  const watchers: Array<string> = []
  for (const [id, connection] of state.connections) {
    if (connection.watchlist !== undefined && connection.watchlist.includes(userId)) watchers.push(id)
  }
  return watchers
}

/**
 * Signs a connection in as a user (pusher-js `signin`): from then on it receives the user's
 * `#server-to-user-` events and `terminate` closes it. Signing in again as another user is refused. A
 * `watchlist` (user ids, at most `maxWatchlistSize`, default {@link Limits.maxWatchlistSize}) is kept
 * for the watchlist events. The user's first signed-in connection reports `UserOnline`.
 *
 * @since 0.1.0
 * @category transitions
 */
export const signIn = (
  state: State,
  socketId: string,
  userId: string,
  watchlist?: ReadonlyArray<unknown> | undefined,
  maxWatchlistSize: number = Limits.maxWatchlistSize
): Result<Transition<void>> => {
  const failure = Names.checkUserId("user id", userId)
  if (failure !== undefined) return err(failure)
  const watched = watchlist === undefined ? undefined : readWatchlist(watchlist, maxWatchlistSize)
  if (watched !== undefined && !watched.ok) return watched
  const connection = state.connections.get(socketId)
  if (connection === undefined) return reject("socketId", "is not connected")
  if (connection.userId !== undefined && connection.userId !== userId) {
    return reject("socketId", `is already signed in as ${connection.userId}`)
  }
  const changes: ReadonlyArray<Change> = connection.userId === undefined && !isOnline(state, userId)
    ? [{ _tag: "UserOnline", userId }]
    : []
  const signedIn: Connection = watched === undefined
    ? { ...connection, userId }
    : { ...connection, userId, watchlist: watched.value }
  return ok(settled({ ...state, connections: setEntry(state.connections, socketId, signedIn) }, undefined, changes))
}

/**
 * The options of `subscribe`: the subscribing socket and, on a presence channel, the member.
 *
 * @since 0.1.0
 * @category models
 */
export interface SubscribeOptions {
  readonly socketId?: string | undefined
  readonly user?: { readonly id: string; readonly info?: unknown } | undefined
}

const checkMember = (channel: string, user: SubscribeOptions["user"]): Failure | undefined => {
  if (!Names.isPresence(channel)) {
    return user === undefined ? undefined : fail("options.user", "is only for presence- channels")
  }
  return user === undefined
    ? fail("options.user", "is required on a presence- channel ({ id, info? })")
    : Users.checkPresenceUserId("options.user.id", user.id)
}

/**
 * Subscribes a socket (connected on first use, a fresh one by default) and answers its id.
 *
 * @since 0.1.0
 * @category transitions
 */
export const subscribe = (
  state: State,
  channel: string,
  options: SubscribeOptions | undefined,
  nowMillis: number,
  cacheTtlSeconds: number
): Result<Transition<string>> => {
  const failure = Names.checkChannel("channel", channel) ?? checkMember(channel, options?.user)
  if (failure !== undefined) return err(failure)
  const opened = connect(state, options?.socketId, undefined)
  if (!opened.ok) return opened
  const { state: next, value: socketId } = opened.value
  const connection = next.connections.get(socketId)
  if (connection === undefined || connection.channels.has(channel)) return opened
  const changes: Array<Change> = []
  const current = next.channels.get(channel) ?? { sockets: new Map(), users: new Map() }
  if (current.sockets.size === 0) changes.push({ _tag: "ChannelOccupied", channel })
  const user = options?.user
  const sockets = setEntry(current.sockets, socketId, { userId: user?.id, userInfo: user?.info })
  let users = current.users
  if (user !== undefined) {
    const count = users.get(user.id) ?? 0
    users = setEntry(users, user.id, count + 1)
    if (count === 0) changes.push({ _tag: "MemberAdded", channel, userId: user.id })
  }
  changes.push({ _tag: "SubscriptionCount", channel, count: sockets.size })
  if (Names.isCache(channel) && cachedEvent(next, channel, nowMillis, cacheTtlSeconds) === undefined) {
    changes.push({ _tag: "CacheMiss", channel })
  }
  const channels = new Set(connection.channels).add(channel)
  return ok(settled(
    {
      ...next,
      connections: setEntry(next.connections, socketId, { ...connection, channels }),
      channels: setEntry(next.channels, channel, { sockets, users })
    },
    socketId,
    changes
  ))
}

const leave = (state: State, channel: string, socketId: string, changes: Array<Change>): State => {
  const connection = state.connections.get(socketId)
  const current = state.channels.get(channel)
  if (connection === undefined || current === undefined || !connection.channels.has(channel)) return state
  const member = current.sockets.get(socketId)
  const sockets = deleteEntry(current.sockets, socketId)
  let users = current.users
  if (member?.userId !== undefined) {
    const count = users.get(member.userId) ?? 1
    if (count <= 1) {
      users = deleteEntry(users, member.userId)
      changes.push({ _tag: "MemberRemoved", channel, userId: member.userId })
    } else users = setEntry(users, member.userId, count - 1)
  }
  changes.push({ _tag: "SubscriptionCount", channel, count: sockets.size })
  let channels: ReadonlyMap<string, Channel>
  if (sockets.size === 0) {
    channels = deleteEntry(state.channels, channel)
    changes.push({ _tag: "ChannelVacated", channel })
  } else channels = setEntry(state.channels, channel, { sockets, users })
  const left = new Set(connection.channels)
  left.delete(channel)
  return { ...state, channels, connections: setEntry(state.connections, socketId, { ...connection, channels: left }) }
}

const close = (state: State, socketId: string, changes: Array<Change>): State => {
  const connection = state.connections.get(socketId)
  if (connection === undefined) return state
  let next = state
  for (const channel of connection.channels) next = leave(next, channel, socketId, changes)
  next = { ...next, connections: deleteEntry(next.connections, socketId) }
  const userId = connection.userId
  if (userId !== undefined && !isOnline(next, userId)) changes.push({ _tag: "UserOffline", userId })
  return next
}

/**
 * A socket leaves a channel; nothing happens when it was not in it.
 *
 * @since 0.1.0
 * @category transitions
 */
export const unsubscribe = (state: State, channel: string, socketId: string): Transition<void> => {
  const changes: Array<Change> = []
  return settled(leave(state, channel, socketId, changes), undefined, changes)
}

/**
 * Closes a connection: it leaves every channel it was in.
 *
 * @since 0.1.0
 * @category transitions
 */
export const disconnect = (state: State, socketId: string): Transition<void> => {
  const changes: Array<Change> = []
  return settled(close(state, socketId, changes), undefined, changes)
}

/**
 * Closes every connection of a user and answers their socket ids.
 *
 * @since 0.1.0
 * @category transitions
 */
export const terminate = (state: State, userId: string): Result<Transition<ReadonlyArray<string>>> => {
  const failure = Names.checkUserId("user id", userId)
  if (failure !== undefined) return err(failure)
  const socketIds = socketsOfUser(state, userId)
  const changes: Array<Change> = []
  let next = state
  for (const id of socketIds) next = close(next, id, changes)
  return ok(settled(next, socketIds, changes))
}
