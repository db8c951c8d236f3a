import * as Json from "@effect-pusher/protocol/Json"
import * as Names from "@effect-pusher/protocol/Names"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Result from "effect/Result"
import type * as Schema from "effect/Schema"
import * as SchemaParser from "effect/SchemaParser"
import * as Stream from "effect/Stream"
import type * as PusherConfig from "../PusherConfig.js"
import type { EncryptionError, ValidationError, WebhookError } from "../PusherError.js"
import type {
  ClientEvent,
  ClientEventDecoder,
  DecodedClientEvent,
  InvalidPolicy,
  ReceiveOptions,
  UndecryptableClientEvent,
  WebhookEvent,
  WebhookRequest
} from "../Webhook.js"
import * as Issue from "./issue.js"
import { toEither } from "./validation.js"
import { checkInvalidPolicy, readReceiveOptions, reject, verifyChecked } from "./webhook.js"

/**
 * For `dual`: the data-first form starts with the stream (the data-last forms with options or a name).
 *
 * @internal
 */
export const isDataFirst = (args: IArguments): boolean => {
  // Options from an untyped caller may throw when looked at: they are then not a stream.
  try {
    return Stream.isStream(args[0])
  } catch {
    return false
  }
}

/** Drops what failed with a warning that names the error and reason, never a secret or a signature. */
const dropWith = <A>(error: WebhookError | EncryptionError): Effect.Effect<ReadonlyArray<A>> =>
  Effect.logWarning(`Webhook: dropped: ${error.message}`).pipe(
    Effect.annotateLogs({ error: error._tag, reason: error.reason }),
    Effect.as([])
  )

const handleInvalid = <A, E extends WebhookError | EncryptionError, R>(
  effect: Effect.Effect<ReadonlyArray<A>, E, R>,
  onInvalid: InvalidPolicy | undefined
): Effect.Effect<ReadonlyArray<A>, E, R> =>
  onInvalid === "drop" ? Effect.catch(effect, (error) => dropWith<A>(error)) : effect

/**
 * @internal `Webhook.receive`, data-first. The options are read and checked once, when the stream starts: a
 * bad one fails the stream with a `ValidationError` before any request, whatever `onInvalid` says (dropping
 * every request for it would lose every genuine webhook).
 */
export const receive = <E, R>(
  self: Stream.Stream<WebhookRequest, E, R>,
  options?: ReceiveOptions
): Stream.Stream<WebhookEvent, E | WebhookError | ValidationError, R | PusherConfig.PusherConfig> =>
  Stream.unwrap(Effect.map(
    Effect.suspend(() => Effect.fromResult(readReceiveOptions(options))),
    ({ maxAge, onInvalid }) =>
      self.pipe(
        Stream.mapEffect((request) =>
          handleInvalid(
            Effect.map(verifyChecked(request, maxAge), (payload) => payload.events),
            onInvalid
          )
        ),
        Stream.flattenIterable
      )
  ))

// Client data normally arrives as a JSON string; decrypted data of an encrypted channel is a value already.
const parseData = (channel: string, data: unknown): unknown => {
  if (typeof data !== "string" || Names.isEncrypted(channel)) return data
  try {
    return JSON.parse(data)
  } catch {
    return data
  }
}

const isClientEvent = (event: unknown): event is ClientEvent | UndecryptableClientEvent =>
  Predicate.isTagged(event, "ClientEvent") || Predicate.isTagged(event, "UndecryptableClientEvent")

// A caller's event, read once: a value that throws when read is no client event, nor is one whose channel or
// name is not a string. Data that is not a string (decrypted data) is copied as plain data, so that the
// schema decodes values that cannot throw: a Proxy in it (a hostile untyped caller) makes it no event.
const readEvent = (event: unknown): ClientEvent | UndecryptableClientEvent | undefined => {
  try {
    if (!isClientEvent(event)) return undefined
    const copy = { ...event }
    if (typeof copy.channel !== "string" || typeof copy.event !== "string") return undefined
    return typeof copy.data === "string" ? copy : { ...copy, data: structuredClone(copy.data) }
  } catch {
    return undefined
  }
}

// Decodes a client event `readEvent` has read: a stream reads each event once, not once to match it and again
// to decode it.
const decodeReadEvent = <A, I, R>(name: string, schema: Schema.Codec<A, I, R, unknown>) => {
  const decodeData = SchemaParser.decodeUnknownEffect(schema)
  const invalid = (event: ClientEvent, issue: string) =>
    reject(
      "InvalidEventData",
      `client event ${JSON.stringify(event.event)} on ${event.channel}${
        event.event === name ? "" : ` is not ${quote(name)}`
      }${issue === "" ? "" : `: ${issue}`}`
    )
  return (
    event: ClientEvent | UndecryptableClientEvent
  ): Effect.Effect<DecodedClientEvent<A>, WebhookError | EncryptionError, R> => {
    if (event._tag === "UndecryptableClientEvent") return Effect.fail(event.error)
    if (event.event !== name) return Effect.fail(invalid(event, ""))
    return Effect.mapBoth(decodeData(parseData(event.channel, event.data)), {
      onFailure: (issue) => invalid(event, Issue.summary(issue)),
      onSuccess: (data): DecodedClientEvent<A> => ({ ...event, data })
    })
  }
}

// An untyped caller's name that is not a string matches no event, and is not printed.
const quote = (name: unknown): string =>
  typeof name === "string" ? JSON.stringify(name) : "(a name that is not a string)"

/** @internal `Webhook.clientEvent`. */
export const clientEvent = <A, I, R>(
  name: string,
  schema: Schema.Codec<A, I, R, unknown>
): ClientEventDecoder<A, R> => {
  const decodeRead = decodeReadEvent(name, schema)
  return {
    name,
    // Untyped callers may pass anything: what is not a client event is not this one.
    is: (event): event is ClientEvent | UndecryptableClientEvent => readEvent(event)?.event === name,
    decode: (given) =>
      Effect.suspend(() => {
        const event = readEvent(given)
        return event === undefined
          ? Effect.fail(reject("InvalidEventData", `not a client event, so not ${quote(name)}`))
          : decodeRead(event)
      })
  }
}

// Client events come from end users' browsers: one that does not decode is dropped with a warning naming its
// channel, event and reason, so one client cannot stop a server's webhook processing.
const dropClientEvent = <A>(
  event: ClientEvent | UndecryptableClientEvent,
  error: WebhookError | EncryptionError
): Effect.Effect<ReadonlyArray<A>> =>
  Effect.logWarning(
    `Webhook.clientEvents: dropped ${
      error._tag === "WebhookError"
        ? error.message
        : `client event ${JSON.stringify(event.event)} on ${event.channel}: ${error.message}`
    }`
  ).pipe(
    Effect.annotateLogs({ channel: event.channel, event: event.event, error: error._tag, reason: error.reason }),
    Effect.as([])
  )

/** @internal `Webhook.clientEvents`, data-first. */
export const clientEvents = <E, R2, A, I, R>(
  self: Stream.Stream<WebhookEvent, E, R2>,
  name: string,
  schema: Schema.Codec<A, I, R, unknown>,
  options?: { readonly onInvalid?: InvalidPolicy | undefined }
): Stream.Stream<DecodedClientEvent<A>, E | WebhookError | EncryptionError | ValidationError, R | R2> => {
  const decodeRead = decodeReadEvent(name, schema)
  return Stream.unwrap(Effect.map(
    Effect.suspend(() => Effect.fromResult(readClientEventsOptions(options))),
    (onInvalid) =>
      self.pipe(
        Stream.mapEffect((given) => {
          const event = readEvent(given)
          if (event === undefined || event.event !== name) return Effect.succeed([])
          const decoded = Effect.map(decodeRead(event), (a): ReadonlyArray<DecodedClientEvent<A>> => [a])
          return onInvalid === "fail"
            ? decoded
            : Effect.catch(decoded, (error) => dropClientEvent<DecodedClientEvent<A>>(event, error))
        }),
        Stream.flattenIterable
      )
  ))
}

const clientEventsKeys: Json.KeyTable<"onInvalid"> = { accepted: ["onInvalid"], replacements: {} }

// Read once when the stream starts: a bad option fails it before any event, whatever the events are.
const readClientEventsOptions = (options: unknown): Result.Result<InvalidPolicy, ValidationError> =>
  Result.flatMap(
    toEither(Json.readOptions("options", options, clientEventsKeys)),
    (read) => checkInvalidPolicy(read.onInvalid, "drop")
  )
