/**
 * Every Pusher Channels server operation, as an `Effect`.
 *
 * Operations that call the HTTP API require `PusherConfig` and `HttpClient`; authorization and
 * authentication are pure signing and require `PusherConfig` only. Inputs are checked against the
 * Channels rules before any I/O (failing with `ValidationError`), callers' values are never mutated, and
 * answers are decoded with Schema.
 *
 * @since 0.1.0
 */
import * as Encoding from "@effect-pusher/protocol/Encoding"
import * as ProtocolSigning from "@effect-pusher/protocol/Signing"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as Batcher from "./internal/batcher.js"
import * as Client from "./internal/client.js"
import * as Encryption from "./internal/encryption.js"
import * as Operation from "./internal/operation.js"
import * as Results from "./internal/results.js"
import * as Signing from "./internal/signing.js"
import * as V from "./internal/validation.js"
import * as PusherBatching from "./PusherBatching.js"
import * as PusherConfig from "./PusherConfig.js"
import * as PusherCrypto from "./PusherCrypto.js"
import type { PusherError } from "./PusherError.js"
import { EncryptionError, ValidationError } from "./PusherError.js"

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
export const TriggerResult = Schema.Struct({
  channels: Schema.optional(Schema.Record({ key: Schema.String, value: ChannelAttributes }))
})

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
export const ChannelsResult = Schema.Struct({
  channels: Schema.Record({ key: Schema.String, value: ChannelAttributes })
})

/**
 * @since 0.1.0
 * @category models
 */
export interface ChannelsResult extends Schema.Schema.Type<typeof ChannelsResult> {}

/**
 * @since 0.1.0
 * @category schemas
 */
export const ChannelResult = Schema.Struct({
  occupied: Schema.Boolean,
  ...ChannelAttributes.fields,
  cache: Schema.optional(Schema.Struct({ data: Schema.String, ttl: Schema.Number }))
})

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
export const User = Schema.Struct({ id: Schema.String })

/**
 * @since 0.1.0
 * @category models
 */
export interface User extends Schema.Schema.Type<typeof User> {}

const UsersResult = Schema.Struct({ users: Schema.Array(User) })

const decodeTrigger = Client.decoder(TriggerResult)
const decodeBatch = Client.decoder(TriggerBatchResult)
const decodeChannels = Client.decoder(ChannelsResult)
const decodeChannel = Client.decoder(ChannelResult)
const decodeUsers = Client.decoder(UsersResult)
const decodeAnything = Client.decoder(Schema.Unknown)
const ignoreBody: Client.Decoder<void> = () => Either.void

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

const triggerInfo: ReadonlyArray<TriggerInfo> = ["subscription_count", "user_count"]

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
// Event preparation (validation, serialization, encryption)
// ---------------------------------------------------------------------------------------------------------

/**
 * Serializes (and, for an encrypted channel, seals) event data, then applies the size limit to what goes on
 * the wire.
 */
const prepareData = (
  env: { readonly config: PusherConfig.Service; readonly crypto: PusherCrypto.Service },
  field: string,
  encryptedChannel: string | undefined,
  data: unknown
): string | ValidationError | EncryptionError => {
  let wire: string
  if (encryptedChannel === undefined) {
    const serialized = V.serializeData(field, data)
    if (typeof serialized !== "string") return serialized
    wire = serialized
  } else {
    const masterKey = Encryption.masterKeyFor(env.config, encryptedChannel)
    if (Either.isLeft(masterKey)) return masterKey.left
    // Strings are JSON-encoded before sealing too, as pusher-http-node does; pusher-js parses them back.
    const json = V.toJson(field, data)
    if (typeof json !== "string") return json
    wire = Encryption.seal(env.crypto, masterKey.right, encryptedChannel, json)
  }
  return V.checkPayloadSize(field, wire, env.config.maxPayloadBytes) ?? wire
}

const isFailure = (u: unknown): u is ValidationError | EncryptionError =>
  u instanceof ValidationError || u instanceof EncryptionError

interface PreparedTrigger {
  readonly channels: ReadonlyArray<string>
  readonly name: string
  readonly data: string
  readonly socketId: string | undefined
  readonly info: string | undefined
}

const prepareTrigger = (
  env: Client.Env,
  channels: string | ReadonlyArray<string>,
  event: string,
  data: unknown,
  options: TriggerOptions | undefined
): PreparedTrigger | ValidationError | EncryptionError => {
  const list: ReadonlyArray<unknown> = typeof channels === "string" ? [channels] : channels
  if (!Array.isArray(list)) return V.fail("channels", "must be a channel name or an array of channel names")
  if (list.length === 0) return V.fail("channels", "must name at least one channel")
  if (list.length > V.maxChannelsPerTrigger) {
    return V.fail("channels", `must name at most ${V.maxChannelsPerTrigger} channels, got ${list.length}`)
  }
  let encrypted = false
  for (let i = 0; i < list.length; i++) {
    const error = V.checkChannel(typeof channels === "string" ? "channel" : `channels[${i}]`, list[i])
    if (error !== undefined) return error
    if (V.isEncryptedChannel(list[i] as string)) encrypted = true
  }
  if (encrypted && list.length > 1) {
    return V.fail("channels", "a trigger to a private-encrypted- channel must name that one channel only")
  }
  const nameError = V.checkEventName("event", event)
  if (nameError !== undefined) return nameError
  const socketId = options?.socketId
  if (socketId !== undefined) {
    const error = V.checkSocketId("options.socketId", socketId)
    if (error !== undefined) return error
  }
  const info = V.checkInfo("options.info", options?.info, triggerInfo)
  if (isFailure(info)) return info
  const wire = prepareData(env, "data", encrypted ? list[0] as string : undefined, data)
  if (isFailure(wire)) return wire
  return { channels: list as ReadonlyArray<string>, name: event, data: wire, socketId, info }
}

/** The `/events` body, keys in pusher-http-node's order: name, data, channels, socket_id, info. */
const triggerBody = (prepared: PreparedTrigger): string =>
  JSON.stringify({
    name: prepared.name,
    data: prepared.data,
    channels: prepared.channels,
    ...(prepared.socketId !== undefined ? { socket_id: prepared.socketId } : {}),
    ...(prepared.info !== undefined ? { info: prepared.info } : {})
  })

/**
 * The batcher in the context, when it may take this event: it sends with its own config, so a trigger
 * under another config goes out directly.
 */
const batcherFor = (env: Client.Env, context: Context.Context<never>): Batcher.Batcher | undefined => {
  const current = Context.get(context, PusherBatching.PusherBatching)
  // Every batcher in a context comes from PusherBatching.layer, which builds it with Batcher.make.
  const batcher = Option.isSome(current) ? current.value as Batcher.Batcher : undefined
  return batcher !== undefined && batcher.env.config === env.config ? batcher : undefined
}

/** Sends a prepared single-channel event through the batcher, answering as `/events` would. */
const submitToBatcher = (
  batcher: Batcher.Batcher,
  prepared: PreparedTrigger
): Effect.Effect<TriggerResult, PusherError> => {
  const channel = prepared.channels[0]!
  return Effect.map(
    batcher.submit({
      channel,
      name: prepared.name,
      data: prepared.data,
      ...(prepared.socketId !== undefined ? { socket_id: prepared.socketId } : {}),
      ...(prepared.info !== undefined ? { info: prepared.info } : {})
    }),
    (attributes): TriggerResult => prepared.info === undefined ? {} : { channels: { [channel]: attributes ?? {} } }
  )
}

// ---------------------------------------------------------------------------------------------------------
// HTTP operations
// ---------------------------------------------------------------------------------------------------------

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
  Client.withEnv("Pusher.trigger", (env, context) => {
    const prepared = prepareTrigger(env, channels, event, data, options)
    if (isFailure(prepared)) return Effect.fail(prepared)
    const batcher = prepared.channels.length === 1 ? batcherFor(env, context) : undefined
    return batcher !== undefined
      ? submitToBatcher(batcher, prepared)
      : Client.send(env, "POST", "/events", [], triggerBody(prepared), decodeTrigger)
  })

/**
 * Triggers up to 10 events, each on one channel, in one request.
 *
 * @since 0.1.0
 * @category operations
 */
export const triggerBatch = (
  events: ReadonlyArray<BatchEvent>
): Effect.Effect<TriggerBatchResult, PusherError, Requirements> =>
  Client.withEnv("Pusher.triggerBatch", (env) => {
    const body = batchBody(env, events)
    return typeof body === "string"
      ? Client.send(env, "POST", "/batch_events", [], body, decodeBatch)
      : Effect.fail(body)
  })

const batchEventBody = (
  env: { readonly config: PusherConfig.Service; readonly crypto: PusherCrypto.Service },
  field: string,
  event: BatchEvent
): Batcher.WireEvent | ValidationError | EncryptionError => {
  if (typeof event !== "object" || event === null) return V.fail(field, "must be an event object")
  const channelError = V.checkChannel(`${field}.channel`, event.channel)
  if (channelError !== undefined) return channelError
  const nameError = V.checkEventName(`${field}.name`, event.name)
  if (nameError !== undefined) return nameError
  if (event.socketId !== undefined) {
    const error = V.checkSocketId(`${field}.socketId`, event.socketId)
    if (error !== undefined) return error
  }
  const info = V.checkInfo(`${field}.info`, event.info, triggerInfo)
  if (isFailure(info)) return info
  const wire = prepareData(
    env,
    `${field}.data`,
    V.isEncryptedChannel(event.channel) ? event.channel : undefined,
    event.data
  )
  if (isFailure(wire)) return wire
  return {
    channel: event.channel,
    name: event.name,
    data: wire,
    ...(event.socketId !== undefined ? { socket_id: event.socketId } : {}),
    ...(info !== undefined ? { info } : {})
  }
}

const batchBody = (env: Client.Env, events: ReadonlyArray<BatchEvent>): string | ValidationError | EncryptionError => {
  if (!Array.isArray(events)) return V.fail("events", "must be an array of events")
  if (events.length === 0) return V.fail("events", "must contain at least one event")
  if (events.length > V.maxEventsPerBatch) {
    return V.fail("events", `must contain at most ${V.maxEventsPerBatch} events, got ${events.length}`)
  }
  const batch: Array<Batcher.WireEvent> = []
  for (let i = 0; i < events.length; i++) {
    const prepared = batchEventBody(env, `events[${i}]`, events[i]!)
    if (isFailure(prepared)) return prepared
    batch.push(prepared)
  }
  return JSON.stringify({ batch })
}

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
  Client.withEnv("Pusher.sendToUser", (env, context) => {
    const error = V.checkUserId("userId", userId) ?? V.checkEventName("event", event)
    if (error !== undefined) return Effect.fail(error)
    const wire = prepareData(env, "data", undefined, data)
    if (isFailure(wire)) return Effect.fail(wire)
    const prepared: PreparedTrigger = {
      channels: [`${V.serverToUserPrefix}${userId}`],
      name: event,
      data: wire,
      socketId: undefined,
      info: undefined
    }
    const batcher = batcherFor(env, context)
    return batcher !== undefined
      ? Effect.asVoid(submitToBatcher(batcher, prepared))
      : Client.send(env, "POST", "/events", [], triggerBody(prepared), ignoreBody)
  })

/**
 * Closes every connection of a signed-in user.
 *
 * @since 0.1.0
 * @category operations
 */
export const terminateUserConnections = (userId: string): Effect.Effect<void, PusherError, Requirements> =>
  Client.withEnv("Pusher.terminateUserConnections", (env) => {
    const error = V.checkUserId("userId", userId)
    if (error !== undefined) return Effect.fail(error)
    return Client.send(env, "POST", `/users/${userId}/terminate_connections`, [], "{}", ignoreBody)
  })

/**
 * Lists occupied channels, optionally by name prefix and with attributes.
 *
 * @since 0.1.0
 * @category operations
 */
export const channels = (options?: ChannelsOptions): Effect.Effect<ChannelsResult, PusherError, Requirements> =>
  Client.withEnv("Pusher.channels", (env) => {
    const params: Array<readonly [string, string]> = []
    const prefix = options?.filterByPrefix
    if (prefix !== undefined) {
      if (typeof prefix !== "string" || prefix.length === 0 || prefix.length > V.maxNameLength) {
        return Effect.fail(V.fail("options.filterByPrefix", `must be 1-${V.maxNameLength} characters`))
      }
      if (!V.channelNamePattern.test(prefix)) {
        return Effect.fail(V.fail("options.filterByPrefix", "may contain only A-Z a-z 0-9 _ - = @ , . ;"))
      }
      params.push(["filter_by_prefix", prefix])
    }
    const info = V.checkInfo("options.info", options?.info, ["user_count", "subscription_count"] as const)
    if (isFailure(info)) return Effect.fail(info)
    if (info !== undefined) {
      if (options!.info!.includes("user_count") && !(prefix ?? "").startsWith("presence-")) {
        return Effect.fail(
          V.fail("options.info", "user_count can only be asked for with a filterByPrefix that starts with presence-")
        )
      }
      params.push(["info", info])
    }
    return Client.send(env, "GET", "/channels", params, undefined, decodeChannels)
  })

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
  Client.withEnv("Pusher.channel", (env) => {
    const error = V.checkChannel("name", name) ?? V.checkPathSegment("name", name)
    if (error !== undefined) return Effect.fail(error)
    const info = V.checkInfo("options.info", options?.info, ["user_count", "subscription_count", "cache"] as const)
    if (isFailure(info)) return Effect.fail(info)
    if (info !== undefined && options!.info!.includes("user_count") && !name.startsWith("presence-")) {
      return Effect.fail(V.fail("options.info", "user_count can only be asked for on a presence- channel"))
    }
    const params: ReadonlyArray<readonly [string, string]> = info === undefined ? [] : [["info", info]]
    return Client.send(env, "GET", `/channels/${name}`, params, undefined, decodeChannel)
  })

/**
 * Lists the members of a presence channel.
 *
 * @since 0.1.0
 * @category operations
 */
export const users = (name: string): Effect.Effect<ReadonlyArray<User>, PusherError, Requirements> =>
  Client.withEnv("Pusher.users", (env) => {
    const error = V.checkChannel("name", name) ??
      (name.startsWith("presence-") ? undefined : V.fail("name", "must be a presence- channel"))
    if (error !== undefined) return Effect.fail(error)
    return Effect.map(
      Client.send(env, "GET", `/channels/${name}/users`, [], undefined, decodeUsers),
      (result) => result.users
    )
  })

/**
 * A signed GET of any endpoint; `path` is relative to `/apps/{appId}` (for example `/channels`). The
 * answer is the parsed JSON body.
 *
 * @since 0.1.0
 * @category operations
 */
export const get = (path: string, params?: QueryParams): Effect.Effect<unknown, PusherError, Requirements> =>
  Client.withEnv("Pusher.get", (env) => {
    const error = V.checkPath("path", path)
    if (error !== undefined) return Effect.fail(error)
    const checked = V.checkParams("params", params)
    if (!Array.isArray(checked)) return Effect.fail(checked)
    return Client.send(env, "GET", path, checked, undefined, decodeAnything)
  })

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
  Client.withEnv("Pusher.post", (env) => {
    const error = V.checkPath("path", path)
    if (error !== undefined) return Effect.fail(error)
    const checked = V.checkParams("params", params)
    if (!Array.isArray(checked)) return Effect.fail(checked)
    const json = V.toJson("body", body)
    if (typeof json !== "string") return Effect.fail(json)
    return Client.send(env, "POST", path, checked, json, decodeAnything)
  })

// ---------------------------------------------------------------------------------------------------------
// Authorization and authentication (no HTTP)
// ---------------------------------------------------------------------------------------------------------

/**
 * What a presence channel member tells the others: a user id and optional public info.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PresenceData = Schema.Struct({
  user_id: Schema.String.pipe(Schema.minLength(1)),
  user_info: Schema.optional(Schema.Unknown)
})

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
export const UserData = Schema.Struct({
  id: Schema.String.pipe(Schema.minLength(1)),
  user_info: Schema.optional(Schema.Unknown),
  watchlist: Schema.optional(Schema.Array(Schema.String.pipe(Schema.minLength(1))).pipe(Schema.maxItems(100)))
})

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

const strictOptions = { onExcessProperty: "error", errors: "first" } as const
const validatePresenceData = ParseResult.validateEither(PresenceData, strictOptions)
const validateUserData = ParseResult.validateEither(UserData, strictOptions)

const isPlainRecord = (u: unknown): u is Record<string, unknown> => {
  if (typeof u !== "object" || u === null) return false
  const proto = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

/**
 * The common shape of presence data, recognized without Schema's interpreter (authorization is a hot path):
 * `true` only for values that `PresenceData` accepts, so the Schema stays the definition and decides, and
 * explains, everything else.
 */
const isSimplePresenceData = (u: unknown): boolean => {
  if (!isPlainRecord(u)) return false
  const id = u.user_id
  if (typeof id !== "string" || id.length === 0) return false
  for (const key in u) if (key !== "user_id" && key !== "user_info") return false
  return Object.getOwnPropertySymbols(u).length === 0
}

const checkPresenceData = (u: unknown): Either.Either<unknown, ParseResult.ParseIssue> =>
  isSimplePresenceData(u) ? Either.right(u) : validatePresenceData(u)

const isSimpleUserData = (u: unknown): boolean => {
  if (!isPlainRecord(u)) return false
  const id = u.id
  if (typeof id !== "string" || id.length === 0) return false
  for (const key in u) {
    if (key === "watchlist") {
      const list = u.watchlist
      if (list === undefined) continue
      if (!Array.isArray(list) || list.length > 100) return false
      for (let i = 0; i < list.length; i++) if (typeof list[i] !== "string" || list[i].length === 0) return false
    } else if (key !== "id" && key !== "user_info") return false
  }
  return Object.getOwnPropertySymbols(u).length === 0
}

const checkUserData = (u: unknown): Either.Either<unknown, ParseResult.ParseIssue> =>
  isSimpleUserData(u) ? Either.right(u) : validateUserData(u)

const schemaFailure = (field: string, issue: ParseResult.ParseIssue): ValidationError =>
  V.fail(field, ParseResult.TreeFormatter.formatIssueSync(issue).replace(/\s*\n\s*/g, " "))

const authorize = (
  config: PusherConfig.Service,
  crypto: PusherCrypto.Service,
  socketId: string,
  channelName: string,
  presenceData: PresenceData | undefined
): ChannelAuthorization | ValidationError | EncryptionError => {
  const socketError = V.checkSocketId("socketId", socketId)
  if (socketError !== undefined) return socketError
  const channelError = V.checkChannel("channel", channelName)
  if (channelError !== undefined) return channelError
  if (channelName.startsWith("presence-")) {
    if (presenceData === undefined) {
      return V.fail("presenceData", "is required for a presence- channel ({ user_id, user_info? })")
    }
    const checked = checkPresenceData(presenceData)
    if (Either.isLeft(checked)) return schemaFailure("presenceData", checked.left)
    const channelData = V.toJson("presenceData", presenceData)
    if (typeof channelData !== "string") return channelData
    return {
      auth: ProtocolSigning.channelAuth(config.key, Signing.signer(config, crypto), socketId, channelName, channelData),
      channel_data: channelData
    }
  }
  if (!channelName.startsWith("private-")) {
    return V.fail("channel", "is public: only private- and presence- channels need authorization")
  }
  if (presenceData !== undefined) {
    return V.fail("presenceData", "is only for presence- channels")
  }
  const auth = ProtocolSigning.channelAuth(config.key, Signing.signer(config, crypto), socketId, channelName, undefined)
  if (!V.isEncryptedChannel(channelName)) return { auth }
  const masterKey = Encryption.masterKeyFor(config, channelName)
  if (Either.isLeft(masterKey)) return masterKey.left
  return {
    auth,
    shared_secret: Encoding.base64Encode(Encryption.channelKey(crypto, masterKey.right, channelName))
  }
}

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
  Operation.legacyOperation("Pusher.authorizeChannel", (context) => {
    const result = authorize(
      Context.get(context as Context.Context<PusherConfig.PusherConfig>, PusherConfig.PusherConfig),
      Context.get(context as Context.Context<never>, PusherCrypto.PusherCrypto),
      socketId,
      channel,
      presenceData
    )
    return "auth" in result ? Effect.succeed(result) : Effect.fail(result)
  }, Operation.unreadableInput)

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
  Operation.legacyOperation("Pusher.authenticateUser", (context) => {
    const config = Context.get(context as Context.Context<PusherConfig.PusherConfig>, PusherConfig.PusherConfig)
    const crypto = Context.get(context as Context.Context<never>, PusherCrypto.PusherCrypto)
    const socketError = V.checkSocketId("socketId", socketId)
    if (socketError !== undefined) return Effect.fail(socketError)
    const checked = checkUserData(user)
    if (Either.isLeft(checked)) return Effect.fail(schemaFailure("user", checked.left))
    const idError = V.checkUserId("user.id", user.id)
    if (idError !== undefined) return Effect.fail(idError)
    if (user.watchlist !== undefined) {
      for (let i = 0; i < user.watchlist.length; i++) {
        const error = V.checkUserId(`user.watchlist[${i}]`, user.watchlist[i])
        if (error !== undefined) return Effect.fail(error)
      }
    }
    const userData = V.toJson("user", user)
    if (typeof userData !== "string") return Effect.fail(userData)
    const auth = ProtocolSigning.userAuth(config.key, Signing.signer(config, crypto), socketId, userData)
    return Effect.succeed({ auth, user_data: userData })
  }, Operation.unreadableInput)
