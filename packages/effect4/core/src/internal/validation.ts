import type * as Failure from "@effect-pusher/protocol/Failure"
import * as Result from "effect/Result"
import { ValidationError } from "../PusherError.js"

/**
 * From the protocol's plain failures to core's typed error: checks answer `ValidationError | undefined`,
 * computations that produce a value answer `Result`.
 */

/** @internal */
export const fail = (field: string, rule: string): ValidationError => new ValidationError({ field, rule })

/** @internal A failure naming the field and the rule, as the failure of a `Result`. */
export const invalid = (field: string, rule: string): Result.Result<never, ValidationError> =>
  Result.fail(fail(field, rule))

/** @internal A protocol failure as the typed error. */
export const toError = (failure: Failure.Failure): ValidationError => new ValidationError(failure)

/**
 * @internal A protocol result as a `Result` of the typed error. The name is the Effect 3 line's (every
 * internal module imports it by that name), its type Effect 4's `Result`.
 */
export const toEither = <A>(result: Failure.Result<A>): Result.Result<A, ValidationError> =>
  result.ok ? Result.succeed(result.value) : Result.fail(new ValidationError(result.error))
