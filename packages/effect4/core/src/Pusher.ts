/**
 * Every Pusher Channels server operation, as an `Effect`.
 *
 * Operations that call the HTTP API require `PusherConfig` and `HttpClient`; authorization and
 * authentication are pure signing and require `PusherConfig` only. Inputs are checked against the
 * Channels rules before any I/O (failing with `ValidationError`), callers' values are never mutated, and
 * answers are decoded with Schema.
 *
 * Each operation reads what it is given once, into a snapshot, and checks and sends that snapshot.
 *
 * @since 1.0.0
 */
import type * as Events from "@effect-pusher/protocol/Events"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Schema from "effect/Schema"
import * as Authorization from "./internal/authorization.js"
import * as Client from "./internal/client.js"
import * as Event from "./internal/event.js"
import * as Query from "./internal/query.js"
import * as Results from "./internal/results.js"
import type * as PusherConfig from "./PusherConfig.js"
import type { EncryptionError, PusherError, ValidationError } from "./PusherError.js"

// ---------------------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------------------

/**
 * The attributes of one channel that Channels reports when asked with `info`.
 *
 * @since 1.0.0
 * @category schemas
 */
export const ChannelAttributes: typeof Results.ChannelAttributes = Results.ChannelAttributes

/**
 * The attributes Channels reported for one channel (`subscriptionCount`, `userCount`), each present only
 * when asked for.
 *
 * @since 1.0.0
 * @category models
 */
export interface ChannelAttributes extends Schema.Schema.Type<typeof ChannelAttributes> {}

/**
 * The answer to `trigger`: `channels` is present when `info` was asked for.
 *
 * @since 1.0.0
 * @category schemas
 */
export const TriggerResult: typeof Results.TriggerResult = Results.TriggerResult

/**
 * The decoded answer to `trigger`.
 *
 * @since 1.0.0
 * @category models
 */
export interface TriggerResult extends Schema.Schema.Type<typeof TriggerResult> {}

/**
 * The answer to `triggerBatch`: `batch` holds one entry per event, in order, when any event asked for `info`.
 *
 * @since 1.0.0
 * @category schemas
 */
export const TriggerBatchResult: typeof Results.TriggerBatchResult = Results.TriggerBatchResult

/**
 * The decoded answer to `triggerBatch`.
 *
 * @since 1.0.0
 * @category models
 */
export interface TriggerBatchResult extends Schema.Schema.Type<typeof TriggerBatchResult> {}

/**
 * The answer to `channels`: the occupied channels by name, each with the attributes asked for.
 *
 * @since 1.0.0
 * @category schemas
 */
export const ChannelsResult: typeof Results.ChannelsResult = Results.ChannelsResult

/**
 * The decoded answer to `channels`.
 *
 * @since 1.0.0
 * @category models
 */
export interface ChannelsResult extends Schema.Schema.Type<typeof ChannelsResult> {}

/**
 * The answer to `channel`: whether the channel is occupied, the attributes asked for and, on a cache channel,
 * its cached event.
 *
 * @since 1.0.0
 * @category schemas
 */
export const ChannelResult: typeof Results.ChannelResult = Results.ChannelResult

/**
 * The decoded answer to `channel`.
 *
 * @since 1.0.0
 * @category models
 */
export interface ChannelResult extends Schema.Schema.Type<typeof ChannelResult> {}

/**
 * A member of a presence channel.
 *
 * @since 1.0.0
 * @category schemas
 */
export const User: typeof Results.User = Results.User

/**
 * A member of a presence channel, as listed by `users`.
 *
 * @since 1.0.0
 * @category models
 */
export interface User extends Schema.Schema.Type<typeof User> {}

// ---------------------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------------------

/**
 * Attributes that `trigger` and `triggerBatch` can report per channel.
 *
 * @since 1.0.0
 * @category models
 */
export type TriggerInfo = (typeof Events.triggerInfo)[number]

/**
 * The options of `trigger`. Any other key fails with a `ValidationError` naming it, so none is ignored.
 *
 * @since 1.0.0
 * @category models
 */
export interface TriggerOptions {
  /** The socket that triggered the event, which will not receive it. */
  readonly socketId?: string | undefined
  /**
   * pusher-http-node's spelling of `socketId`, accepted as is for code that migrates; giving both is a
   * `ValidationError`.
   */
  readonly socket_id?: string | undefined
  /** Attributes to report for each channel in the result. */
  readonly info?: ReadonlyArray<TriggerInfo> | undefined
}

/**
 * One event of a batch. Any other key fails with a `ValidationError` naming it, so none is ignored.
 *
 * @since 1.0.0
 * @category models
 */
export interface BatchEvent {
  readonly channel: string
  readonly name: string
  readonly data: unknown
  /** The socket that triggered the event, which will not receive it. */
  readonly socketId?: string | undefined
  /**
   * pusher-http-node's spelling of `socketId` (`{ channel, name, data, socket_id }`), accepted as is;
   * giving both is a `ValidationError`.
   */
  readonly socket_id?: string | undefined
  readonly info?: ReadonlyArray<TriggerInfo> | undefined
}

/**
 * The options of `channels`. Any other key fails with a `ValidationError` naming it (`filter_by_prefix`:
 * use `filterByPrefix`).
 *
 * @since 1.0.0
 * @category models
 */
export interface ChannelsOptions {
  /** Only channels whose name starts with this prefix. */
  readonly filterByPrefix?: string | undefined
  /** `user_count` needs a `presence-` prefix. */
  readonly info?: ReadonlyArray<"user_count" | "subscription_count"> | undefined
}

/**
 * The options of `channel`. Any other key fails with a `ValidationError` naming it.
 *
 * @since 1.0.0
 * @category models
 */
export interface ChannelOptions {
  /** `user_count` is for presence channels only. */
  readonly info?: ReadonlyArray<"user_count" | "subscription_count" | "cache"> | undefined
}

/**
 * Query parameters of a raw request; arrays are joined with `,`.
 *
 * @since 1.0.0
 * @category models
 */
export type QueryParams = Readonly<
  Record<string, string | number | boolean | ReadonlyArray<string | number> | undefined>
>

/**
 * The services every HTTP operation requires: the app's `PusherConfig` and an `HttpClient`.
 *
 * @since 1.0.0
 * @category models
 */
export type Requirements = PusherConfig.PusherConfig | HttpClient.HttpClient

// ---------------------------------------------------------------------------------------------------------
// HTTP operations
// ---------------------------------------------------------------------------------------------------------

/**
 * Triggers `event` on one channel or up to 100 channels. `data` is sent as is when it is a string and as
 * JSON otherwise; on a `private-encrypted-` channel (which must then be the only one) it is sealed with
 * the channel's key. The size limit applies to the data as sent.
 *
 * @example
 * ```ts
 * import { Pusher, PusherTest } from "@effect-pusher/core"
 * import { Effect } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const result = yield* Pusher.trigger("orders", "order-placed", { id: 42 }, { info: ["subscription_count"] })
 *   console.log(result.channels?.["orders"]?.subscriptionCount) // 0: no one is subscribed yet
 * })
 *
 * // `PusherTest.layer()` answers from an in-memory emulator. In production, provide your app's
 * // `PusherConfig` and an `HttpClient` instead, for example `NodePusher.layerConfig()` on Node.js.
 * Effect.runPromise(Effect.provide(program, PusherTest.layer()))
 * ```
 *
 * @since 1.0.0
 * @category operations
 */
export const trigger = (
  channels: string | ReadonlyArray<string>,
  event: string,
  data: unknown,
  options?: TriggerOptions
): Effect.Effect<TriggerResult, PusherError, Requirements> =>
  Client.requestOperation("Pusher.trigger", () => Event.readTrigger(channels, event, data, options), Event.trigger)

/**
 * Triggers up to 10 events, each on one channel, in one request.
 *
 * @since 1.0.0
 * @category operations
 */
export const triggerBatch = (
  events: ReadonlyArray<BatchEvent>
): Effect.Effect<TriggerBatchResult, PusherError, Requirements> =>
  Client.requestOperation("Pusher.triggerBatch", () => Event.readBatch(events), Event.triggerBatch)

/**
 * Sends an event to every connection of a signed-in user (the `#server-to-user-{userId}` channel). The data
 * is never encrypted.
 *
 * @since 1.0.0
 * @category operations
 */
export const sendToUser = (
  userId: string,
  event: string,
  data: unknown
): Effect.Effect<void, PusherError, Requirements> =>
  Client.requestOperation(
    "Pusher.sendToUser",
    (): Event.UserEventInput => ({ userId, name: event, data }),
    Event.sendToUser
  )

/**
 * Closes every connection of a signed-in user.
 *
 * @since 1.0.0
 * @category operations
 */
export const terminateUserConnections = (userId: string): Effect.Effect<void, PusherError, Requirements> =>
  Query.operation("Pusher.terminateUserConnections", () => userId, Query.terminateUserConnections, Results.ignoreBody)

/**
 * Lists occupied channels, optionally by name prefix and with attributes.
 *
 * @since 1.0.0
 * @category operations
 */
export const channels = (options?: ChannelsOptions): Effect.Effect<ChannelsResult, PusherError, Requirements> =>
  Query.operation("Pusher.channels", () => Query.readChannels(options), Query.channels, Results.decodeChannels)

/**
 * Reads one channel's state.
 *
 * @since 1.0.0
 * @category operations
 */
export const channel = (
  name: string,
  options?: ChannelOptions
): Effect.Effect<ChannelResult, PusherError, Requirements> =>
  Query.operation("Pusher.channel", () => Query.readChannel(name, options), Query.channel, Results.decodeChannel)

/**
 * Lists the members of a presence channel.
 *
 * @since 1.0.0
 * @category operations
 */
export const users = (name: string): Effect.Effect<ReadonlyArray<User>, PusherError, Requirements> =>
  Effect.map(Query.operation("Pusher.users", () => name, Query.users, Results.decodeUsers), (result) => result.users)

/**
 * A signed GET of any endpoint; `path` is relative to `/apps/{appId}` (for example `/channels`). The
 * answer is the parsed JSON body. Parameter values may hold any character (spaces, non-ASCII, `& # + %`):
 * they are signed as given and percent-encoded on the wire.
 *
 * @since 1.0.0
 * @category operations
 */
export const get = (path: string, params?: QueryParams): Effect.Effect<unknown, PusherError, Requirements> =>
  Query.operation("Pusher.get", () => Query.readRaw(path, params, undefined), Query.rawGet, Results.decodeAnything)

/**
 * A signed POST of `body` (sent as JSON) to any endpoint; `path` is relative to `/apps/{appId}`. Without a
 * body (`undefined`) it is an empty POST, as pusher-http-node sends. The answer is the parsed JSON body.
 * Parameter values may hold any character: they are signed as given and percent-encoded on the wire.
 *
 * @since 1.0.0
 * @category operations
 */
export const post = (
  path: string,
  body?: unknown,
  params?: QueryParams
): Effect.Effect<unknown, PusherError, Requirements> =>
  Query.operation("Pusher.post", () => Query.readRaw(path, params, body), Query.rawPost, Results.decodeAnything)

// ---------------------------------------------------------------------------------------------------------
// Authorization and authentication (no HTTP)
// ---------------------------------------------------------------------------------------------------------

/**
 * What a presence channel member tells the others: a `user_id` (a non-empty string of at most 128
 * characters, or a safe integer, signed as given: `42` stays a JSON number), optional public `user_info`,
 * and any other keys, signed as given in the caller's key order, like pusher@5.3.4. `authorizeChannel` also
 * checks Pusher's 1 KB limit on the user object: at most 1024 bytes of UTF-8 JSON.
 *
 * @since 1.0.0
 * @category schemas
 */
export const PresenceData: typeof Authorization.PresenceData = Authorization.PresenceData

/**
 * The presence member data given to `authorizeChannel`.
 *
 * @since 1.0.0
 * @category models
 */
export interface PresenceData extends Schema.Schema.Type<typeof PresenceData> {}

/**
 * The user of a sign-in (`authenticateUser`): an `id`, optional `user_info`, an optional `watchlist` of up to
 * 100 user ids, and any other fields (`{ id: "123", name: "John Smith" }`), signed as given in the caller's
 * key order, like pusher@5.3.4. The id and watchlist entries are user ids (1-200 characters of the channel
 * alphabet, not `.` or `..`): deliberately stricter than pusher@5.3.4, since a user id also names the
 * user's `#server-to-user-` channel and a URL path segment.
 *
 * @since 1.0.0
 * @category schemas
 */
export const UserData: typeof Authorization.UserData = Authorization.UserData

/**
 * The user data given to `authenticateUser`.
 *
 * @since 1.0.0
 * @category models
 */
export interface UserData extends Schema.Schema.Type<typeof UserData> {}

/**
 * The JSON answer that pusher-js expects from a channel authorization endpoint.
 *
 * @since 1.0.0
 * @category models
 */
export interface ChannelAuthorization {
  readonly auth: string
  /** The exact JSON string that was signed (presence channels). */
  readonly channel_data?: string
  /** Base64 of the channel's key (private-encrypted- channels). */
  readonly shared_secret?: string
}

/**
 * The JSON answer that pusher-js expects from a user authentication (sign-in) endpoint.
 *
 * @since 1.0.0
 * @category models
 */
export interface UserAuthentication {
  readonly auth: string
  readonly user_data: string
}

/**
 * Authorizes a socket to subscribe to a private, presence or encrypted channel. On a presence channel,
 * `presenceData` is signed and returned as `channel_data` exactly as serialized; without it, the channel is
 * signed alone (`socket_id:channel`, as pusher@5.3.4 does) and the member is the user signed in with
 * {@link authenticateUser}. Encrypted channels also get the channel's `shared_secret`.
 *
 * @example
 * ```ts
 * import { Pusher, PusherConfig } from "@effect-pusher/core"
 * import { Effect } from "effect"
 *
 * // The socket id and channel name come from pusher-js's request to your authorization endpoint.
 * const program = Pusher.authorizeChannel("1234.5678", "presence-room", {
 *   user_id: "ada",
 *   user_info: { name: "Ada Lovelace" }
 * })
 *
 * // Authorization is signing only: it needs the app's `PusherConfig`, no HTTP client.
 * const config = PusherConfig.layer({ appId: "123456", key: "app-key", secret: "app-secret" })
 *
 * Effect.runPromise(Effect.provide(program, config)).then((answer) => {
 *   console.log(answer.auth) // "app-key:" followed by the hex signature
 *   console.log(answer.channel_data) // '{"user_id":"ada","user_info":{"name":"Ada Lovelace"}}'
 * })
 * ```
 *
 * @since 1.0.0
 * @category authorization
 */
export const authorizeChannel = (
  socketId: string,
  channel: string,
  presenceData?: PresenceData
): Effect.Effect<ChannelAuthorization, ValidationError | EncryptionError, PusherConfig.PusherConfig> =>
  Authorization.operation(
    "Pusher.authorizeChannel",
    () => Authorization.readChannel(socketId, channel, presenceData),
    Authorization.authorize
  )

/**
 * Authenticates a signed-in user for a socket (pusher-js `signin`): `user_data` is the user as JSON, exactly
 * as signed.
 *
 * @since 1.0.0
 * @category authorization
 */
export const authenticateUser = (
  socketId: string,
  user: UserData
): Effect.Effect<UserAuthentication, ValidationError, PusherConfig.PusherConfig> =>
  Authorization.operation(
    "Pusher.authenticateUser",
    () => Authorization.readUser(socketId, user),
    Authorization.authenticate
  )
