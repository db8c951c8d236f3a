import * as Encoding from "@effect-pusher/protocol/Encoding"
import * as Events from "@effect-pusher/protocol/Events"
import * as Json from "@effect-pusher/protocol/Json"
import * as Names from "@effect-pusher/protocol/Names"
import * as ProtocolSigning from "@effect-pusher/protocol/Signing"
import * as Users from "@effect-pusher/protocol/Users"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { ChannelAuthorization, UserAuthentication } from "../Pusher.js"
import * as PusherConfig from "../PusherConfig.js"
import * as PusherCrypto from "../PusherCrypto.js"
import type { EncryptionError, ValidationError } from "../PusherError.js"
import * as Encryption from "./encryption.js"
import * as Issue from "./issue.js"
import * as Operation from "./operation.js"
import * as Signing from "./signing.js"
import { toEither, toError } from "./validation.js"

// Channel authorization and user authentication: the presence and user data checks, and the signatures.

// Presence and user data are the caller's payload: keys beyond the documented ones are signed as given, in the
// caller's order (as pusher@5.3.4 and the other official libraries do), so both schemas take any other key.
const anyOtherKey = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** @internal */
export const PresenceData = Schema.Struct({
  user_id: Schema.Union(Schema.String, Schema.Number).annotations({
    message: () => ({ message: "must be a string or a safe integer", override: true })
  }).pipe(
    Schema.filter((userId) => Users.checkPresenceUserId("user_id", userId)?.rule)
  ),
  user_info: Schema.optional(Schema.Unknown)
}, anyOtherKey)

// Pure (its inner calls too): a Worker that authorizes channels but never authenticates users drops it.
/** @internal */
export const UserData = /* @__PURE__ */ Schema.Struct({
  id: /* @__PURE__ */ Schema.String.pipe(/* @__PURE__ */ Schema.minLength(1)),
  user_info: /* @__PURE__ */ Schema.optional(Schema.Unknown),
  watchlist: /* @__PURE__ */ Schema.optional(
    /* @__PURE__ */ Schema.Array(/* @__PURE__ */ Schema.String.pipe(/* @__PURE__ */ Schema.minLength(1)))
  )
}, anyOtherKey)

const strictOptions = { onExcessProperty: "error", errors: "first" } as const
// Both schemas are their own type side (no transformation: `SchemaAST.typeAST` returns the same AST), so
// decoding is validating; `decodeUnknownEither` is the parser the Worker loads anyway (check:size +15 169 →
// +15 157 bytes gzipped over the baseline, with `validateEither` no longer loaded).
const validatePresenceData = ParseResult.decodeUnknownEither(PresenceData, strictOptions)
const validateUserData = /* @__PURE__ */ ParseResult.decodeUnknownEither(UserData, strictOptions)

const schemaFailure = (field: string, issue: ParseResult.ParseIssue): ValidationError => {
  const leaf = Issue.firstLeaf(issue)
  return toError({ field: leaf.path === "" ? field : `${field}.${leaf.path}`, rule: leaf.message })
}

// The common shape is recognized by the protocol's `Users.isSimplePresenceData` first, without Schema's
// interpreter (authorization is a hot path); the Schema decides, and explains, everything else.
const presenceDataError = (u: unknown): ValidationError | undefined => {
  if (Users.isSimplePresenceData(u)) return undefined
  const checked = validatePresenceData(u)
  return Either.isLeft(checked) ? schemaFailure("presenceData", checked.left) : undefined
}

const userDataError = (u: unknown): ValidationError | undefined => {
  if (Users.isSimpleUserData(u)) return undefined
  const checked = validateUserData(u)
  return Either.isLeft(checked) ? schemaFailure("user", checked.left) : undefined
}

// Only once the schema has checked the user's shape: the protocol's user id rules on `id` and the watchlist.
const userIdsError = (user: unknown, maxWatchlistSize: number): ValidationError | undefined => {
  const failure = Users.checkUserIds(user, maxWatchlistSize)
  return failure === undefined ? undefined : toError(failure)
}

const fail = (field: string, rule: string): Either.Either<never, ValidationError> =>
  Either.left(toError({ field, rule }))

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
  presenceData: Users.readData(presenceData)
})

/** @internal */
export const authorize = (
  config: PusherConfig.Service,
  crypto: PusherCrypto.Service,
  input: ChannelInput
): Either.Either<ChannelAuthorization, ValidationError | EncryptionError> => {
  // The protocol's results are read in place rather than lifted into `Either`s and chained: this runs on every
  // subscription. Before → after, ratio to pusher@5.3.4 (CPU time, 151 interleaved rounds, two runs): private
  // 1.35× → 1.41× and 1.38× → 1.44×, presence even (1.10× → 1.13× and 1.10× → 1.09×).
  const socketId = Events.checkSocketId("socketId", input.socketId)
  if (!socketId.ok) return Either.left(toError(socketId.error))
  const checked = Events.checkChannel("channel", input.channel)
  if (!checked.ok) return Either.left(toError(checked.error))
  const channel = checked.value
  if (!Names.isPrivateOrPresence(channel)) {
    return fail("channel", "is public: only private- and presence- channels need authorization")
  }
  const sign = Signing.signer(config, crypto)
  // A presence channel without presence data is signed as pusher@5.3.4 signs it (`socket_id:channel`): the
  // member is then the user signed in with `authenticateUser`.
  if (input.presenceData === undefined) {
    const auth = ProtocolSigning.channelAuth(config.key, sign, socketId.value, channel, undefined)
    if (!Names.isEncrypted(channel)) return Either.right({ auth })
    return Either.map(Encryption.masterKeyFor(config, channel), (masterKey) => ({
      auth,
      shared_secret: Encoding.base64Encode(Encryption.channelKey(crypto, masterKey, channel))
    }))
  }
  if (!Names.isPresence(channel)) return fail("presenceData", "is only for presence- channels")
  const error = presenceDataError(input.presenceData)
  if (error !== undefined) return Either.left(error)
  const channelData = Json.toJson("presenceData", input.presenceData)
  if (!channelData.ok) return Either.left(toError(channelData.error))
  const tooLarge = Users.checkPresenceDataSize("presenceData", channelData.value)
  if (tooLarge !== undefined) return Either.left(toError(tooLarge))
  return Either.right({
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
export const readUser = (socketId: unknown, user: unknown): UserInput => ({ socketId, user: Users.readData(user) })

/** @internal */
export const authenticate = (
  config: PusherConfig.Service,
  crypto: PusherCrypto.Service,
  input: UserInput
): Either.Either<UserAuthentication, ValidationError> => {
  const socketId = toEither(Events.checkSocketId("socketId", input.socketId))
  if (Either.isLeft(socketId)) return Either.left(socketId.left)
  const error = userDataError(input.user) ?? userIdsError(input.user, config.maxWatchlistSize)
  if (error !== undefined) return Either.left(error)
  return Either.map(toEither(Json.toJson("user", input.user)), (userData) => ({
    auth: ProtocolSigning.userAuth(config.key, Signing.signer(config, crypto), socketId.right, userData),
    user_data: userData
  }))
}

/**
 * Runs a signing operation on a snapshot: it needs the config and the crypto primitives only.
 *
 * @internal
 */
export const operation = <S, A, E>(
  name: string,
  read: () => S,
  body: (config: PusherConfig.Service, crypto: PusherCrypto.Service, snapshot: S) => Either.Either<A, E>
): Effect.Effect<A, E | ValidationError, PusherConfig.PusherConfig> =>
  Operation.operation(name, read, Operation.unreadableInput, (snapshot, context) => {
    const result = body(
      Context.get(context as Context.Context<PusherConfig.PusherConfig>, PusherConfig.PusherConfig),
      Context.get(context, PusherCrypto.PusherCrypto),
      snapshot
    )
    // An `Exit` is the run loop's own result: the fiber goes on with it at once, where an `Either` takes one more
    // turn of the loop (and one more allocation) to become one. Ratio to pusher@5.3.4, `pnpm bench pure`
    // (median of 41 interleaved rounds, load 2.7-5.8 on 2 CPUs), before → after: Node 20 presence 1.05-1.07× →
    // 1.13-1.16×, private 1.29-1.33× → 1.42-1.46×; Node 22 presence 0.86-0.90× → 0.86-0.94×, private
    // 1.07-1.10× → 1.11-1.17×.
    return Either.isRight(result) ? Exit.succeed(result.right) : Exit.fail(result.left)
  })
