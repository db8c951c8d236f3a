import * as Duration from "effect/Duration"
import * as Option from "effect/Option"

/**
 * An option given as an Effect `Duration.Input`, decoded; none for anything else, including a value that
 * throws when it is inspected (a Proxy whose traps throw): decoding looks into objects, and an option's
 * value must fail as invalid, never as a defect.
 *
 * @internal
 */
export const decodeDuration = (value: unknown): Option.Option<Duration.Duration> => {
  try {
    // `fromInput` looks at what it is given before it trusts the type: any value is safe to hand it.
    return Duration.fromInput(value as Duration.Input)
  } catch {
    return Option.none()
  }
}
