import * as Events from "@effect-pusher/protocol/Events"
import * as Json from "@effect-pusher/protocol/Json"
import * as Names from "@effect-pusher/protocol/Names"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import { constVoid, identity } from "effect/Function"
import * as Option from "effect/Option"
import * as PusherBatching from "../PusherBatching.js"
import type * as PusherConfig from "../PusherConfig.js"
import type * as PusherCrypto from "../PusherCrypto.js"
import type { EncryptionError, PusherError, ValidationError } from "../PusherError.js"
import type * as Batcher from "./batcher.js"
import * as Batching from "./batching.js"
import type * as Client from "./client.js"
import * as Encryption from "./encryption.js"
import * as Results from "./results.js"
import * as Retry from "./retry.js"
import { toEither, toError } from "./validation.js"

// The one preparation path of trigger, triggerBatch and sendToUser: snapshot, checks, data, body.

/** @internal What event preparation reads from the context. */
export interface Keys {
  readonly config: PusherConfig.Service
  readonly crypto: PusherCrypto.Service
  /** The master key and the cipher, when the config has a key (see `Encryption.withEncryption`). */
  readonly encrypting: Encryption.Encrypting | undefined
}

/** @internal One event's fields as the caller gave them, each read once. */
export interface EventInput extends Events.EventInput {
  readonly data: unknown
}

/** @internal A checked event with its data as sent, and the channels it goes to. */
export interface Prepared {
  readonly channels: ReadonlyArray<string>
  readonly event: Events.EventFields
}

/** @internal A copy of an array (each element read once); anything else as is, for its check to refuse. */
export const readList = (u: unknown): unknown => Array.isArray(u) ? u.slice() : u

/**
 * Serializes (and, for an encrypted channel, seals) event data, then applies the size limit to what goes on
 * the wire.
 */
const prepareData = (
  keys: Keys,
  field: string,
  encrypted: string | undefined,
  data: unknown
): Result.Result<string, ValidationError | EncryptionError> => {
  const encrypting = keys.encrypting
  const wire: Result.Result<string, ValidationError | EncryptionError> = encrypted === undefined
    ? toEither(Json.serializeData(field, data))
    : encrypting === undefined
    ? Result.fail(Encryption.missingMasterKey(encrypted))
    : Result.map(
      // Strings are JSON-encoded before sealing too, as pusher-http-node does; pusher-js parses them back.
      toEither(Json.toJson(field, data)),
      (json) => Encryption.seal(encrypting.cipher, keys.crypto, encrypting.masterKey, encrypted, json)
    )
  return Result.flatMap(wire, (sent) => {
    const failure = Json.checkPayloadSize(field, sent, keys.config.maxPayloadBytes)
    return failure === undefined
      ? Result.succeed(sent)
      : Result.fail(toError({ field: failure.field, rule: `${failure.rule} (the maxPayloadBytes setting)` }))
  })
}

/** The checks every event shares, then its data. */
const prepareEvent = (
  keys: Keys,
  fields: Events.EventFieldNames,
  table: Json.KeyTable | undefined,
  input: EventInput,
  encrypted: string | undefined
): Result.Result<Events.EventFields, ValidationError | EncryptionError> =>
  Result.flatMap(
    toEither(Events.checkEvent(fields, input, table)),
    (checked) =>
      Result.map(prepareData(keys, fields.data, encrypted, input.data), (data) => ({
        name: checked.name,
        data,
        socketId: checked.socketId,
        info: checked.info
      }))
  )

// ---- trigger

/** @internal */
export interface TriggerInput extends EventInput {
  readonly channels: unknown
}

/**
 * @internal The options are read key by key (`Reflect.get`, so a value that is not an object reads as
 * nothing), with their own keys for the table check.
 */
export const readTrigger = (
  channels: unknown,
  event: unknown,
  data: unknown,
  options: unknown
): TriggerInput => {
  const bag = typeof options === "object" && options !== null ? options : undefined
  return {
    channels: readList(channels),
    name: event,
    data,
    socketId: bag === undefined ? undefined : Reflect.get(bag, "socketId"),
    socket_id: bag === undefined ? undefined : Reflect.get(bag, "socket_id"),
    info: readList(bag === undefined ? undefined : Reflect.get(bag, "info")),
    keys: Json.keysOf(options)
  }
}

const triggerFields: Events.EventFieldNames = {
  options: "options",
  name: "event",
  data: "data",
  socketId: "options.socketId",
  info: "options.info"
}

/** @internal */
export const prepareTrigger = (
  keys: Keys,
  input: TriggerInput
): Result.Result<Prepared, ValidationError | EncryptionError> =>
  Result.flatMap(
    toEither(Events.checkTriggerChannels(input.channels)),
    ({ channels, encrypted }) =>
      Result.map(
        prepareEvent(keys, triggerFields, Events.triggerOptionKeys, input, encrypted),
        (event) => ({ channels, event })
      )
  )

// ---- triggerBatch

/** @internal One item of a batch, read once; `null` stands for an item that is not an object. */
export type BatchItem = (EventInput & { readonly channel: unknown }) | null

/** @internal `events` is the copied list (or the value itself, when it is not an array), `items` its events. */
export interface BatchInput {
  readonly events: unknown
  readonly items: ReadonlyArray<BatchItem>
}

const readItem = (item: unknown): BatchItem =>
  typeof item === "object" && item !== null
    ? {
      channel: Reflect.get(item, "channel"),
      name: Reflect.get(item, "name"),
      data: Reflect.get(item, "data"),
      socketId: Reflect.get(item, "socketId"),
      socket_id: Reflect.get(item, "socket_id"),
      info: readList(Reflect.get(item, "info")),
      keys: Object.keys(item)
    }
    : null

/** @internal */
export const readBatch = (events: unknown): BatchInput => {
  if (!Array.isArray(events)) return { events, items: [] }
  const items: Array<BatchItem> = []
  for (let i = 0; i < events.length; i++) items.push(readItem(events[i]))
  return { events: items, items }
}

const batchFields = (field: string): Events.EventFieldNames => ({
  options: field,
  name: `${field}.name`,
  data: `${field}.data`,
  socketId: `${field}.socketId`,
  info: `${field}.info`
})

/** @internal The `/batch_events` body. */
export const prepareBatch = (
  keys: Keys,
  input: BatchInput
): Result.Result<string, ValidationError | EncryptionError> => {
  const sizeFailure = Events.checkBatchSize("events", input.events, keys.config.maxEventsPerBatch)
  if (sizeFailure !== undefined) return Result.fail(toError(sizeFailure))
  const batch: Array<Events.WireEvent> = []
  for (let i = 0; i < input.items.length; i++) {
    const field = `events[${i}]`
    const item = input.items[i]
    if (item === undefined || item === null) return Result.fail(toError({ field, rule: "must be an event object" }))
    // Unknown keys first: a misspelled `channel` would otherwise be reported as a missing channel.
    const unknownKey = Json.checkKeys(field, item.keys, Events.batchEventKeys)
    if (unknownKey !== undefined) return Result.fail(toError(unknownKey))
    const channel = toEither(Events.checkChannel(`${field}.channel`, item.channel))
    if (Result.isFailure(channel)) return Result.fail(channel.failure)
    const encrypted = Names.isEncrypted(channel.success) ? channel.success : undefined
    // Its keys were checked above, before its channel.
    const event = prepareEvent(keys, batchFields(field), undefined, item, encrypted)
    if (Result.isFailure(event)) return Result.fail(event.failure)
    batch.push(Events.wireEvent(channel.success, event.success))
  }
  return Result.succeed(Events.batchBody(batch))
}

// ---- sendToUser

/** @internal */
export interface UserEventInput {
  readonly userId: unknown
  readonly name: unknown
  readonly data: unknown
}

const userFields: Events.EventFieldNames = {
  options: "options",
  name: "event",
  data: "data",
  socketId: "socketId",
  info: "info"
}

/** @internal An event to a user's `#server-to-user-` channel: never encrypted, no socket id, no info. */
export const prepareUserEvent = (
  keys: Keys,
  input: UserEventInput
): Result.Result<Prepared, ValidationError | EncryptionError> =>
  Result.flatMap(
    toEither(Events.checkUserId("userId", input.userId)),
    (userId) =>
      Result.map(
        prepareEvent(
          keys,
          userFields,
          Events.noOptionKeys,
          { ...input, socketId: undefined, socket_id: undefined, info: undefined, keys: [] },
          undefined
        ),
        (event) => ({ channels: [Events.userChannel(userId)], event })
      )
  )

// ---- sending

/** The keys of event preparation, with the cipher loaded when the config can encrypt. */
const withKeys = <A>(
  requestContext: Client.RequestContext,
  f: (keys: Keys) => Effect.Effect<A, PusherError>
): Effect.Effect<A, PusherError> =>
  Encryption.withEncryption(
    requestContext.config,
    (encrypting) => f({ config: requestContext.config, crypto: requestContext.crypto, encrypting })
  )

/**
 * The batcher in the context, when it may take this event: it sends with its own config, so a trigger
 * under another config goes out directly.
 */
const batcherFor = (
  requestContext: Client.RequestContext,
  context: Context.Context<never>
): Batcher.Batcher | undefined => {
  const current = Context.get(context, PusherBatching.PusherBatching)
  const batcher = Option.isSome(current) ? Batching.batcherOf(current.value) : undefined
  return batcher !== undefined && batcher.requestContext.config === requestContext.config ? batcher : undefined
}

/** @internal The answer of `/events` for one channel. */
export type TriggerResult = Results.TriggerResult

/**
 * Sends a single-channel event through the batcher, answering as `/events` would (then as `fromBatcher`
 * makes it), within the timeout of the caller's own config. One `map` per event, not one per step.
 */
const submit = <A>(
  batcher: Batcher.Batcher,
  requestContext: Client.RequestContext,
  context: Context.Context<never>,
  channel: string,
  event: Events.EventFields,
  fromBatcher: (result: TriggerResult) => A
): Effect.Effect<A, PusherError> =>
  Effect.map(
    batcher.submit(Events.wireEvent(channel, event), requestContext.config.timeout, Retry.writePolicyOf(context)),
    (attributes) => fromBatcher(event.info === undefined ? {} : { channels: { [channel]: attributes ?? {} } })
  )

/**
 * The body of an operation that sends one prepared event: through the batcher of the context when there is
 * one for this config and the event names one channel, else as one `/events` request decoded with `decode`.
 */
const sending = <I, A>(
  prepare: (keys: Keys, input: I) => Result.Result<Prepared, ValidationError | EncryptionError>,
  decode: Client.Decoder<A>,
  fromBatcher: (result: TriggerResult) => A
) =>
(input: I, requestContext: Client.RequestContext, context: Context.Context<never>): Effect.Effect<A, PusherError> =>
  withKeys(requestContext, (keys) =>
    Result.match(prepare(keys, input), {
      onFailure: Effect.fail,
      onSuccess: ({ channels, event }) => {
        const channel = channels.length === 1 ? channels[0] : undefined
        const batcher = channel === undefined ? undefined : batcherFor(requestContext, context)
        return channel !== undefined && batcher !== undefined
          ? submit(batcher, requestContext, context, channel, event, fromBatcher)
          : Retry.send(
            Retry.policyOf(context),
            requestContext,
            "POST",
            "/events",
            [],
            Events.triggerBody(channels, event),
            decode
          )
      }
    }))

// ---- the operations' bodies, on their snapshots

/** @internal */
export const trigger = /* @__PURE__ */ sending(prepareTrigger, Results.decodeTrigger, identity)

/** @internal */
export const sendToUser = /* @__PURE__ */ sending(prepareUserEvent, Results.ignoreBody, constVoid)

/** @internal */
export const triggerBatch = (
  input: BatchInput,
  requestContext: Client.RequestContext,
  context: Context.Context<never>
): Effect.Effect<Results.TriggerBatchResult, PusherError> =>
  withKeys(requestContext, (keys) =>
    Result.match(prepareBatch(keys, input), {
      onFailure: Effect.fail,
      onSuccess: (body) =>
        Retry.send(Retry.policyOf(context), requestContext, "POST", "/batch_events", [], body, Results.decodeBatch)
    }))
