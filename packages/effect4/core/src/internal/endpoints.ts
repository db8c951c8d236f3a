/**
 * What the endpoints decide before reading a body (the webhook headers that need no body, each endpoint's
 * body limit) and the answers to requests refused before or while their body is read.
 */
import * as Headers from "@effect-pusher/protocol/Headers"
import * as Json from "@effect-pusher/protocol/Json"
import * as Limits from "@effect-pusher/protocol/Limits"
import * as Options from "@effect-pusher/protocol/Options"
import * as Protocol from "@effect-pusher/protocol/Webhook"
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Predicate from "effect/Predicate"
import * as Result from "effect/Result"
import * as PusherConfig from "../PusherConfig.js"
import * as PusherCrypto from "../PusherCrypto.js"
import { type ValidationError, WebhookError } from "../PusherError.js"
import * as Body from "./body.js"
import * as Signing from "./signing.js"
import { toError } from "./validation.js"
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
      const verifier = Signing.webhookVerifier(config, crypto)
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

/** @internal The option keys of the auth endpoints. */
export const authOptionKeys: Json.KeyTable<"maxBodyBytes"> = {
  accepted: ["maxBodyBytes"],
  replacements: { maxBodySize: "maxBodyBytes", limit: "maxBodyBytes" }
}

/** @internal The option keys of the webhook endpoint: `Webhook.verify`'s and the body limit. */
export const webhookOptionKeys: Json.KeyTable<"maxAge" | "maxBodyBytes"> = {
  accepted: [...Webhook.verifyKeys.accepted, ...authOptionKeys.accepted],
  replacements: { ...Webhook.verifyKeys.replacements, ...authOptionKeys.replacements }
}

/** @internal The option keys of `webhookStream`: the webhook endpoint's and the queue's `capacity`. */
export const webhookStreamOptionKeys: Json.KeyTable<"maxAge" | "maxBodyBytes" | "capacity"> = {
  accepted: [...webhookOptionKeys.accepted, "capacity"],
  replacements: webhookOptionKeys.replacements
}

/**
 * An endpoint's options, read once when the endpoint is made, against its keys: a misspelled key (which
 * would otherwise be ignored, turning a check such as `maxAge` off) or a bag that throws when read is an
 * `InvalidOption` naming it.
 *
 * @internal
 */
export const readOptions = <K extends string>(
  endpoint: string,
  options: unknown,
  table: Json.KeyTable<K>
): Result.Result<Partial<Record<K, unknown>>, InvalidOption> => {
  const read = Json.readOptions("options", options, table)
  return read.ok ? Result.succeed(read.value) : Result.fail(new InvalidOption({ endpoint, error: toError(read.error) }))
}

/**
 * The webhook endpoint's `maxAge`, from its options as read: checked once, when the endpoint is made.
 *
 * @internal
 */
export const readMaxAge = (
  read: Result.Result<{ readonly maxAge?: unknown }, InvalidOption>
): Result.Result<Duration.Duration | undefined, InvalidOption> =>
  Result.flatMap(read, ({ maxAge }) =>
    Result.mapError(
      Webhook.checkMaxAge(maxAge),
      (error) => new InvalidOption({ endpoint: "PusherEndpoints.webhook", error })
    ))

/**
 * `webhookStream`'s `capacity`: a positive integer (default 16), or a `ValidationError` naming it.
 *
 * @internal
 */
export const readCapacity = (capacity: unknown = 16): Result.Result<number, ValidationError> => {
  const failure = Options.checkPositiveInteger("capacity", capacity)
  return failure === undefined ? Result.succeed(Number(capacity)) : Result.fail(toError(failure))
}

/**
 * An endpoint's `maxBodyBytes`, from its options as read (an unreadable or misspelled bag is `Invalid`
 * with the option's error).
 *
 * @internal
 */
export type LimitOption =
  | { readonly _tag: "Default" }
  | { readonly _tag: "Given"; readonly bytes: number }
  | { readonly _tag: "Invalid"; readonly error?: InvalidOption | undefined }

/** @internal */
export const readLimit = (read: Result.Result<{ readonly maxBodyBytes?: unknown }, InvalidOption>): LimitOption => {
  if (Result.isFailure(read)) return { _tag: "Invalid", error: read.failure }
  const value = read.success.maxBodyBytes
  if (value === undefined) return { _tag: "Default" }
  const bytes = Options.byteLimit(value)
  return bytes === undefined ? { _tag: "Invalid" } : { _tag: "Given", bytes }
}

const resolve = (
  endpoint: string,
  option: LimitOption,
  fallback: Effect.Effect<number, never, PusherConfig.PusherConfig>
): Effect.Effect<number, InvalidLimit | InvalidOption, PusherConfig.PusherConfig> => {
  switch (option._tag) {
    case "Given":
      return Effect.succeed(option.bytes)
    case "Invalid":
      return Effect.fail(option.error ?? new InvalidLimit({ endpoint }))
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
  HttpServerResponse.jsonUnsafe({ error: Limits.excerpt(message, 4 * Limits.maxExcerptLength) }, { status })

// An answer given before the body was read to its end closes the connection: the server would otherwise read
// the rest of the upload, to reuse the connection, after refusing it.
/** @internal */
export const refusedUnread = (status: number, message: string) =>
  HttpServerResponse.jsonUnsafe({ error: message }, { status, headers: { connection: "close" } })

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

// Another declared type than a form or JSON is refused before the body is read (the protocol's rule).
/** @internal */
export const unsupportedAuthType = (request: HttpServerRequest.HttpServerRequest): boolean =>
  Headers.refusedAuthType(request.headers)

// A webhook refused for size past the header checks (its key is known, it carries a signature) may be
// genuine, and is then lost until the limit is raised: an error to log, not only a 413. Its signature is not
// checked (that needs the body, and the key is public), so the log says only what is known.
/** @internal */
export const logRefusedForSize = (error: Body.BodyTooLarge | Body.BodyUnreadable | InvalidLimit | InvalidOption) =>
  Predicate.isTagged(error, "BodyTooLarge")
    ? Effect.logError(
      `PusherEndpoints.webhook: a webhook with a known key and a signature header (not verified: that needs the body) was refused: its body is over maxBodyBytes (${error.limit} bytes); raise the limit if Pusher's webhooks hit it`
    )
    : Effect.void

// A webhook refused by its headers alone, before its body is read.
/** @internal */
export class HeadersRefused extends Data.TaggedError("HeadersRefused")<{ readonly error: WebhookError }> {}
