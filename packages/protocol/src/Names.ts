/**
 * The names Channels accepts (SPEC §5): channels, events, socket ids and user ids, and what a channel's
 * name says about it (private, presence, encrypted, cache).
 *
 * @since 0.1.0
 */
import { describe, fail, type Failure } from "./Failure.js"
import * as Limits from "./Limits.js"

/**
 * The characters of a channel name.
 *
 * @since 0.1.0
 * @category patterns
 */
export const channelNamePattern = /^[A-Za-z0-9_\-=@,.;]+$/

const nameCharacter = /^[A-Za-z0-9_\-=@,.;]$/
const socketIdPattern = /^\d+\.\d+$/
const cachePattern = /^(?:private-encrypted-|private-|presence-)?cache-/

const alphabetRule = "may contain only A-Z a-z 0-9 _ - = @ , . ;"

const badCharacter = (value: string): string => {
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!
    if (!nameCharacter.test(ch)) return `character ${JSON.stringify(ch)} at index ${i}`
  }
  return "a character"
}

/**
 * Whether a channel is a presence channel (`presence-`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isPresence = (channel: string): boolean => channel.startsWith(Limits.presencePrefix)

/**
 * Private (encrypted or not) or presence: the channels that need authorization and carry client events.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isPrivateOrPresence = (channel: string): boolean =>
  channel.startsWith(Limits.privatePrefix) || isPresence(channel)

/**
 * Whether a channel is end-to-end encrypted (`private-encrypted-`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isEncrypted = (channel: string): boolean => channel.startsWith(Limits.encryptedPrefix)

/**
 * A cache channel (`cache-`, `private-cache-`, `private-encrypted-cache-`, `presence-cache-`) keeps its last
 * event for new subscribers.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isCache = (channel: string): boolean => cachePattern.test(channel)

/**
 * A channel name: 1-200 characters of the channel alphabet. `#server-to-user-` channels are refused here:
 * they are reached through send-to-user only.
 *
 * @since 0.1.0
 * @category checks
 */
export const checkChannel = (field: string, channel: unknown): Failure | undefined => {
  if (typeof channel !== "string") return fail(field, `must be a string, got ${describe(channel)}`)
  if (channel.length === 0) return fail(field, "must not be empty")
  if (channel.length > Limits.maxNameLength) {
    return fail(field, `must be at most ${Limits.maxNameLength} characters, got ${channel.length}`)
  }
  if (!channelNamePattern.test(channel)) {
    if (channel.startsWith(Limits.serverToUserPrefix)) {
      return fail(field, `${Limits.serverToUserPrefix}* channels are reached with sendToUser only`)
    }
    return fail(field, `${alphabetRule} (found ${badCharacter(channel)})`)
  }
  return undefined
}

/**
 * A channel-name prefix (for listing channels): what a channel name may start with.
 *
 * @since 0.1.0
 * @category checks
 */
export const checkChannelPrefix = (field: string, prefix: unknown): Failure | undefined => {
  if (typeof prefix !== "string" || prefix.length === 0 || prefix.length > Limits.maxNameLength) {
    return fail(field, `must be 1-${Limits.maxNameLength} characters`)
  }
  return channelNamePattern.test(prefix) ? undefined : fail(field, alphabetRule)
}

/**
 * An event name: 1-200 characters.
 *
 * @since 0.1.0
 * @category checks
 */
export const checkEventName = (field: string, event: unknown): Failure | undefined => {
  if (typeof event !== "string") return fail(field, `must be a string, got ${describe(event)}`)
  if (event.length === 0) return fail(field, "must not be empty")
  if (event.length > Limits.maxNameLength) {
    return fail(field, `must be at most ${Limits.maxNameLength} characters, got ${event.length}`)
  }
  return undefined
}

/**
 * A socket id as Channels issues it: digits, a dot, digits (no surrounding space, newline or `:`).
 *
 * @since 0.1.0
 * @category checks
 */
export const checkSocketId = (field: string, socketId: unknown): Failure | undefined => {
  if (typeof socketId !== "string") return fail(field, `must be a string, got ${describe(socketId)}`)
  if (!socketIdPattern.test(socketId)) return fail(field, "must look like 1234.5678 (digits, a dot, digits)")
  return undefined
}

/**
 * A user id: 1-200 characters of the channel alphabet and not `.` or `..`, so that it is safe in a URL path
 * and in a `#server-to-user-` channel name.
 *
 * @since 0.1.0
 * @category checks
 */
export const checkUserId = (field: string, userId: unknown): Failure | undefined => {
  if (typeof userId !== "string") return fail(field, `must be a string, got ${describe(userId)}`)
  if (userId.length === 0) return fail(field, "must not be empty")
  if (userId.length > Limits.maxNameLength) {
    return fail(field, `must be at most ${Limits.maxNameLength} characters, got ${userId.length}`)
  }
  if (!channelNamePattern.test(userId)) return fail(field, `${alphabetRule} (found ${badCharacter(userId)})`)
  return checkPathSegment(field, userId)
}

/**
 * A name that becomes a URL path segment must not be `.` or `..`: URL parsers resolve those (even
 * percent-encoded), so the request would reach another path than the one signed.
 *
 * @since 0.1.0
 * @category checks
 */
export const checkPathSegment = (field: string, segment: string): Failure | undefined =>
  segment === "." || segment === ".." ? fail(field, "must not be . or .. (it is a URL path segment)") : undefined
