import type * as Failure from "@effect-pusher/protocol/Failure"
import * as Names from "@effect-pusher/protocol/Names"
import * as Protocol from "@effect-pusher/protocol/Webhook"
import * as WebhookEvents from "@effect-pusher/protocol/WebhookEvents"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as PusherConfig from "../PusherConfig.js"
import * as PusherCrypto from "../PusherCrypto.js"
import { WebhookError } from "../PusherError.js"
import type { ClientEvent, VerifyOptions, WebhookEvent, WebhookPayload, WebhookRequest } from "../Webhook.js"
import { cipher } from "./cipher.js"
import * as Encryption from "./encryption.js"
import * as Operation from "./operation.js"
import * as Signing from "./signing.js"

/** @internal */
export const reject = (reason: WebhookError["reason"], description: string): WebhookError =>
  new WebhookError({ reason, description })

const toEither = <A>(result: Failure.Result<A, Protocol.WebhookFailure>): Either.Either<A, WebhookError> =>
  result.ok ? Either.right(result.value) : Either.left(new WebhookError(result.error))

/**
 * Decodes a parsed body like `Webhook.WebhookPayload`, by the protocol's hand-rolled decoder. Only the
 * envelope can fail (an event that does not match its kind is an `UnknownEvent`), and the protocol's
 * failure names the field (`events[0].name: must be a string`).
 *
 * @internal
 */
export const decodePayload = (u: unknown): Either.Either<WebhookPayload, string> => {
  const decoded = WebhookEvents.decodePayload(u)
  return decoded.ok ? Either.right(decoded.value) : Either.left(`${decoded.error.field}: ${decoded.error.rule}`)
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
      const opened = Either.flatMap(
        Encryption.masterKeyFor(config, event.channel),
        (masterKey) => Encryption.open(cipher, crypto, masterKey, event.channel, event.data)
      )
      return Either.isRight(opened)
        ? { ...event, data: opened.right }
        : { ...event, _tag: "UndecryptableClientEvent", error: opened.left }
    })
    : events

/** Everything of `verify` but the freshness check, on the snapshot. */
const verifySync = (
  config: PusherConfig.Service,
  crypto: PusherCrypto.Service,
  request: Protocol.RequestSnapshot
): Either.Either<WebhookPayload, WebhookError> => {
  const verifier = { signers: Signing.webhookSigners(config, crypto), timingSafeEqual: crypto.timingSafeEqual }
  return toEither(Protocol.authenticate(verifier, request)).pipe(
    Either.flatMap((body) => toEither(Protocol.parseBody(body))),
    Either.flatMap((json) => Either.mapLeft(decodePayload(json), (issue) => reject("InvalidBody", issue))),
    Either.map((payload) => {
      const events = decryptEvents(config, crypto, payload.events)
      return events === payload.events ? payload : { ...payload, events }
    })
  )
}

const fresh = (payload: WebhookPayload, maxAge: Duration.DurationInput) => {
  const decoded = Duration.decodeUnknown(maxAge)
  if (Option.isNone(decoded)) return Effect.dieMessage("Webhook.verify: maxAge must be a Duration")
  const sent = payload.timeMs
  // Freshness cannot be proven without a timestamp: with `maxAge`, a body without one stays refused.
  if (sent === undefined) return Effect.fail(reject("InvalidBody", "time_ms is missing, and maxAge needs it"))
  return Effect.flatMap(Clock.currentTimeMillis, (now) =>
    now - sent > Duration.toMillis(decoded.value)
      ? Effect.fail(
        reject("Expired", `the webhook was sent at ${sent}, more than ${Duration.format(decoded.value)} ago`)
      )
      : Effect.succeed(payload))
}

/**
 * `Webhook.verify`: the request (its three headers and body) and `maxAge` are read once; only that reading
 * can turn a throw into a `WebhookError`.
 *
 * @internal
 */
export const verify = (
  request: WebhookRequest,
  options?: VerifyOptions
): Effect.Effect<WebhookPayload, WebhookError, PusherConfig.PusherConfig> =>
  Operation.operation(
    "Webhook.verify",
    () => ({ request: Protocol.readRequest(request), maxAge: options?.maxAge }),
    () => reject("InvalidBody", "the request could not be read"),
    (snapshot, context) => {
      const verified = verifySync(
        Context.unsafeGet(context, PusherConfig.PusherConfig),
        Context.get(context, PusherCrypto.PusherCrypto),
        snapshot.request
      )
      if (Either.isLeft(verified)) return Effect.fail(verified.left)
      return snapshot.maxAge === undefined ? Effect.succeed(verified.right) : fresh(verified.right, snapshot.maxAge)
    }
  )
