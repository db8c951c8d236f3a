/**
 * What an HTTP status of the Channels API means.
 *
 * @since 0.1.0
 */
import * as Json from "./Json.js"

/**
 * Every reason a request can be refused for, from its status.
 *
 * @since 0.1.0
 * @category constants
 */
export const reasons = [
  "BadRequest",
  "Unauthorized",
  "Forbidden",
  "NotFound",
  "PayloadTooLarge",
  "TooManyRequests",
  "ServerError",
  "UnexpectedStatus"
] as const

/**
 * Why a server refused a request, by status: one of `reasons`.
 *
 * @since 0.1.0
 * @category models
 */
export type Reason = typeof reasons[number]

/**
 * The reason for an error status.
 *
 * @since 0.1.0
 * @category classification
 */
export const reasonOf = (status: number): Reason => {
  switch (status) {
    case 400:
      return "BadRequest"
    case 401:
      return "Unauthorized"
    case 403:
      return "Forbidden"
    case 404:
      return "NotFound"
    case 413:
      return "PayloadTooLarge"
    case 429:
      return "TooManyRequests"
    default:
      return status >= 500 ? "ServerError" : "UnexpectedStatus"
  }
}

/**
 * Whether a status is a success (2xx).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isSuccess = (status: number): boolean => status >= 200 && status < 300

/**
 * soketi answers most errors with status 200 and `{"error": "...", "code": 4xx}`: the status such an
 * answer stands for, or `undefined` for a genuine success body. Only that shape counts — a string `error`
 * and a numeric `code` — so a success body that merely has an `error` key (`{"result":"ok","error":null}`)
 * stays a success. A `code` outside 400-599 stands for 400.
 *
 * @since 0.1.0
 * @category classification
 */
export const embeddedErrorStatus = (json: unknown): number | undefined => {
  if (!Json.isRecord(json)) return undefined
  const { code, error } = json
  if (typeof error !== "string" || typeof code !== "number") return undefined
  return Number.isInteger(code) && code >= 400 && code <= 599 ? code : 400
}

/**
 * The longest wait a `Retry-After` is taken at: 5 minutes. Channels limits by the second and the minute, so a
 * longer wait comes from a misconfigured proxy or, for the date form, a clock far off; it is cut to this
 * rather than ignored, so a caller that honours it still backs off.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxRetryAfterMillis = 300_000

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

// The three HTTP-date forms a recipient must accept (RFC 9110 §5.6.7): IMF-fixdate, then the obsolete RFC 850
// and asctime forms.
const imfFixdate = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/
const rfc850Date =
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/
const asctimeDate = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/

/** A calendar time in UTC milliseconds, or `undefined` when a field is out of range (Feb 30, 25:00, ...). */
const utc = (year: number, month: string | undefined, day: number, hours: number, minutes: number, seconds: number) => {
  const monthIndex = month === undefined ? -1 : months.indexOf(month)
  if (monthIndex === -1 || hours > 23 || minutes > 59 || seconds > 60) return undefined
  const time = Date.UTC(year, monthIndex, day, hours, minutes, Math.min(seconds, 59))
  // Date.UTC rolls an impossible day over into the next month: such a date is malformed.
  return new Date(time).getUTCDate() === day ? time : undefined
}

/** An HTTP-date in UTC milliseconds; `nowMillis` places RFC 850's two-digit year (RFC 9110: at most 50 years ahead). */
const httpDate = (value: string, nowMillis: number): number | undefined => {
  let match = imfFixdate.exec(value)
  if (match !== null) {
    return utc(Number(match[3]), match[2], Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]))
  }
  match = rfc850Date.exec(value)
  if (match !== null) {
    const nowYear = new Date(nowMillis).getUTCFullYear()
    let year = nowYear - (nowYear % 100) + Number(match[3])
    if (year > nowYear + 50) year -= 100
    return utc(year, match[2], Number(match[1]), Number(match[4]), Number(match[5]), Number(match[6]))
  }
  match = asctimeDate.exec(value)
  if (match !== null) {
    return utc(Number(match[6]), match[1], Number(match[2]), Number(match[3]), Number(match[4]), Number(match[5]))
  }
  return undefined
}

/**
 * The wait, in milliseconds from `nowMillis`, that the `Retry-After` header `value` of an answer with `status`
 * asks for. Only 429 and 503 answers say when to retry with it (RFC 6585 §4, RFC 9110 §15.6.4). Both forms of
 * RFC 9110 §10.2.3 are read: delta-seconds (`120`) and an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`, or its
 * obsolete RFC 850 and asctime forms); a date in the past means now (0). A missing or malformed value (`-1`,
 * `1.5`, `soon`, a date that does not exist) answers `undefined`; a wait longer than {@link maxRetryAfterMillis}
 * is cut to it.
 *
 * @since 0.1.0
 * @category classification
 */
export const retryAfterMillis = (status: number, value: string | undefined, nowMillis: number): number | undefined => {
  if ((status !== 429 && status !== 503) || value === undefined) return undefined
  const trimmed = value.trim()
  // Any run of digits: a huge one becomes a huge (or infinite) number, which the cap cuts.
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, maxRetryAfterMillis)
  const at = httpDate(trimmed, nowMillis)
  return at === undefined ? undefined : Math.min(Math.max(at - nowMillis, 0), maxRetryAfterMillis)
}
