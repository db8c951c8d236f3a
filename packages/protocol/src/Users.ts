/**
 * The rules for presence data (`channel_data`) and signed-in user data (`user_data`) beyond their JSON
 * shape (SPEC §3). Both are the caller's payload: extra keys are signed as given, never refused.
 *
 * @since 0.1.0
 */
import * as Encoding from "./Encoding.js"
import { describe, fail, type Failure } from "./Failure.js"
import * as Names from "./Names.js"

/**
 * A presence member's user id: at most this many characters (UTF-16 code units, as JavaScript counts),
 * per Pusher's presence channel docs ("maximum 128 characters for user id").
 *
 * @since 0.1.0
 * @category limits
 */
export const maxPresenceUserIdLength = 128

/**
 * A presence member's user object (`channel_data`, the whole presence data as JSON): at most this many
 * UTF-8 bytes, reading the presence docs' "1KB limit for user object" as 1024 bytes of what is signed.
 *
 * @since 0.1.0
 * @category limits
 */
export const maxPresenceDataBytes = 1024

/**
 * A presence member's `user_id`: a non-empty string of at most 128 characters, or a safe integer (the docs
 * allow numeric ids up to 2^53, the largest integer JavaScript represents exactly). A number is signed as
 * a JSON number, as given.
 *
 * @since 0.1.0
 * @category checks
 */
export const checkPresenceUserId = (field: string, userId: unknown): Failure | undefined => {
  if (typeof userId === "number") {
    return Number.isSafeInteger(userId)
      ? undefined
      : fail(field, `must be a safe integer (below 2^53 in size) when a number, got ${userId}`)
  }
  if (typeof userId !== "string") return fail(field, `must be a string or a safe integer, got ${describe(userId)}`)
  if (userId.length === 0) return fail(field, "must not be empty")
  if (userId.length > maxPresenceUserIdLength) {
    return fail(field, `must be at most ${maxPresenceUserIdLength} characters, got ${userId.length}`)
  }
  return undefined
}

/**
 * The presence user object's size limit, over the exact JSON that is signed (`channel_data`).
 *
 * @since 0.1.0
 * @category checks
 */
export const checkPresenceDataSize = (field: string, channelData: string): Failure | undefined => {
  const bytes = Encoding.utf8LengthOver(channelData, maxPresenceDataBytes)
  return bytes === undefined
    ? undefined
    : fail(field, `must be at most ${maxPresenceDataBytes} bytes as JSON (UTF-8), got ${bytes}`)
}

/**
 * A presence member's user id as the emulator and webhooks carry it: a string as is, a safe integer as its
 * decimal string (as it is signed); `undefined` for anything else. Check it first with
 * {@link checkPresenceUserId}, which says why.
 *
 * @since 0.1.0
 * @category conversions
 */
export const presenceUserIdText = (userId: unknown): string | undefined =>
  typeof userId === "string"
    ? userId
    : typeof userId === "number" && Number.isSafeInteger(userId)
    ? String(userId)
    : undefined

const isPlainRecord = (u: unknown): u is Record<string, unknown> => {
  if (typeof u !== "object" || u === null) return false
  const proto = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

/**
 * Presence or user data as given, read once: a plain object's own properties copied (and a `watchlist`
 * array copied), so that what is checked is what is signed; anything else as is, for the caller's schema to
 * judge. Reading can throw (a getter, a Proxy): the caller guards this step.
 *
 * @since 0.1.0
 * @category reading
 */
export const readData = (u: unknown): unknown => {
  if (!isPlainRecord(u)) return u
  const copy: Record<string, unknown> = { ...u }
  if (Array.isArray(copy.watchlist)) copy.watchlist = copy.watchlist.slice()
  return copy
}

/**
 * The common shape of presence data (a plain object with a valid `user_id`, no symbol keys), recognized
 * without a Schema interpreter (authorization is a hot path): `true` only for values that each Effect
 * line's `PresenceData` schema accepts, so the schema stays the definition and decides, and explains,
 * everything else. Other keys need no look since any is allowed. Measured on the bench's member
 * `{ user_id: "ada", user_info: { name } }`: Effect 3's Schema validation ~300k ops/s (3.3 µs), this check
 * over 2M; Effect 4's `SchemaParser.decodeUnknownResult` ~490k ops/s, this check ~18M (CPU time, median of
 * 11 interleaved rounds, Node 20, shared 2-CPU machine). `authorizeChannel` presence on Effect 3, before →
 * after extra keys and numeric ids: median 57k → 67k ops/s (the point is "not slower").
 *
 * @since 0.1.0
 * @category checks
 */
export const isSimplePresenceData = (u: unknown): boolean => {
  if (!isPlainRecord(u)) return false
  // The rule itself (no copy that could drift): it allocates nothing when the id is valid.
  return checkPresenceUserId("user_id", u.user_id) === undefined && Object.getOwnPropertySymbols(u).length === 0
}

/**
 * The common shape of user data (a plain object with a non-empty string `id`, a `watchlist` of non-empty
 * strings if any, no symbol keys), recognized without a Schema interpreter: `true` only for values that
 * each Effect line's `UserData` schema accepts.
 *
 * @since 0.1.0
 * @category checks
 */
export const isSimpleUserData = (u: unknown): boolean => {
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

/**
 * A signed-in user's `id` and `watchlist` entries as user ids (their shape already checked by the `UserData`
 * schema), the watchlist at most `maxWatchlistSize` long: the failure names `user.id`,
 * `user.watchlist` or `user.watchlist[i]`.
 *
 * @since 0.1.0
 * @category checks
 */
export const checkUserIds = (user: unknown, maxWatchlistSize: number): Failure | undefined => {
  if (typeof user !== "object" || user === null) return undefined
  const idFailure = Names.checkUserId("user.id", Reflect.get(user, "id"))
  if (idFailure !== undefined) return idFailure
  const watchlist: unknown = Reflect.get(user, "watchlist")
  if (!Array.isArray(watchlist)) return undefined
  if (watchlist.length > maxWatchlistSize) {
    return fail("user.watchlist", `must hold at most ${maxWatchlistSize} user ids, got ${watchlist.length}`)
  }
  for (let i = 0; i < watchlist.length; i++) {
    const failure = Names.checkUserId(`user.watchlist[${i}]`, watchlist[i])
    if (failure !== undefined) return failure
  }
  return undefined
}
