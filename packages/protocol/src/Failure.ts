/**
 * How a protocol rule says no: a small plain value naming the input and the rule it broke.
 *
 * A check answers `Failure | undefined`; a computation that produces a value answers a {@link Result}.
 * Libraries built on this package wrap a `Failure` in their own typed error.
 *
 * @since 0.1.0
 */

/**
 * An input that broke a rule: `field` names it (`channels[3]`, `events[2].data`), `rule` says what it must
 * satisfy.
 *
 * @since 0.1.0
 * @category models
 */
export interface Failure {
  readonly field: string
  readonly rule: string
}

/**
 * The answer of a computation that can fail: its value, or why not.
 *
 * @since 0.1.0
 * @category models
 */
export type Result<A, E = Failure> = Ok<A> | Err<E>

/**
 * A computation that succeeded with `value`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Ok<A> {
  readonly ok: true
  readonly value: A
}

/**
 * A computation that failed with `error`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Err<E> {
  readonly ok: false
  readonly error: E
}

/**
 * A broken rule: the input's `field` and the `rule` it must satisfy.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fail = (field: string, rule: string): Failure => ({ field, rule })

/**
 * A successful `Result`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const ok = <A>(value: A): Ok<A> => ({ ok: true, value })

/**
 * A failed `Result`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const err = <E>(error: E): Err<E> => ({ ok: false, error })

/**
 * A failed result for `field` and `rule`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const reject = (field: string, rule: string): Err<Failure> => err(fail(field, rule))

/**
 * A check's answer as a result: `value` when there is no failure.
 *
 * @since 0.1.0
 * @category combinators
 */
export const fromCheck = <A>(failure: Failure | undefined, value: A): Result<A> =>
  failure === undefined ? ok(value) : err(failure)

/**
 * What a value is, for a rule that names what it got: `null`, `an array` or its `typeof`.
 *
 * @since 0.1.0
 * @category utils
 */
export const describe = (value: unknown): string => {
  if (value === null) return "null"
  // `Array.isArray` throws on a revoked Proxy: describing what a caller gave must not.
  try {
    return Array.isArray(value) ? "an array" : typeof value
  } catch {
    return typeof value
  }
}
