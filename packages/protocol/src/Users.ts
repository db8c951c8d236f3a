/**
 * The rules for presence data (`channel_data`) and signed-in user data (`user_data`) beyond their JSON
 * shape (SPEC §3). Both are the caller's payload: extra keys are signed as given, never refused.
 *
 * @since 0.1.0
 */
import * as Encoding from "./Encoding.js"
import { describe, fail, type Failure } from "./Failure.js"

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
