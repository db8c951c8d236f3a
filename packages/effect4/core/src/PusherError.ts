/**
 * The typed failures of every effect-pusher operation.
 *
 * Nothing in this library throws: bad input, a refused request, a broken connection, an unexpected answer,
 * a forged webhook and a failed decryption each arrive in the error channel as one of the classes below.
 * None of them ever carries a secret.
 *
 * @since 1.0.0
 */
import * as Encryption from "@effect-pusher/protocol/encryption"
import * as HttpStatus from "@effect-pusher/protocol/HttpStatus"
import * as Webhook from "@effect-pusher/protocol/Webhook"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * The symbol that marks every `PusherError`, checked by `isPusherError`.
 *
 * @since 1.0.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@effect-pusher/core/PusherError")

/**
 * The type of `TypeId`.
 *
 * @since 1.0.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * Marks an error of the family, names it after its tag and gives it a one-line `stack` (its name and
 * message). Effect 4 names a Schema error class after its identifier, which stays namespaced
 * (`@effect-pusher/core/ValidationError`) because a Schema class also recognizes as its own any value that
 * carries its identifier's mark: a bare `ValidationError` would take another library's for ours. The name
 * printed is the tag, as on the Effect 3 line. The JS stack of a typed failure shows only this library's
 * internals and the fiber runtime, never the caller's line (with a tracer, `Cause.pretty` appends the spans
 * for that), so `NodeRuntime.runMain` reports a failure in the message's own lines: a ValidationError 12
 * lines → 2. Not enumerable, so JSON and `inspect` show the fields only.
 */
const typed = (error: Error & { readonly _tag: string }): TypeId => {
  Object.defineProperty(error, "name", { value: error._tag, configurable: true, writable: true, enumerable: false })
  Object.defineProperty(error, "stack", {
    get: () => `${error.name}: ${error.message}`,
    configurable: true,
    enumerable: false
  })
  return TypeId
}

/**
 * An input broke one of the Channels rules, found before any I/O. `field` names the input (for example
 * `channels[3]` or `batch[2].data`), `rule` says what it must satisfy.
 *
 * @since 1.0.0
 * @category errors
 */
export class ValidationError extends Schema.TaggedError<ValidationError>("@effect-pusher/core/ValidationError")(
  "ValidationError",
  { field: Schema.String, rule: Schema.String }
) {
  /**
   * Marks the error as a `PusherError`, for `isPusherError`.
   *
   * @since 1.0.0
   */
  readonly [TypeId]: TypeId = typed(this)

  /** @since 1.0.0 */
  override get message(): string {
    return `Invalid ${this.field}: ${this.rule}`
  }
}

/**
 * Why the server refused a request, from its HTTP status (or, for soketi, from the `code` of its
 * `200 {"error", "code"}` answer).
 *
 * @since 1.0.0
 * @category schemas
 */
export const HttpErrorReason = Schema.Literals(HttpStatus.reasons)

/**
 * Why the server refused a request: one of the `HttpErrorReason` literals.
 *
 * @since 1.0.0
 * @category models
 */
export type HttpErrorReason = typeof HttpErrorReason.Type

// What to do about the refusals a configuration causes. A 401 is a wrong secret, key or app id, or a clock
// off by more than the 600 s a signature is valid (hosted Channels, soketi and the emulator all answer 401).
const hints: Partial<Record<HttpErrorReason, string>> = {
  Unauthorized:
    "The server did not accept the request's signature: check the secret (PUSHER_SECRET), the key (PUSHER_KEY) and the app id (PUSHER_APP_ID), and this machine's clock",
  PayloadTooLarge:
    "The server's size limit is below this request's: lower maxPayloadBytes (PUSHER_MAX_PAYLOAD_BYTES) or maxEventsPerBatch to the server's limits"
}

// A 401 body may spell out the signature sent and the string it signed (hosted Channels: `Invalid
// signature: Expected HMAC SHA256 hex digest of …, but got <hex>`): the message keeps the server's headline
// only (soketi's `{"error": "The secret authentication failed"}` as that sentence); `body` keeps it all.
const refusal = (body: string): string => {
  let text = body
  try {
    const json: unknown = JSON.parse(body)
    if (Predicate.hasProperty(json, "error") && typeof json.error === "string") text = json.error
  } catch {
    // not JSON: the text itself
  }
  const colon = text.indexOf(": ")
  return /[0-9a-fA-F]{64}/.test(text) && colon > 0 ? text.slice(0, colon) : text
}

/**
 * The server answered with an error status. `body` is the text it sent (it explains the refusal), cut to
 * its first 4 KiB (`Limits.maxErrorBodyBytes` of `@effect-pusher/protocol`): a longer answer is never
 * kept, nor read, whole; `totalLength` is the length of the whole body in bytes, when known. `retryAfter`
 * is the wait a 429 or 503 answer asked for with its `Retry-After` header (either form; at most 5 minutes,
 * see `HttpStatus.retryAfterMillis` of `@effect-pusher/protocol`), absent when it sent none or a malformed
 * one.
 *
 * @since 1.0.0
 * @category errors
 */
export class HttpError extends Schema.TaggedError<HttpError>("@effect-pusher/core/HttpError")("HttpError", {
  reason: HttpErrorReason,
  method: Schema.String,
  path: Schema.String,
  status: Schema.Number,
  body: Schema.String,
  // The whole body's length in bytes, when known (declared by Content-Length, or counted to its end).
  totalLength: Schema.optional(Schema.Number),
  retryAfter: Schema.optional(Schema.Duration)
}) {
  /**
   * Marks the error as a `PusherError`, for `isPusherError`.
   *
   * @since 1.0.0
   */
  readonly [TypeId]: TypeId = typed(this)

  /** @since 1.0.0 */
  override get message(): string {
    const body = this.reason === "Unauthorized" ? refusal(this.body) : this.body
    const excerpt = body.length > 300 ? `${body.slice(0, 300)}…` : body
    const hint = hints[this.reason]
    return `${this.method} ${this.path} failed with ${this.status} (${this.reason})${
      excerpt === "" ? "" : `: ${excerpt}`
    }${hint === undefined ? "" : `. ${hint}`}`
  }
}

/**
 * The request did not complete: the connection failed, or the configured timeout passed (the request may
 * still have been delivered), or, with reason `Closed`, it was not sent because the batcher it went through
 * was released, or, with reason `ResponseTooLarge`, the success answer was longer than the client's
 * `maxResponseBytes` (16 MiB unless set otherwise: `Limits.defaultMaxResponseBytes` of
 * `@effect-pusher/protocol`) and was not read further (the request was delivered).
 *
 * @since 1.0.0
 * @category errors
 */
export class TransportError extends Schema.TaggedError<TransportError>("@effect-pusher/core/TransportError")(
  "TransportError",
  {
    // Closed: refused unsent, because the PusherBatching layer it went through was released.
    // ResponseTooLarge: a success answer over maxResponseBytes, whatever the HttpClient.
    reason: Schema.Literals(["Network", "Timeout", "Closed", "ResponseTooLarge"]),
    method: Schema.String,
    path: Schema.String,
    description: Schema.String,
    cause: Schema.optional(Schema.Defect())
  }
) {
  /**
   * Marks the error as a `PusherError`, for `isPusherError`.
   *
   * @since 1.0.0
   */
  readonly [TypeId]: TypeId = typed(this)

  /** @since 1.0.0 */
  override get message(): string {
    return `${this.method} ${this.path}: ${
      this.reason === "Timeout"
        ? "timed out"
        : this.reason === "Closed"
        ? "not sent"
        : this.reason === "ResponseTooLarge"
        ? "answer too large"
        : "network error"
    }: ${this.description}`
  }
}

/**
 * The server answered with a success status but a body this library does not understand. As in
 * {@link HttpError}, `body` is cut to its first 4 KiB and `totalLength` is the whole body's length in bytes.
 *
 * @since 1.0.0
 * @category errors
 */
export class DecodeError extends Schema.TaggedError<DecodeError>("@effect-pusher/core/DecodeError")("DecodeError", {
  method: Schema.String,
  path: Schema.String,
  status: Schema.Number,
  body: Schema.String,
  issue: Schema.String,
  totalLength: Schema.optional(Schema.Number)
}) {
  /**
   * Marks the error as a `PusherError`, for `isPusherError`.
   *
   * @since 1.0.0
   */
  readonly [TypeId]: TypeId = typed(this)

  /** @since 1.0.0 */
  override get message(): string {
    return `${this.method} ${this.path}: unexpected response body (status ${this.status}): ${this.issue}`
  }
}

/**
 * End-to-end encryption could not be done: no master key is configured, or a sealed payload does not open.
 *
 * @since 1.0.0
 * @category errors
 */
export class EncryptionError extends Schema.TaggedError<EncryptionError>("@effect-pusher/core/EncryptionError")(
  "EncryptionError",
  {
    reason: Schema.Literals(Encryption.reasons),
    channel: Schema.String,
    description: Schema.String
  }
) {
  /**
   * Marks the error as a `PusherError`, for `isPusherError`.
   *
   * @since 1.0.0
   */
  readonly [TypeId]: TypeId = typed(this)

  /** @since 1.0.0 */
  override get message(): string {
    return `Encryption on ${this.channel} (${this.reason}): ${this.description}`
  }
}

/**
 * A webhook request was not accepted (nothing in it should be trusted), or, with reason `InvalidEventData`,
 * the data of a verified client event did not match the schema it was decoded with.
 *
 * @since 1.0.0
 * @category errors
 */
export class WebhookError extends /* @__PURE__ */ Schema.TaggedError<WebhookError>(
  "@effect-pusher/core/WebhookError"
)("WebhookError", {
  // The protocol's refusals, and the one reason only a decoder with a Schema has. In a pure closure: a
  // spread (it iterates) would keep the class in programs that never use it.
  reason: /* @__PURE__ */ (() => Schema.Literals([...Webhook.reasons, "InvalidEventData"]))(),
  description: Schema.String
}) {
  /**
   * Marks the error as a `PusherError`, for `isPusherError`.
   *
   * @since 1.0.0
   */
  declare readonly [TypeId]: TypeId

  // The marker is set here rather than by a field initializer: a computed class field keeps the class, and
  // the protocol's webhook reasons, in a Worker that never verifies a webhook (`pnpm check:size`: 0.1 KB gzipped).
  constructor(
    props: { readonly reason: Webhook.Reason | "InvalidEventData"; readonly description: string },
    options?: Schema.MakeOptions
  ) {
    super(props, options)
    this[TypeId] = typed(this)
  }

  /** @since 1.0.0 */
  override get message(): string {
    return `Webhook rejected (${this.reason}): ${this.description}`
  }
}

/**
 * Every failure of an operation that talks to the Channels HTTP API.
 *
 * @since 1.0.0
 * @category models
 */
export type PusherError = ValidationError | HttpError | TransportError | DecodeError | EncryptionError

/**
 * Every error this library fails with: the {@link PusherError} of the operations and the
 * {@link WebhookError} of webhook verification. {@link isPusherError} recognizes all of them.
 *
 * @since 1.0.0
 * @category models
 */
export type AnyPusherError = PusherError | WebhookError

/**
 * Whether a value is one of this library's errors ({@link AnyPusherError}), webhook errors included.
 *
 * @since 1.0.0
 * @category guards
 */
export const isPusherError = (u: unknown): u is AnyPusherError => {
  // A guard never throws, even on a Proxy whose `has` does.
  try {
    return Predicate.hasProperty(u, TypeId)
  } catch {
    return false
  }
}
