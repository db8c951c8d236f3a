/**
 * The rules of numeric options (counts, byte limits, timeouts), written once for every option bag that
 * has one: `PusherConfig`, `PusherBatching`, the Node client. Option bags themselves are read with
 * `Json.readOptions`.
 *
 * @since 0.1.0
 */
import { describe, fail, type Failure } from "./Failure.js"

/**
 * The longest delay a timer holds, in milliseconds (2^31 - 1, about 24.8 days): a longer one fires at once.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxTimerMillis = 2_147_483_647

/**
 * The longest timeout an option may set, in milliseconds (24 days, under {@link maxTimerMillis}).
 *
 * @since 0.1.0
 * @category constants
 */
export const maxTimeoutMillis = 24 * 24 * 60 * 60 * 1000

const got = (value: unknown): string => typeof value === "number" ? `got ${value}` : `got ${describe(value)}`

/**
 * A count or a size: a positive safe integer.
 *
 * @since 0.1.0
 * @category checks
 */
export const checkPositiveInteger = (field: string, value: unknown): Failure | undefined =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 1
    ? undefined
    : fail(field, `must be a positive integer, ${got(value)}`)

/**
 * A timeout as a duration already in milliseconds: more than 0 and at most 24 days (a timer cannot hold
 * longer, and a zero timeout fails every request).
 *
 * @since 0.1.0
 * @category checks
 */
export const checkTimeoutMillis = (field: string, millis: number): Failure | undefined =>
  millis > 0 && millis <= maxTimeoutMillis ? undefined : fail(field, "must be a positive duration of at most 24 days")

/**
 * A number of milliseconds for a timer: an integer from 1 (0 too when `zeroDisables`, where 0 turns the
 * timer off) to {@link maxTimerMillis}.
 *
 * @since 0.1.0
 * @category checks
 */
export const checkTimerMillis = (field: string, value: unknown, zeroDisables = false): Failure | undefined => {
  const min = zeroDisables ? 0 : 1
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= maxTimerMillis
    ? undefined
    : fail(
      field,
      `must be an integer number of milliseconds from ${min} to ${maxTimerMillis}${
        zeroDisables ? " (0 turns it off)" : ""
      }, ${got(value)}`
    )
}

/**
 * A byte limit (`maxBodyBytes`): a non-negative number of bytes, at most 2^53 - 1, a fraction rounded down;
 * `undefined` for anything else.
 *
 * @since 0.1.0
 * @category conversions
 */
export const byteLimit = (value: unknown): number | undefined =>
  typeof value === "number" && value >= 0 && value <= Number.MAX_SAFE_INTEGER ? Math.floor(value) : undefined
