import * as Duration from "effect/Duration"
import * as Option from "effect/Option"

/**
 * An option given as an Effect `DurationInput`, decoded; none for anything else, including a value that
 * throws when it is inspected (a Proxy whose traps throw): decoding looks into objects, and an option's
 * value must fail as invalid, never as a defect.
 *
 * @internal
 */
export const decodeDuration = (value: unknown): Option.Option<Duration.Duration> => {
  try {
    return Duration.decodeUnknown(value)
  } catch {
    return Option.none()
  }
}
