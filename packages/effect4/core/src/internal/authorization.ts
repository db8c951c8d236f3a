import * as Encoding from "@effect-pusher/protocol/Encoding"
import * as Events from "@effect-pusher/protocol/Events"
import * as Json from "@effect-pusher/protocol/Json"
import * as Names from "@effect-pusher/protocol/Names"
import * as ProtocolSigning from "@effect-pusher/protocol/Signing"
import * as Users from "@effect-pusher/protocol/Users"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import type * as SchemaIssue from "effect/SchemaIssue"
import * as SchemaParser from "effect/SchemaParser"
import type { ChannelAuthorization, UserAuthentication } from "../Pusher.js"
import * as PusherConfig from "../PusherConfig.js"
import * as PusherCrypto from "../PusherCrypto.js"
import type { EncryptionError, ValidationError } from "../PusherError.js"
import * as Encryption from "./encryption.js"
import * as Issue from "./issue.js"
import * as Operation from "./operation.js"
import * as Signing from "./signing.js"
import { toError } from "./validation.js"

// Channel authorization and user authentication: the presence and user data checks, and the signatures.

// Presence and user data are the caller's payload: keys beyond the documented ones are signed as given, in the
// caller's order (as pusher@5.3.4 and the other official libraries do), so both schemas take any other key.
const anyOtherKey = [Schema.Record(Schema.String, Schema.Unknown)] as const

/** @internal */
export const PresenceData = Schema.StructWithRest(
  Schema.Struct({
    user_id: Schema.Union([Schema.String, Schema.Number]).annotate({ message: "must be a string or a safe integer" })
      .check(Schema.makeFilter((userId) => Users.checkPresenceUserId("user_id", userId)?.rule)),
    user_info: Schema.optional(Schema.Unknown)
  }),
  anyOtherKey
)

// Pure (its inner calls too): a Worker that authorizes channels but never authenticates users drops it.
/** @internal */
export const UserData = /* @__PURE__ */ Schema.StructWithRest(
  /* @__PURE__ */ Schema.Struct({
    id: Schema.NonEmptyString,
    user_info: /* @__PURE__ */ Schema.optional(Schema.Unknown),
    watchlist: /* @__PURE__ */ Schema.optional(/* @__PURE__ */ Schema.Array(Schema.NonEmptyString))
  }),
  anyOtherKey
)

// Both schemas are their own type side (no transformation), so decoding is validating; the first issue is
// the one reported.
const strictOptions = { onExcessProperty: "error", errors: "first" } as const
const validatePresenceData = SchemaParser.decodeUnknownResult(PresenceData, strictOptions)
const validateUserData = /* @__PURE__ */ SchemaParser.decodeUnknownResult(UserData, strictOptions)

const isPlainRecord = (u: unknown): u is Record<string, unknown> => {
  if (typeof u !== "object" || u === null) return false
  const proto = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

/**
 * A plain object's own properties, each read once (and a watchlist array copied), so that what is checked is
 * what is signed; anything else as is, for the schema to judge.
 */
const readData = (u: unknown): unknown => {
  if (!isPlainRecord(u)) return u
  const copy: Record<string, unknown> = { ...u }
  if (Array.isArray(copy.watchlist)) copy.watchlist = copy.watchlist.slice()
  return copy
}

/**
 * The common shape of presence data, recognized without Schema's interpreter (authorization is a hot path):
 * `true` only for values that `PresenceData` accepts, so the Schema stays the definition and decides, and
 * explains, everything else. Other keys need no look since any is allowed. Measured on the bench's member
 * `{ user_id: "ada", user_info: { name } }`: Effect 3 Schema validation ~300k ops/s (3.3 µs), this check over
 * 2M ops/s; on this line, Effect 4's `SchemaParser.decodeUnknownResult` ~490k ops/s against this check's
 * ~18M (CPU time, median of 11 interleaved rounds, Node 20, shared 2-CPU machine).
 */
const isSimplePresenceData = (u: unknown): boolean => {
  if (!isPlainRecord(u)) return false
  // The protocol's rule itself (no copy that could drift): it allocates nothing when the id is valid.
  return Users.checkPresenceUserId("user_id", u.user_id) === undefined &&
    Object.getOwnPropertySymbols(u).length === 0
}

const isSimpleUserData = (u: unknown): boolean => {
  if (!isPlainRecord(u)) return false
  const id = u.id
  if (typeof id !== "string" || id.length === 0) return false
  const list = u.watchlist
  if (list !== undefined) {
    if (!Array.isArray(list)) return false
    for (let i = 0; i < list.length; i++) if (typeof list[i] !== "string" || list[i].length === 0) return false
  }
  return Object.getOwnPropertySymbols(u).length === 0
}

const schemaFailure = (field: string, issue: SchemaIssue.Issue): ValidationError => {
  const leaf = Issue.firstLeaf(issue)
  return toError({ field: leaf.path === "" ? field : `${field}.${leaf.path}`, rule: leaf.message })
}

const presenceDataError = (u: unknown): ValidationError | undefined => {
  if (isSimplePresenceData(u)) return undefined
  const checked = validatePresenceData(u)
  return Result.isFailure(checked) ? schemaFailure("presenceData", checked.failure) : undefined
}

const userDataError = (u: unknown): ValidationError | undefined => {
  if (isSimpleUserData(u)) return undefined
  const checked = validateUserData(u)
  return Result.isFailure(checked) ? schemaFailure("user", checked.failure) : undefined
}

/** A user's id and watchlist as user ids (the schema has checked their shape), the watchlist within the config's size. */
const userIdsError = (user: unknown, maxWatchlistSize: number): ValidationError | undefined => {
  if (typeof user !== "object" || user === null) return undefined
  const idFailure = Names.checkUserId("user.id", Reflect.get(user, "id"))
  if (idFailure !== undefined) return toError(idFailure)
  const watchlist: unknown = Reflect.get(user, "watchlist")
  if (!Array.isArray(watchlist)) return undefined
  if (watchlist.length > maxWatchlistSize) {
    return toError({
      field: "user.watchlist",
      rule: `must hold at most ${maxWatchlistSize} user ids, got ${watchlist.length}`
    })
  }
  for (let i = 0; i < watchlist.length; i++) {
    const failure = Names.checkUserId(`user.watchlist[${i}]`, watchlist[i])
    if (failure !== undefined) return toError(failure)
  }
  return undefined
}

const fail = (field: string, rule: string): Result.Result<never, ValidationError> =>
  Result.fail(toError({ field, rule }))

/** @internal What `authorizeChannel` was given, each read once. */
export interface ChannelInput {
  readonly socketId: unknown
  readonly channel: unknown
  readonly presenceData: unknown
}

/** @internal */
export const readChannel = (socketId: unknown, channel: unknown, presenceData: unknown): ChannelInput => ({
  socketId,
  channel,
  presenceData: readData(presenceData)
})

/** @internal */
export const authorize = (
  config: PusherConfig.Service,
  crypto: PusherCrypto.Service,
  input: ChannelInput
): Result.Result<ChannelAuthorization, ValidationError | EncryptionError> => {
  // The protocol's results are read in place rather than lifted into `Result`s and chained: this runs on every
  // subscription. Before → after, ratio to pusher@5.3.4 (CPU time, 151 interleaved rounds, two runs): private
  // 1.35× → 1.41× and 1.38× → 1.44×, presence even (1.10× → 1.13× and 1.10× → 1.09×). The same code on
  // Effect 4 against the Effect 3 line, through `Effect.runSync` (CPU time, median of 15 interleaved rounds,
  // Node 20): private 101k → 347k ops/s, presence 72k → 192k.
  const socketId = Events.checkSocketId("socketId", input.socketId)
  if (!socketId.ok) return Result.fail(toError(socketId.error))
  const checked = Events.checkChannel("channel", input.channel)
  if (!checked.ok) return Result.fail(toError(checked.error))
  const channel = checked.value
  if (!Names.isPrivateOrPresence(channel)) {
    return fail("channel", "is public: only private- and presence- channels need authorization")
  }
  const sign = Signing.signer(config, crypto)
  // A presence channel without presence data is signed as pusher@5.3.4 signs it (`socket_id:channel`): the
  // member is then the user signed in with `authenticateUser`.
  if (input.presenceData === undefined) {
    const auth = ProtocolSigning.channelAuth(config.key, sign, socketId.value, channel, undefined)
    if (!Names.isEncrypted(channel)) return Result.succeed({ auth })
    return Result.map(Encryption.masterKeyFor(config, channel), (masterKey) => ({
      auth,
      shared_secret: Encoding.base64Encode(Encryption.channelKey(crypto, masterKey, channel))
    }))
  }
  if (!Names.isPresence(channel)) return fail("presenceData", "is only for presence- channels")
  const error = presenceDataError(input.presenceData)
  if (error !== undefined) return Result.fail(error)
  const channelData = Json.toJson("presenceData", input.presenceData)
  if (!channelData.ok) return Result.fail(toError(channelData.error))
  const tooLarge = Users.checkPresenceDataSize("presenceData", channelData.value)
  if (tooLarge !== undefined) return Result.fail(toError(tooLarge))
  return Result.succeed({
    auth: ProtocolSigning.channelAuth(config.key, sign, socketId.value, channel, channelData.value),
    channel_data: channelData.value
  })
}

/** @internal What `authenticateUser` was given, each read once. */
export interface UserInput {
  readonly socketId: unknown
  readonly user: unknown
}

/** @internal */
export const readUser = (socketId: unknown, user: unknown): UserInput => ({ socketId, user: readData(user) })

/** @internal */
export const authenticate = (
  config: PusherConfig.Service,
  crypto: PusherCrypto.Service,
  input: UserInput
): Result.Result<UserAuthentication, ValidationError> => {
  const socketId = Events.checkSocketId("socketId", input.socketId)
  if (!socketId.ok) return Result.fail(toError(socketId.error))
  const error = userDataError(input.user) ?? userIdsError(input.user, config.maxWatchlistSize)
  if (error !== undefined) return Result.fail(error)
  const userData = Json.toJson("user", input.user)
  if (!userData.ok) return Result.fail(toError(userData.error))
  return Result.succeed({
    auth: ProtocolSigning.userAuth(config.key, Signing.signer(config, crypto), socketId.value, userData.value),
    user_data: userData.value
  })
}

/**
 * Runs a signing operation on a snapshot: it needs the config and the crypto primitives only.
 *
 * @internal
 */
export const operation = <S, A, E>(
  name: string,
  read: () => S,
  body: (config: PusherConfig.Service, crypto: PusherCrypto.Service, snapshot: S) => Result.Result<A, E>
): Effect.Effect<A, E | ValidationError, PusherConfig.PusherConfig> =>
  Operation.operation(name, read, Operation.unreadableInput, (snapshot, context) =>
    Effect.fromResult(body(
      Context.get(context as Context.Context<PusherConfig.PusherConfig>, PusherConfig.PusherConfig),
      Context.get(context, PusherCrypto.PusherCrypto),
      snapshot
    )))
