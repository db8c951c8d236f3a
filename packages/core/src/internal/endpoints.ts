/**
 * What the endpoints decide before reading a body (the webhook headers that need no body, each endpoint's
 * body limit) and the answers to requests refused before or while their body is read.
 */
import * as Headers from "@effect-pusher/protocol/Headers"
import * as Limits from "@effect-pusher/protocol/Limits"
import * as Protocol from "@effect-pusher/protocol/Webhook"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Predicate from "effect/Predicate"
import * as PusherConfig from "../PusherConfig.js"
import * as PusherCrypto from "../PusherCrypto.js"
import { type ValidationError, WebhookError } from "../PusherError.js"
import * as Body from "./body.js"
import * as Signing from "./signing.js"
import { fail } from "./validation.js"
import * as Webhook from "./webhook.js"

/**
 * The webhook's `Content-Type`, key and signature header, checked before its body is read: a request
 * that fails here is answered without reading what it uploads.
 *
 * @internal
 */
export const checkWebhookHeaders = (
  request: HttpServerRequest.HttpServerRequest
): Effect.Effect<void, WebhookError, PusherConfig.PusherConfig> =>
  Effect.flatMap(PusherConfig.PusherConfig, (config) =>
    Effect.flatMap(PusherCrypto.current, (crypto) => {
      const verifier = { signers: Signing.webhookSigners(config, crypto), timingSafeEqual: crypto.timingSafeEqual }
      const checked = Protocol.checkHeaders(
        verifier,
        Protocol.readRequest({ headers: request.headers, body: "" }).headers
      )
      return checked.ok ? Effect.void : Effect.fail(new WebhookError(checked.error))
    }))

/**
 * A `maxBodyBytes` option that is not a non-negative number of bytes: the endpoint answers 500 (it is the
 * server's configuration) and logs why.
 *
 * @internal
 */
export class InvalidLimit extends Data.TaggedError("InvalidLimit")<{ readonly endpoint: string }> {
  override get message(): string {
    return `${this.endpoint}: maxBodyBytes must be a non-negative number of bytes`
  }
}

/**
 * A verification option of the webhook endpoint (`maxAge`) that is invalid: like {@link InvalidLimit}, the
 * endpoint answers 500 and logs why.
 *
 * @internal
 */
export class InvalidOption extends Data.TaggedError("InvalidOption")<{
  readonly endpoint: string
  readonly error: ValidationError
}> {
  override get message(): string {
    return `${this.endpoint}: ${this.error.message}`
  }
}

/**
 * The webhook endpoint's `maxAge`, read and checked once when the endpoint is made (a throwing getter is an
 * invalid option, not a throw).
 *
 * @internal
 */
export const readMaxAge = (
  options: { readonly maxAge?: Duration.DurationInput | undefined } | undefined
): Either.Either<Duration.Duration | undefined, InvalidOption> => {
  let checked: Either.Either<Duration.Duration | undefined, ValidationError>
  try {
    checked = Webhook.checkMaxAge(options?.maxAge)
  } catch {
    checked = Either.left(fail("maxAge", "could not be read (it threw while being read)"))
  }
  return Either.mapLeft(checked, (error) => new InvalidOption({ endpoint: "PusherEndpoints.webhook", error }))
}

/**
 * `webhookStream`'s `capacity`, read once: a positive integer (default 16), or a `ValidationError` naming it.
 *
 * @internal
 */
export const readCapacity = (
  options: { readonly capacity?: number | undefined } | undefined
): Either.Either<number, ValidationError> => {
  let capacity: unknown
  try {
    capacity = options?.capacity ?? 16
  } catch {
    return Either.left(fail("capacity", "could not be read (it threw while being read)"))
  }
  return typeof capacity === "number" && Number.isSafeInteger(capacity) && capacity >= 1
    ? Either.right(capacity)
    : Either.left(fail("capacity", "must be a positive integer"))
}

/**
 * An endpoint's `maxBodyBytes`, read once when the endpoint is made (a throwing getter is an invalid
 * option, not a throw).
 *
 * @internal
 */
export type LimitOption = { readonly _tag: "Default" } | { readonly _tag: "Given"; readonly bytes: number } | {
  readonly _tag: "Invalid"
}

/** @internal */
export const readLimit = (options: { readonly maxBodyBytes?: number | undefined } | undefined): LimitOption => {
  let value: unknown
  try {
    value = options?.maxBodyBytes
  } catch {
    return { _tag: "Invalid" }
  }
  if (value === undefined) return { _tag: "Default" }
  const bytes = Body.validLimit(value)
  return bytes === undefined ? { _tag: "Invalid" } : { _tag: "Given", bytes }
}

const resolve = (
  endpoint: string,
  option: LimitOption,
  fallback: Effect.Effect<number, never, PusherConfig.PusherConfig>
): Effect.Effect<number, InvalidLimit, PusherConfig.PusherConfig> => {
  switch (option._tag) {
    case "Given":
      return Effect.succeed(option.bytes)
    case "Invalid":
      return Effect.fail(new InvalidLimit({ endpoint }))
    case "Default":
      return Effect.flatMap(fallback, (bytes) => Body.underServerLimit(bytes))
  }
}

/**
 * The auth endpoints' limit: the option, or `Limits.defaultMaxAuthBodyBytes`.
 *
 * @internal
 */
export const authLimit = (endpoint: string, option: LimitOption) =>
  resolve(endpoint, option, Effect.succeed(Limits.defaultMaxAuthBodyBytes))

/**
 * The webhook endpoint's limit: the option, or `Limits.maxWebhookBodyBytes` of the app's `maxPayloadBytes`.
 *
 * @internal
 */
export const webhookLimit = (option: LimitOption) =>
  resolve(
    "PusherEndpoints.webhook",
    option,
    Effect.map(PusherConfig.PusherConfig, (config) => Limits.maxWebhookBodyBytes(config.maxPayloadBytes))
  )

// An answer quotes what the caller sent only as an excerpt (an input is never echoed at length).
/** @internal */
export const errorResponse = (status: number, message: string) =>
  HttpServerResponse.unsafeJson({ error: Limits.excerpt(message, 4 * Limits.maxExcerptLength) }, { status })

// An answer given before the body was read to its end closes the connection: the server would otherwise read
// the rest of the upload, to reuse the connection, after refusing it.
/** @internal */
export const refusedUnread = (status: number, message: string) =>
  HttpServerResponse.unsafeJson({ error: message }, { status, headers: { connection: "close" } })

/** @internal */
export const tooLarge = (error: Body.BodyTooLarge) =>
  refusedUnread(413, `the request body is over the limit of ${error.limit} bytes`)

// A request refused before or while its body is read: the one place such refusals become responses.
/** @internal */
export const unread = (error: Body.BodyTooLarge | Body.BodyUnreadable | InvalidLimit | InvalidOption) => {
  switch (error._tag) {
    case "BodyTooLarge":
      return Effect.succeed(tooLarge(error))
    case "BodyUnreadable":
      return Effect.succeed(errorResponse(400, "the request body could not be read"))
    case "InvalidLimit":
    case "InvalidOption":
      return Effect.as(Effect.logError(error.message), errorResponse(500, "the endpoint is misconfigured"))
  }
}

// pusher-js posts forms; custom authorizers JSON. Another declared type is refused before the body is read.
/** @internal */
export const unsupportedAuthType = (request: HttpServerRequest.HttpServerRequest): boolean => {
  const value = Headers.lookup(request.headers, "content-type")
  if (typeof value !== "string") return false
  const type = Headers.mediaType(value)
  return type !== "" && type !== "application/json" && type !== "application/x-www-form-urlencoded"
}

// A webhook refused for size past the header checks (its key is known, it carries a signature) may be
// genuine, and is then lost until the limit is raised: an error to log, not only a 413. Its signature is not
// checked (that needs the body, and the key is public), so the log says only what is known.
/** @internal */
export const logRefusedForSize = (error: Body.BodyTooLarge | Body.BodyUnreadable | InvalidLimit) =>
  Predicate.isTagged(error, "BodyTooLarge")
    ? Effect.logError(
      `PusherEndpoints.webhook: a webhook with a known key and a signature header (not verified: that needs the body) was refused: its body is over maxBodyBytes (${error.limit} bytes); raise the limit if Pusher's webhooks hit it`
    )
    : Effect.void

// A webhook refused by its headers alone, before its body is read.
/** @internal */
export class HeadersRefused extends Data.TaggedError("HeadersRefused")<{ readonly error: WebhookError }> {}
