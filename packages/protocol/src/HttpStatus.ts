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
