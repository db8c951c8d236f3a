import type * as Failure from "@effect-pusher/protocol/Failure"
import * as Json from "@effect-pusher/protocol/Json"
import * as Limits from "@effect-pusher/protocol/Limits"
import * as Names from "@effect-pusher/protocol/Names"
import * as Either from "effect/Either"
import { ValidationError } from "../PusherError.js"

/** @internal */
export const maxChannelsPerTrigger = Limits.maxChannelsPerTrigger
/** @internal */
export const maxEventsPerBatch = Limits.maxEventsPerBatch
/** @internal */
export const serverToUserPrefix = Limits.serverToUserPrefix

/** @internal A plain object (not null, not an array). */
export const isRecord = Json.isRecord

/** @internal */
export const isEncryptedChannel = Names.isEncrypted

/** @internal */
export const fail = (field: string, rule: string): ValidationError => new ValidationError({ field, rule })

/** @internal A protocol failure as the typed error. */
export const toError = (failure: Failure.Failure): ValidationError => new ValidationError(failure)

/** @internal A protocol check's answer as the typed error, if any. */
export const check = (failure: Failure.Failure | undefined): ValidationError | undefined =>
  failure === undefined ? undefined : new ValidationError(failure)

/** @internal A protocol result as an `Either` of the typed error. */
export const toEither = <A>(result: Failure.Result<A>): Either.Either<A, ValidationError> =>
  result.ok ? Either.right(result.value) : Either.left(new ValidationError(result.error))

// ---- Being replaced: wrappers of the protocol checks in the former shapes, until every caller uses the
// protocol modules with the converters above.

const lift = (failure: Failure.Failure | undefined): ValidationError | undefined =>
  failure === undefined ? undefined : new ValidationError(failure)

const liftResult = <A>(result: Failure.Result<A>): A | ValidationError =>
  result.ok ? result.value : new ValidationError(result.error)

/** @internal */
export const checkChannel = (field: string, channel: unknown) => lift(Names.checkChannel(field, channel))
/** @internal */
export const checkEventName = (field: string, event: unknown) => lift(Names.checkEventName(field, event))
/** @internal */
export const checkSocketId = (field: string, socketId: unknown) => lift(Names.checkSocketId(field, socketId))
/** @internal */
export const checkUserId = (field: string, userId: unknown) => lift(Names.checkUserId(field, userId))
/** @internal */
export const serializeData = (field: string, data: unknown) => liftResult(Json.serializeData(field, data))
