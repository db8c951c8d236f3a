/**
 * Query parameters and paths of signed requests: `info` lists, a raw request's parameters and path. Channels
 * signs the decoded `k=v` pairs, so a parameter value may be any string: it is signed unencoded and
 * percent-encoded on the wire ({@link encodeValue}). Paths stay restricted to characters that need no
 * URL-encoding.
 *
 * @since 0.1.0
 */
import { describe, err, fail, type Failure, ok, type Result } from "./Failure.js"
import type { KeyTable } from "./Json.js"

/**
 * One query parameter, as signed.
 *
 * @since 0.1.0
 * @category models
 */
export type Param = readonly [key: string, value: string]

/**
 * An `info` list: `undefined` when not asked for, else the comma-joined attributes.
 *
 * @since 0.1.0
 * @category checks
 */
export const checkInfo = <A extends string>(
  field: string,
  info: unknown,
  allowed: ReadonlyArray<A>
): Result<{ readonly attributes: ReadonlyArray<A>; readonly joined: string } | undefined> => {
  if (info === undefined) return ok(undefined)
  if (!Array.isArray(info)) return err(fail(field, `must be an array of ${allowed.join(", ")}`))
  if (info.length === 0) return err(fail(field, "must not be empty when given"))
  const attributes: Array<A> = []
  for (let i = 0; i < info.length; i++) {
    const value: unknown = info[i]
    if (!allowed.includes(value as A)) return err(fail(`${field}[${i}]`, `must be one of ${allowed.join(", ")}`))
    attributes.push(value as A)
  }
  return ok({ attributes, joined: attributes.join(",") })
}

/**
 * The one table of keys the options of `channels` accept; `filter_by_prefix` is the query parameter's name.
 *
 * @since 0.1.0
 * @category constants
 */
export const channelsOptionKeys: KeyTable = {
  accepted: ["filterByPrefix", "info"],
  replacements: { filter_by_prefix: "filterByPrefix", prefix: "filterByPrefix" }
}

/**
 * The one table of keys the options of `channel` accept.
 *
 * @since 0.1.0
 * @category constants
 */
export const channelOptionKeys: KeyTable = { accepted: ["info"], replacements: {} }

const paramKeyPattern = /^[A-Za-z0-9_\-.]+$/

// What pusher-http-node's URL keeps raw on the wire: printable ASCII but what a WHATWG URL escapes in an
// http(s) query (`" # < > '`) and what node-fetch's legacy `url.parse` escapes after it (`\ ^ \` { | }`);
// less the three characters a server would read back differently: `&` (a new pair), `+` (a space) and `%`
// (an escape).
const encoded = "[^\\x21\\x24\\x28-\\x2A\\x2C-\\x3B\\x3D\\x3F-\\x5B\\x5D\\x5F\\x61-\\x7A\\x7E]"
const encodedOne = new RegExp(encoded)
// `u`: a surrogate pair is one character, encoded as its code point's four UTF-8 bytes.
const encodedEach = new RegExp(encoded, "gu")

/**
 * Whether `encodeValue` changes a key or value (most need nothing).
 *
 * @since 0.1.0
 * @category encoding
 */
export const needsEncoding = (value: string): boolean => encodedOne.test(value)

const escape = (c: string): string => {
  const code = c.charCodeAt(0)
  if (code < 0x80) return `%${code < 0x10 ? "0" : ""}${code.toString(16).toUpperCase()}`
  // A lone surrogate is sent as U+FFFD, as a WHATWG URL does and as UTF-8 signing reads it.
  if (c.length === 1 && code >= 0xd800 && code <= 0xdfff) return "%EF%BF%BD"
  return encodeURIComponent(c)
}

/**
 * A query key or value as it goes on the wire: spaces, controls, non-ASCII, `" # < > ' \ ^ \` { | }` (which
 * pusher-http-node's HTTP client escapes too, so the request is byte-identical to its own wherever its URL
 * arrives intact) and
 * `& + %` (which would otherwise split the pair, turn into a space or decode as an escape) are
 * percent-encoded as UTF-8; every other character is kept, so a value that needs nothing is returned as is.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeValue = (value: string): string =>
  encodedOne.test(value) ? value.replace(encodedEach, escape) : value

/**
 * Parameter names that request signing sets itself.
 *
 * @since 0.1.0
 * @category constants
 */
export const reservedParams: ReadonlySet<string> = new Set([
  "auth_key",
  "auth_timestamp",
  "auth_version",
  "auth_signature",
  "body_md5"
])

/**
 * A raw request's parameters: a record of strings, finite numbers, booleans or arrays of strings and numbers
 * (joined with `,`); `undefined` values are left out. Values may hold any character: they are signed as
 * given and percent-encoded on the wire (see {@link encodeValue}).
 *
 * @since 0.1.0
 * @category checks
 */
export const checkParams = (field: string, params: unknown): Result<Array<Param>> => {
  const out: Array<Param> = []
  if (params === undefined) return ok(out)
  if (params === null || typeof params !== "object" || Array.isArray(params)) {
    return err(fail(field, "must be a record of query parameters"))
  }
  for (const key of Object.keys(params)) {
    const value = (params as Record<string, unknown>)[key]
    if (!paramKeyPattern.test(key)) return err(fail(`${field}.${key}`, "name may contain only A-Z a-z 0-9 _ - ."))
    if (reservedParams.has(key)) return err(fail(`${field}.${key}`, "is reserved for request signing"))
    if (value === undefined) continue
    let text: string
    if (typeof value === "string") text = value
    else if (typeof value === "number" && Number.isFinite(value)) text = String(value)
    else if (typeof value === "boolean") text = String(value)
    else if (Array.isArray(value) && value.every((v) => typeof v === "string" || typeof v === "number")) {
      text = value.join(",")
    } else {
      return err(fail(`${field}.${key}`, "must be a string, a finite number, a boolean or an array of those"))
    }
    out.push([key, text])
  }
  return ok(out)
}

const pathPattern = /^(?:\/[A-Za-z0-9_\-=@,.;:]+)+$/

/**
 * A raw request's path, relative to `/apps/{appId}`.
 *
 * @since 0.1.0
 * @category checks
 */
export const checkPath = (field: string, path: unknown): Failure | undefined => {
  if (typeof path !== "string") return fail(field, `must be a string, got ${describe(path)}`)
  if (path.startsWith("/apps/")) return fail(field, "is relative to /apps/{appId}: drop the /apps/... prefix")
  if (!pathPattern.test(path)) {
    return fail(field, "must start with / and contain only non-empty segments of A-Z a-z 0-9 _ - = @ , . ; :")
  }
  if (/\/\.\.?(?:\/|$)/.test(path)) return fail(field, "must not contain . or .. segments")
  return undefined
}

/**
 * Splits a raw query string into decoded pairs (`+` is a space); `undefined` when it is not valid
 * percent-encoding. A key given twice keeps its last value.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (raw: string): Map<string, string> | undefined => {
  const query = new Map<string, string>()
  if (raw === "") return query
  try {
    for (const part of raw.split("&")) {
      if (part === "") continue
      const eq = part.indexOf("=")
      const key = decodeURIComponent((eq === -1 ? part : part.slice(0, eq)).replace(/\+/g, " "))
      const value = eq === -1 ? "" : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, " "))
      query.set(key, value)
    }
  } catch {
    return undefined
  }
  return query
}
