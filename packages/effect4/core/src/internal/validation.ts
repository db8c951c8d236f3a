import type * as Failure from "@effect-pusher/protocol/Failure"
import * as Either from "effect/Either"
import { ValidationError } from "../PusherError.js"

/**
 * From the protocol's plain failures to core's typed error: checks answer `ValidationError | undefined`,
 * computations that produce a value answer `Either`.
 */

/** @internal */
export const fail = (field: string, rule: string): ValidationError => new ValidationError({ field, rule })

/** @internal A failure naming the field and the rule, as the left of an `Either`. */
export const invalid = (field: string, rule: string): Either.Either<never, ValidationError> =>
  Either.left(fail(field, rule))

/** @internal A protocol failure as the typed error. */
export const toError = (failure: Failure.Failure): ValidationError => new ValidationError(failure)

/** @internal A protocol result as an `Either` of the typed error. */
export const toEither = <A>(result: Failure.Result<A>): Either.Either<A, ValidationError> =>
  result.ok ? Either.right(result.value) : Either.left(new ValidationError(result.error))
