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
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Schema from "effect/Schema"
import * as Authorization from "./internal/authorization.js"
import * as Client from "./internal/client.js"
import * as Event from "./internal/event.js"
import * as Operation from "./internal/operation.js"
import * as Query from "./internal/query.js"
import * as Results from "./internal/results.js"
import * as PusherConfig from "./PusherConfig.js"
import * as PusherCrypto from "./PusherCrypto.js"
import type { EncryptionError, PusherError, ValidationError } from "./PusherError.js"

// ---------------------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------------------

/**
 * The attributes of one channel that Channels reports when asked with `info`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChannelAttributes: typeof Results.ChannelAttributes = Results.ChannelAttributes

/**
 * @since 0.1.0
 * @category models
 */
export interface ChannelAttributes extends Schema.Schema.Type<typeof ChannelAttributes> {}

/**
 * The answer to `trigger`: `channels` is present when `info` was asked for.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TriggerResult: typeof Results.TriggerResult = Results.TriggerResult

/**
 * @since 0.1.0
 * @category models
 */
export interface TriggerResult extends Schema.Schema.Type<typeof TriggerResult> {}

/**
 * The answer to `triggerBatch`: `batch` holds one entry per event, in order, when any event asked for `info`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TriggerBatchResult: typeof Results.TriggerBatchResult = Results.TriggerBatchResult

/**
 * @since 0.1.0
 * @category models
 */
export interface TriggerBatchResult extends Schema.Schema.Type<typeof TriggerBatchResult> {}

/**
 * @since 0.1.0
 * @category schemas
 */
export const ChannelsResult: typeof Results.ChannelsResult = Results.ChannelsResult

/**
 * @since 0.1.0
 * @category models
 */
export interface ChannelsResult extends Schema.Schema.Type<typeof ChannelsResult> {}

/**
 * @since 0.1.0
 * @category schemas
 */
export const ChannelResult: typeof Results.ChannelResult = Results.ChannelResult

/**
 * @since 0.1.0
 * @category models
 */
export interface ChannelResult extends Schema.Schema.Type<typeof ChannelResult> {}

/**
 * A member of a presence channel.
 *
 * @since 0.1.0
 * @category schemas
 */
export const User: typeof Results.User = Results.User

/**
 * @since 0.1.0
 * @category models
 */
export interface User extends Schema.Schema.Type<typeof User> {}

// ---------------------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------------------

/**
 * Attributes that `trigger` and `triggerBatch` can report per channel.
 *
 * @since 0.1.0
 * @category models
 */
export type TriggerInfo = "subscription_count" | "user_count"

/**
 * @since 0.1.0
 * @category models
 */
export interface TriggerOptions {
  /** The socket that triggered the event, which will not receive it. */
  readonly socketId?: string | undefined
  /** Attributes to report for each channel in the result. */
  readonly info?: ReadonlyArray<TriggerInfo> | undefined
}

/**
 * One event of a batch.
 *
 * @since 0.1.0
 * @category models
 */
export interface BatchEvent {
  readonly channel: string
  readonly name: string
  readonly data: unknown
  readonly socketId?: string | undefined
  readonly info?: ReadonlyArray<TriggerInfo> | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ChannelsOptions {
  /** Only channels whose name starts with this prefix. */
  readonly filterByPrefix?: string | undefined
  /** `user_count` needs a `presence-` prefix. */
  readonly info?: ReadonlyArray<"user_count" | "subscription_count"> | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ChannelOptions {
  /** `user_count` is for presence channels only. */
  readonly info?: ReadonlyArray<"user_count" | "subscription_count" | "cache"> | undefined
}

/**
 * Query parameters of a raw request; arrays are joined with `,`.
 *
 * @since 0.1.0
 * @category models
 */
export type QueryParams = Readonly<
  Record<string, string | number | boolean | ReadonlyArray<string | number> | undefined>
>

/**
 * @since 0.1.0
 * @category models
 */
export type Requirements = PusherConfig.PusherConfig | HttpClient.HttpClient

// ---------------------------------------------------------------------------------------------------------
// HTTP operations
// ---------------------------------------------------------------------------------------------------------

const identity = <A>(a: A): A => a

/**
 * Triggers `event` on one channel or up to 100 channels. `data` is sent as is when it is a string and as
 * JSON otherwise; on a `private-encrypted-` channel (which must then be the only one) it is sealed with
 * the channel's key. The size limit applies to the data as sent.
 *
 * @since 0.1.0
 * @category operations
 */
export const trigger = (
  channels: string | ReadonlyArray<string>,
  event: string,
  data: unknown,
  options?: TriggerOptions
): Effect.Effect<TriggerResult, PusherError, Requirements> =>
  Client.requestOperation(
    "Pusher.trigger",
    () => Event.readTrigger(channels, event, data, options),
    (input, request, context) =>
      Either.match(Event.prepareTrigger(request, input), {
        onLeft: Effect.fail,
        onRight: (prepared) => Event.send(request, context, prepared, Results.decodeTrigger, identity)
      })
  )

/**
 * Triggers up to 10 events, each on one channel, in one request.
 *
 * @since 0.1.0
 * @category operations
 */
export const triggerBatch = (
  events: ReadonlyArray<BatchEvent>
): Effect.Effect<TriggerBatchResult, PusherError, Requirements> =>
  Client.requestOperation(
    "Pusher.triggerBatch",
    () => Event.readBatch(events),
    (input, request) =>
      Either.match(Event.prepareBatch(request, input), {
        onLeft: Effect.fail,
        onRight: (body) => Client.send(request, "POST", "/batch_events", [], body, Results.decodeBatch)
      })
  )

/**
 * Sends an event to every connection of a signed-in user (the `#server-to-user-{userId}` channel). The data
 * is never encrypted.
 *
 * @since 0.1.0
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
    (input, request, context) =>
      Either.match(Event.prepareUserEvent(request, input), {
        onLeft: Effect.fail,
        onRight: (prepared) => Event.send(request, context, prepared, Results.ignoreBody, () => undefined)
      })
  )

/** Sends a checked query request. */
const query = <A>(
  name: string,
  read: () => Either.Either<Query.Request, ValidationError>,
  method: "GET" | "POST",
  body: string | undefined,
  decode: Client.Decoder<A>
): Effect.Effect<A, PusherError, Requirements> =>
  Client.requestOperation(name, read, (checked, request) =>
    Either.match(checked, {
      onLeft: Effect.fail,
      onRight: ({ params, path }) => Client.send(request, method, path, params, body, decode)
    }))

/**
 * Closes every connection of a signed-in user.
 *
 * @since 0.1.0
 * @category operations
 */
export const terminateUserConnections = (userId: string): Effect.Effect<void, PusherError, Requirements> =>
  query(
    "Pusher.terminateUserConnections",
    () => Query.terminateUserConnections(userId),
    "POST",
    "{}",
    Results.ignoreBody
  )

/**
 * Lists occupied channels, optionally by name prefix and with attributes.
 *
 * @since 0.1.0
 * @category operations
 */
export const channels = (options?: ChannelsOptions): Effect.Effect<ChannelsResult, PusherError, Requirements> =>
  query("Pusher.channels", () => Query.channels(Query.readChannels(options)), "GET", undefined, Results.decodeChannels)

/**
 * Reads one channel's state.
 *
 * @since 0.1.0
 * @category operations
 */
export const channel = (
  name: string,
  options?: ChannelOptions
): Effect.Effect<ChannelResult, PusherError, Requirements> =>
  query(
    "Pusher.channel",
    () => Query.channel(Query.readChannel(name, options)),
    "GET",
    undefined,
    Results.decodeChannel
  )

/**
 * Lists the members of a presence channel.
 *
 * @since 0.1.0
 * @category operations
 */
export const users = (name: string): Effect.Effect<ReadonlyArray<User>, PusherError, Requirements> =>
  Effect.map(
    query("Pusher.users", () => Query.users(name), "GET", undefined, Results.decodeUsers),
    (result) => result.users
  )

/**
 * A signed GET of any endpoint; `path` is relative to `/apps/{appId}` (for example `/channels`). The
 * answer is the parsed JSON body.
 *
 * @since 0.1.0
 * @category operations
 */
export const get = (path: string, params?: QueryParams): Effect.Effect<unknown, PusherError, Requirements> =>
  query(
    "Pusher.get",
    () => Query.raw({ path, params: Query.readParams(params) }),
    "GET",
    undefined,
    Results.decodeAnything
  )

/**
 * A signed POST of `body` (sent as JSON) to any endpoint; `path` is relative to `/apps/{appId}`. The answer
 * is the parsed JSON body.
 *
 * @since 0.1.0
 * @category operations
 */
export const post = (
  path: string,
  body: unknown,
  params?: QueryParams
): Effect.Effect<unknown, PusherError, Requirements> =>
  Client.requestOperation(
    "Pusher.post",
    () => ({ request: Query.raw({ path, params: Query.readParams(params) }), body }),
    (input, request) =>
      Either.match(Either.all([input.request, Query.jsonBody(input.body)]), {
        onLeft: Effect.fail,
        onRight: ([{ params, path }, json]) => Client.send(request, "POST", path, params, json, Results.decodeAnything)
      })
  )

// ---------------------------------------------------------------------------------------------------------
// Authorization and authentication (no HTTP)
// ---------------------------------------------------------------------------------------------------------

/**
 * What a presence channel member tells the others: a user id and optional public info.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PresenceData: typeof Authorization.PresenceData = Authorization.PresenceData

/**
 * @since 0.1.0
 * @category models
 */
export interface PresenceData extends Schema.Schema.Type<typeof PresenceData> {}

/**
 * The user of a sign-in (`authenticateUser`): a non-empty id, optional info and an optional watchlist of
 * up to 100 user ids.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UserData: typeof Authorization.UserData = Authorization.UserData

/**
 * @since 0.1.0
 * @category models
 */
export interface UserData extends Schema.Schema.Type<typeof UserData> {}

/**
 * The JSON answer that pusher-js expects from a channel authorization endpoint.
 *
 * @since 0.1.0
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
 * @since 0.1.0
 * @category models
 */
export interface UserAuthentication {
  readonly auth: string
  readonly user_data: string
}

/** Runs a signing operation: it needs the config and the crypto primitives only. */
const signing = <S, A, E>(
  name: string,
  read: () => S,
  body: (config: PusherConfig.Service, crypto: PusherCrypto.Service, snapshot: S) => Either.Either<A, E>
): Effect.Effect<A, E | ValidationError, PusherConfig.PusherConfig> =>
  Operation.operation(name, read, Operation.unreadableInput, (snapshot, context) =>
    body(
      Context.get(context as Context.Context<PusherConfig.PusherConfig>, PusherConfig.PusherConfig),
      Context.get(context, PusherCrypto.PusherCrypto),
      snapshot
    ))

/**
 * Authorizes a socket to subscribe to a private, presence or encrypted channel. Presence channels need
 * `presenceData`, which is signed and returned as `channel_data` exactly as serialized; encrypted channels
 * also get the channel's `shared_secret`.
 *
 * @since 0.1.0
 * @category authorization
 */
export const authorizeChannel = (
  socketId: string,
  channel: string,
  presenceData?: PresenceData
): Effect.Effect<ChannelAuthorization, ValidationError | EncryptionError, PusherConfig.PusherConfig> =>
  signing(
    "Pusher.authorizeChannel",
    () => Authorization.readChannel(socketId, channel, presenceData),
    Authorization.authorize
  )

/**
 * Authenticates a signed-in user for a socket (pusher-js `signin`): `user_data` is the user as JSON, exactly
 * as signed.
 *
 * @since 0.1.0
 * @category authorization
 */
export const authenticateUser = (
  socketId: string,
  user: UserData
): Effect.Effect<UserAuthentication, ValidationError, PusherConfig.PusherConfig> =>
  signing("Pusher.authenticateUser", () => Authorization.readUser(socketId, user), Authorization.authenticate)
