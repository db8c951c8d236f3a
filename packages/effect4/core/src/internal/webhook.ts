import type * as Failure from "@effect-pusher/protocol/Failure"
import * as Json from "@effect-pusher/protocol/Json"
import * as Names from "@effect-pusher/protocol/Names"
import * as Protocol from "@effect-pusher/protocol/Webhook"
import * as WebhookEvents from "@effect-pusher/protocol/WebhookEvents"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as PusherConfig from "../PusherConfig.js"
import * as PusherCrypto from "../PusherCrypto.js"
import { type ValidationError, WebhookError } from "../PusherError.js"
import type {
  ClientEvent,
  InvalidPolicy,
  VerifyOptions,
  WebhookEvent,
  WebhookPayload,
  WebhookRequest
} from "../Webhook.js"
import { cipher } from "./cipher.js"
import { decodeDuration } from "./duration.js"
import * as Encryption from "./encryption.js"
import * as Operation from "./operation.js"
import * as Signing from "./signing.js"
import { fail, toEither as toValidation } from "./validation.js"

/** @internal */
export const reject = (reason: WebhookError["reason"], description: string): WebhookError =>
  new WebhookError({ reason, description })

const toResult = <A>(result: Failure.Result<A, Protocol.WebhookFailure>): Result.Result<A, WebhookError> =>
  result.ok ? Result.succeed(result.value) : Result.fail(new WebhookError(result.error))

/**
 * Decodes a parsed body like `Webhook.WebhookPayload`, by the protocol's hand-rolled decoder. Only the
 * envelope can fail (an event that does not match its kind is an `UnknownEvent`), and the protocol's
 * failure names the field (`events[0].name: must be a string`). On a two-event payload, Effect 4's
 * `Schema.decodeUnknownResult(WebhookPayload)` ~176k ops/s, this decoder ~18M (CPU time, median of 11
 * interleaved rounds, Node 20); a whole `Webhook.verify` runs ~168k ops/s here against ~72k on Effect 3.
 *
 * @internal
 */
export const decodePayload = (u: unknown): Result.Result<WebhookPayload, string> => {
  const decoded = WebhookEvents.decodePayload(u)
  return decoded.ok ? Result.succeed(decoded.value) : Result.fail(`${decoded.error.field}: ${decoded.error.rule}`)
}

const isEncryptedClientEvent = (event: WebhookEvent): event is ClientEvent =>
  event._tag === "ClientEvent" && Names.isEncrypted(event.channel)

// The cipher is imported statically here, not on first use as for triggers (`Encryption.withEncryption`):
// `Webhook.verify` stays synchronous, so `Effect.runSync` can run it.
// Client events of encrypted channels carry `{nonce, ciphertext}`: their data is the plaintext, or they
// become `UndecryptableClientEvent`s saying why.
const decryptEvents = (
  config: PusherConfig.Service,
  crypto: PusherCrypto.Service,
  events: ReadonlyArray<WebhookEvent>
): ReadonlyArray<WebhookEvent> =>
  events.some(isEncryptedClientEvent)
    ? events.map((event): WebhookEvent => {
      if (!isEncryptedClientEvent(event)) return event
      const opened = Result.flatMap(
        Encryption.masterKeyFor(config, event.channel),
        (masterKey) => Encryption.open(cipher, crypto, masterKey, event.channel, event.data)
      )
      return Result.isSuccess(opened)
        ? { ...event, data: opened.success }
        : { ...event, _tag: "UndecryptableClientEvent", error: opened.failure }
    })
    : events

/** Everything of `verify` but the freshness check, on the snapshot. */
const verifySync = (
  config: PusherConfig.Service,
  crypto: PusherCrypto.Service,
  request: Protocol.RequestSnapshot
): Result.Result<WebhookPayload, WebhookError> => {
  const verifier = Signing.webhookVerifier(config, crypto)
  return toResult(Protocol.authenticate(verifier, request)).pipe(
    Result.flatMap((body) => toResult(Protocol.parseBody(body))),
    Result.flatMap((json) => Result.mapError(decodePayload(json), (issue) => reject("InvalidBody", issue))),
    Result.map((payload) => {
      const events = decryptEvents(config, crypto, payload.events)
      return events === payload.events ? payload : { ...payload, events }
    })
  )
}

/** @internal The keys of `Webhook.verify`'s options (and of the endpoints' verification). */
export const verifyKeys: Json.KeyTable<"maxAge"> = {
  accepted: ["maxAge"],
  replacements: { maxAgeMs: "maxAge (a Duration: 300000 or \"5 minutes\")", tolerance: "maxAge" }
}

const receiveKeys: Json.KeyTable<"maxAge" | "onInvalid"> = {
  accepted: ["maxAge", "onInvalid"],
  replacements: verifyKeys.replacements
}

/** @internal `maxAge`, checked: a positive finite duration, or `undefined` when not set. */
export const checkMaxAge = (value: unknown): Result.Result<Duration.Duration | undefined, ValidationError> => {
  if (value === undefined) return Result.succeed(undefined)
  const decoded = decodeDuration(value)
  return Option.isSome(decoded) && Duration.isFinite(decoded.value) &&
      Duration.isGreaterThan(decoded.value, Duration.zero)
    ? Result.succeed(decoded.value)
    : Result.fail(fail("maxAge", "must be a positive finite duration (a number of milliseconds or \"5 minutes\")"))
}

/** @internal The checked options of `verify`, read once from the caller's bag. */
export const readVerifyOptions = (options: unknown): Result.Result<Duration.Duration | undefined, ValidationError> =>
  Result.flatMap(toValidation(Json.readOptions("options", options, verifyKeys)), (read) => checkMaxAge(read.maxAge))

/** @internal The checked options of `receive`, read once from the caller's bag. */
export interface ReceiveSnapshot {
  readonly maxAge: Duration.Duration | undefined
  readonly onInvalid: InvalidPolicy
}

/** @internal */
export const readReceiveOptions = (options: unknown): Result.Result<ReceiveSnapshot, ValidationError> =>
  Result.flatMap(
    toValidation(Json.readOptions("options", options, receiveKeys)),
    (read) =>
      Result.flatMap(
        checkMaxAge(read.maxAge),
        (maxAge) => Result.map(checkInvalidPolicy(read.onInvalid, "fail"), (onInvalid) => ({ maxAge, onInvalid }))
      )
  )

/** @internal `onInvalid`, checked: `"fail"` or `"drop"`, `fallback` when not set. */
export const checkInvalidPolicy = (
  value: unknown,
  fallback: InvalidPolicy
): Result.Result<InvalidPolicy, ValidationError> => {
  const policy = value ?? fallback
  return policy === "fail" || policy === "drop"
    ? Result.succeed(policy)
    : Result.fail(fail("onInvalid", "must be \"fail\" or \"drop\""))
}

// The protocol's freshness rule against the `Clock`: too old, or dated too far ahead.
const fresh = (payload: WebhookPayload, maxAge: Duration.Duration) =>
  Effect.flatMap(Clock.currentTimeMillis, (now) => {
    const failure = Protocol.checkFresh(payload.timeMs, now, Duration.toMillis(maxAge))
    return failure === undefined ? Effect.succeed(payload) : Effect.fail(new WebhookError(failure))
  })

// One operation for both entry points: the request (its three headers and body) is read once, and only
// that reading can turn a throw into a `WebhookError`; options arrive read and checked.
const run = <E>(
  read: () => {
    readonly request: Protocol.RequestSnapshot
    readonly maxAge: Result.Result<Duration.Duration | undefined, E>
  }
): Effect.Effect<WebhookPayload, WebhookError | E, PusherConfig.PusherConfig> =>
  Operation.operation(
    "Webhook.verify",
    read,
    () => reject("InvalidBody", "the request could not be read"),
    (snapshot, context): Effect.Effect<WebhookPayload, WebhookError | E> => {
      if (Result.isFailure(snapshot.maxAge)) return Effect.fail(snapshot.maxAge.failure)
      const maxAge = snapshot.maxAge.success
      const verified = verifySync(
        Context.getUnsafe(context, PusherConfig.PusherConfig),
        Context.get(context, PusherCrypto.PusherCrypto),
        snapshot.request
      )
      if (Result.isFailure(verified)) return Effect.fail(verified.failure)
      return maxAge === undefined ? Effect.succeed(verified.success) : fresh(verified.success, maxAge)
    }
  )

/**
 * Verification with options already read and checked (`receive`, the endpoints).
 *
 * @internal
 */
export const verifyChecked = (
  request: WebhookRequest,
  maxAge: Duration.Duration | undefined
): Effect.Effect<WebhookPayload, WebhookError, PusherConfig.PusherConfig> =>
  run<never>(() => ({ request: Protocol.readRequest(request), maxAge: Result.succeed(maxAge) }))

/**
 * `Webhook.verify`: the options are read and checked once (a `ValidationError` naming the option), the
 * request as in {@link verifyChecked}.
 *
 * @internal
 */
export const verify = (
  request: WebhookRequest,
  options?: VerifyOptions
): Effect.Effect<WebhookPayload, WebhookError | ValidationError, PusherConfig.PusherConfig> =>
  run(() => ({ request: Protocol.readRequest(request), maxAge: readVerifyOptions(options) }))
