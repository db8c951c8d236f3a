/**
 * What an HTTP status of the Channels API means.
 *
 * @since 0.1.0
 */

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
 * @since 0.1.0
 * @category predicates
 */
export const isSuccess = (status: number): boolean => status >= 200 && status < 300

/**
 * soketi answers most errors with status 200 and `{"error": "...", "code": 4xx}`: the status such an
 * answer stands for, or `undefined` for a genuine success body.
 *
 * @since 0.1.0
 * @category classification
 */
export const embeddedErrorStatus = (json: unknown): number | undefined => {
  if (typeof json !== "object" || json === null || Array.isArray(json) || !("error" in json)) return undefined
  const code = (json as { readonly code?: unknown }).code
  return typeof code === "number" && Number.isInteger(code) && code >= 400 && code <= 599 ? code : 400
}
