/**
 * Webhook verification (SPEC §4): the headers a webhook must carry and its signature check, with the HMAC
 * and the constant-time comparison passed in as plain functions. The events are decoded by
 * `WebhookEvents`.
 *
 * Compared with pusher-http-node, header names are case-insensitive, `Content-Type` is compared by media
 * type (`application/json; charset=utf-8` is accepted), and a missing header is a failure rather than a
 * throw.
 *
 * @since 0.1.0
 */
import * as Encoding from "./Encoding.js"
import { err, ok, type Result } from "./Failure.js"
import * as Headers from "./Headers.js"
import { excerpt } from "./Limits.js"
import type { Sign } from "./Signing.js"

/**
 * Every reason a webhook request can be refused for.
 *
 * @since 0.1.0
 * @category constants
 */
export const reasons = [
  "MissingHeader",
  "UnsupportedContentType",
  "UnknownKey",
  "SignatureMismatch",
  "InvalidBody",
  "Expired"
] as const

/**
 * Why a webhook request is not accepted: one of `reasons`.
 *
 * @since 0.1.0
 * @category models
 */
export type Reason = typeof reasons[number]

/**
 * A rejected webhook request: why, and a description that never contains a secret or a signature.
 *
 * @since 0.1.0
 * @category models
 */
export interface WebhookFailure {
  readonly reason: Reason
  readonly description: string
}

/**
 * The HTTP status a webhook endpoint answers a refused webhook with: 401 when it is not proven to come from
 * Pusher (a header missing, an unknown key, a wrong signature), 415 when it is not JSON, 400 when it is
 * proven but cannot be used (any other reason, including those a library adds, such as event data that does
 * not decode). Pusher retries any non-2xx answer for a while.
 *
 * @since 0.1.0
 * @category verification
 */
export const httpStatus = (reason: string): number => {
  switch (reason) {
    case "MissingHeader":
    case "UnknownKey":
    case "SignatureMismatch":
      return 401
    case "UnsupportedContentType":
      return 415
    default:
      return 400
  }
}

const reject = (reason: Reason, description: string): WebhookFailure => ({ reason, description })

type HeaderValue = string | undefined | typeof Headers.repeated

/**
 * A webhook request as read once from the caller: the three headers that matter (absent, one value, or
 * {@link Headers.repeated}) and the body as given. `headers` is `undefined` when the request had none.
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestSnapshot {
  readonly headers: {
    readonly contentType: HeaderValue
    readonly key: HeaderValue
    readonly signature: HeaderValue
  } | undefined
  readonly body: unknown
}

/**
 * Reads what verification needs from a request, each header once. It reads the caller's objects, so it
 * throws when they do (a getter, a proxy): the caller decides what that means.
 *
 * @since 0.1.0
 * @category verification
 */
export const readRequest = (request: {
  readonly headers: Headers.Input
  readonly body: unknown
}): RequestSnapshot => {
  // Untyped callers can pass anything: no object, or no headers, means no headers.
  if (typeof request !== "object" || request === null) return { headers: undefined, body: undefined }
  const { headers, body } = request
  if (typeof headers !== "object" || headers === null) return { headers: undefined, body }
  return {
    headers: {
      contentType: Headers.single(headers, "content-type"),
      key: Headers.single(headers, "x-pusher-key"),
      signature: Headers.single(headers, "x-pusher-signature")
    },
    body
  }
}

/**
 * What checking a signature needs: the signers of every accepted key (an app may have several tokens for
 * one key) and a comparison whose time depends only on the lengths.
 *
 * @since 0.1.0
 * @category models
 */
export interface Verifier {
  readonly signers: ReadonlyMap<string, ReadonlyArray<Sign>>
  readonly timingSafeEqual: (a: string, b: string) => boolean
}

/**
 * The request's headers as checked before its body is read: the signature to compare and the signers of
 * the key that sent it.
 *
 * @since 0.1.0
 * @category models
 */
export interface CheckedHeaders {
  readonly signature: string
  readonly signers: ReadonlyArray<Sign>
}

/**
 * Checks everything that needs no body: `Content-Type` is JSON, `X-Pusher-Key` an accepted key and
 * `X-Pusher-Signature` present, so an endpoint can refuse a request before reading what it uploads.
 *
 * @since 0.1.0
 * @category verification
 */
export const checkHeaders = (
  verifier: Verifier,
  headers: RequestSnapshot["headers"]
): Result<CheckedHeaders, WebhookFailure> => {
  if (headers === undefined) return err(reject("MissingHeader", "the request has no headers"))
  const { contentType, key, signature } = headers
  if (contentType === undefined) return err(reject("MissingHeader", "Content-Type is missing"))
  if (contentType === Headers.repeated || Headers.mediaType(contentType) !== "application/json") {
    return err(reject("UnsupportedContentType", "Content-Type must be application/json"))
  }
  if (key === undefined) return err(reject("MissingHeader", "X-Pusher-Key is missing"))
  if (key === Headers.repeated) return err(reject("UnknownKey", "X-Pusher-Key is given more than once"))
  if (signature === undefined) return err(reject("MissingHeader", "X-Pusher-Signature is missing"))
  if (signature === Headers.repeated) {
    return err(reject("SignatureMismatch", "X-Pusher-Signature is given more than once"))
  }
  const signers = verifier.signers.get(key)
  if (signers === undefined) {
    return err(reject("UnknownKey", `X-Pusher-Key ${JSON.stringify(excerpt(key))} is not an accepted key`))
  }
  return ok({ signature, signers })
}

/**
 * Checks the request's headers and signature and answers the authenticated body as text: `Content-Type`
 * is JSON, `X-Pusher-Key` an accepted key, `X-Pusher-Signature` the HMAC of the body (a string, or bytes
 * that are UTF-8) with one of that key's secrets.
 *
 * @since 0.1.0
 * @category verification
 */
export const authenticate = (verifier: Verifier, request: RequestSnapshot): Result<string, WebhookFailure> => {
  const headers = checkHeaders(verifier, request.headers)
  if (!headers.ok) return headers
  const { signature, signers } = headers.value
  const body = bodyText(request.body)
  if (!body.ok) return body
  let valid = false
  for (const sign of signers) {
    // Every signer runs, so the time does not tell which token matched.
    if (verifier.timingSafeEqual(sign(body.value), signature)) valid = true
  }
  return valid ? body : err(reject("SignatureMismatch", "X-Pusher-Signature does not match the body"))
}

/**
 * The body as text: a string as is, bytes decoded as strict UTF-8.
 *
 * @since 0.1.0
 * @category verification
 */
export const bodyText = (body: unknown): Result<string, WebhookFailure> => {
  if (typeof body === "string") return ok(body)
  if (!(body instanceof Uint8Array)) return err(reject("InvalidBody", "the body must be a string or bytes"))
  const text = Encoding.utf8DecodeStrict(body)
  return text === undefined ? err(reject("InvalidBody", "the body is not UTF-8")) : ok(text)
}

/**
 * Parses an authenticated body as JSON.
 *
 * @since 0.1.0
 * @category verification
 */
export const parseBody = (body: string): Result<unknown, WebhookFailure> => {
  try {
    return ok(JSON.parse(body))
  } catch {
    return err(reject("InvalidBody", "the body is not JSON"))
  }
}

/**
 * How far ahead of the receiver's clock a webhook's `time_ms` may be: clocks drift, but a webhook signed
 * further ahead was not sent now (one signed a year ahead would stay fresh for a year).
 *
 * @since 0.1.0
 * @category constants
 */
export const maxClockSkewMillis = 60_000

/**
 * The freshness check of a verified webhook when a maximum age is set: its `time_ms` is at most `maxAgeMillis`
 * before `nowMillis` and at most {@link maxClockSkewMillis} after it (`Expired` otherwise). A body without
 * `time_ms` is refused (`InvalidBody`): its freshness cannot be shown.
 *
 * @since 0.1.0
 * @category verification
 */
export const checkFresh = (
  timeMs: number | undefined,
  nowMillis: number,
  maxAgeMillis: number
): WebhookFailure | undefined => {
  if (timeMs === undefined) return reject("InvalidBody", "time_ms is missing, and maxAge needs it")
  if (nowMillis - timeMs > maxAgeMillis) {
    return reject("Expired", `the webhook was sent at ${timeMs}, more than ${maxAgeMillis} ms ago`)
  }
  if (timeMs - nowMillis > maxClockSkewMillis) {
    return reject(
      "Expired",
      `the webhook is dated ${timeMs}, more than ${maxClockSkewMillis} ms ahead of the clock (${nowMillis})`
    )
  }
  return undefined
}
