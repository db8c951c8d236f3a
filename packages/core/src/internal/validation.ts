import { ValidationError } from "../PusherError.js"
import * as Encoding from "./encoding.js"

/** @internal */
export const channelNamePattern = /^[A-Za-z0-9_\-=@,.;]+$/
const socketIdPattern = /^\d+\.\d+$/

/** @internal */
export const maxNameLength = 200
/** @internal */
export const maxChannelsPerTrigger = 100
/** @internal */
export const maxEventsPerBatch = 10
/** @internal */
export const serverToUserPrefix = "#server-to-user-"
/** @internal */
export const encryptedPrefix = "private-encrypted-"

/** @internal A plain object (not null, not an array). */
export const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** @internal */
export const isEncryptedChannel = (channel: string): boolean => channel.startsWith(encryptedPrefix)

/** @internal */
export const fail = (field: string, rule: string): ValidationError => new ValidationError({ field, rule })

const describe = (value: unknown): string => value === null ? "null" : Array.isArray(value) ? "an array" : typeof value

const badCharacter = (value: string, pattern: RegExp): string => {
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!
    if (!pattern.test(ch)) return `character ${JSON.stringify(ch)} at index ${i}`
  }
  return "a character"
}

const nameCharacter = /^[A-Za-z0-9_\-=@,.;]$/

/** @internal Returns an error, or undefined when the name is valid. */
export const checkChannel = (field: string, channel: unknown): ValidationError | undefined => {
  if (typeof channel !== "string") return fail(field, `must be a string, got ${describe(channel)}`)
  if (channel.length === 0) return fail(field, "must not be empty")
  if (channel.length > maxNameLength) {
    return fail(field, `must be at most ${maxNameLength} characters, got ${channel.length}`)
  }
  if (!channelNamePattern.test(channel)) {
    if (channel.startsWith(serverToUserPrefix)) {
      return fail(field, `${serverToUserPrefix}* channels are reached with sendToUser only`)
    }
    return fail(
      field,
      `may contain only A-Z a-z 0-9 _ - = @ , . ; (found ${badCharacter(channel, nameCharacter)})`
    )
  }
  return undefined
}

/** @internal */
export const checkEventName = (field: string, event: unknown): ValidationError | undefined => {
  if (typeof event !== "string") return fail(field, `must be a string, got ${describe(event)}`)
  if (event.length === 0) return fail(field, "must not be empty")
  if (event.length > maxNameLength) {
    return fail(field, `must be at most ${maxNameLength} characters, got ${event.length}`)
  }
  return undefined
}

/** @internal */
export const checkSocketId = (field: string, socketId: unknown): ValidationError | undefined => {
  if (typeof socketId !== "string") return fail(field, `must be a string, got ${describe(socketId)}`)
  if (!socketIdPattern.test(socketId)) return fail(field, "must look like 1234.5678 (digits, a dot, digits)")
  return undefined
}

/** @internal */
export const checkUserId = (field: string, userId: unknown): ValidationError | undefined => {
  if (typeof userId !== "string") return fail(field, `must be a string, got ${describe(userId)}`)
  if (userId.length === 0) return fail(field, "must not be empty")
  if (userId.length > maxNameLength) {
    return fail(field, `must be at most ${maxNameLength} characters, got ${userId.length}`)
  }
  if (!channelNamePattern.test(userId)) {
    return fail(field, `may contain only A-Z a-z 0-9 _ - = @ , . ; (found ${badCharacter(userId, nameCharacter)})`)
  }
  return checkPathSegment(field, userId)
}

/**
 * A name that becomes a URL path segment must not be `.` or `..`: URL parsers resolve those (even
 * percent-encoded), so the request would reach another path than the one signed.
 *
 * @internal
 */
export const checkPathSegment = (field: string, segment: string): ValidationError | undefined =>
  segment === "." || segment === ".." ? fail(field, "must not be . or .. (it is a URL path segment)") : undefined

/**
 * Serializes event data the way Channels expects: a string as is, anything else as JSON.
 *
 * @internal
 */
export const serializeData = (field: string, data: unknown): string | ValidationError =>
  typeof data === "string" ? data : toJson(field, data)

/**
 * `JSON.stringify`, failing with a ValidationError for what has no JSON (undefined, a function, a BigInt,
 * a cycle, a throwing `toJSON`).
 *
 * @internal
 */
export const toJson = (field: string, value: unknown): string | ValidationError => {
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch (error) {
    return fail(field, `must be JSON-serializable (${error instanceof Error ? error.message : String(error)})`)
  }
  return json === undefined ? fail(field, `must be JSON-serializable, got ${describe(value)}`) : json
}

/** @internal */
export const checkPayloadSize = (
  field: string,
  serialized: string,
  maxBytes: number
): ValidationError | undefined => {
  // Each UTF-16 unit is at most 3 UTF-8 bytes, so short payloads need no count.
  if (serialized.length * 3 <= maxBytes) return undefined
  const bytes = Encoding.utf8Length(serialized)
  return bytes > maxBytes
    ? fail(field, `must be at most ${maxBytes} bytes of UTF-8 on the wire, got ${bytes}`)
    : undefined
}

/** @internal */
export const checkInfo = <A extends string>(
  field: string,
  info: unknown,
  allowed: ReadonlyArray<A>
): string | ValidationError | undefined => {
  if (info === undefined) return undefined
  if (!Array.isArray(info)) return fail(field, `must be an array of ${allowed.join(", ")}`)
  if (info.length === 0) return fail(field, "must not be empty when given")
  for (let i = 0; i < info.length; i++) {
    if (!allowed.includes(info[i])) {
      return fail(`${field}[${i}]`, `must be one of ${allowed.join(", ")}`)
    }
  }
  return info.join(",")
}

const paramKeyPattern = /^[A-Za-z0-9_\-.]+$/
const paramValuePattern = /^[A-Za-z0-9_\-=@,.;:]*$/
const reservedParams = new Set(["auth_key", "auth_timestamp", "auth_version", "auth_signature", "body_md5"])

/**
 * Query parameters are signed exactly as sent (Channels signs them unencoded), so they are restricted to
 * characters that need no URL-encoding.
 *
 * @internal
 */
export const checkParams = (
  field: string,
  params: unknown
): Array<readonly [string, string]> | ValidationError => {
  const out: Array<readonly [string, string]> = []
  if (params === undefined) return out
  if (params === null || typeof params !== "object" || Array.isArray(params)) {
    return fail(field, "must be a record of query parameters")
  }
  for (const key of Object.keys(params)) {
    const value = (params as Record<string, unknown>)[key]
    if (!paramKeyPattern.test(key)) return fail(`${field}.${key}`, "name may contain only A-Z a-z 0-9 _ - .")
    if (reservedParams.has(key)) return fail(`${field}.${key}`, "is reserved for request signing")
    if (value === undefined) continue
    let text: string
    if (typeof value === "string") text = value
    else if (typeof value === "number" && Number.isFinite(value)) text = String(value)
    else if (typeof value === "boolean") text = String(value)
    else if (Array.isArray(value) && value.every((v) => typeof v === "string" || typeof v === "number")) {
      text = value.join(",")
    } else return fail(`${field}.${key}`, "must be a string, a finite number, a boolean or an array of those")
    if (!paramValuePattern.test(text)) {
      return fail(`${field}.${key}`, "may contain only A-Z a-z 0-9 _ - = @ , . ; : (it is signed unencoded)")
    }
    out.push([key, text])
  }
  return out
}

const pathPattern = /^(?:\/[A-Za-z0-9_\-=@,.;:]+)+$/

/** @internal */
export const checkPath = (field: string, path: unknown): ValidationError | undefined => {
  if (typeof path !== "string") return fail(field, `must be a string, got ${describe(path)}`)
  if (path.startsWith("/apps/")) {
    return fail(field, "is relative to /apps/{appId}: drop the /apps/... prefix")
  }
  if (!pathPattern.test(path)) {
    return fail(field, "must start with / and contain only non-empty segments of A-Z a-z 0-9 _ - = @ , . ; :")
  }
  if (/\/\.\.?(?:\/|$)/.test(path)) return fail(field, "must not contain . or .. segments")
  return undefined
}
