/**
 * Bounded waiting: every wait in the suite ends with a `WaitTimeout` that says what did not happen.
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"

export class WaitTimeout extends Data.TaggedError("WaitTimeout")<{ readonly what: string; readonly ms: number }> {
  override get message() {
    return `timed out after ${this.ms} ms waiting for ${this.what}`
  }
}

export const defaultTimeoutMs = 8_000

class NotYet extends Data.TaggedError("NotYet") {}

/** Polls `check` every 10 ms until it returns a value, for at most `ms`. */
export const waitUntil = <A>(
  what: string,
  check: () => A | undefined,
  ms: number = defaultTimeoutMs
): Effect.Effect<A, WaitTimeout> =>
  Effect.suspend(() => {
    const value = check()
    return value === undefined ? Effect.fail(new NotYet()) : Effect.succeed(value)
  }).pipe(
    Effect.retry(Schedule.spaced("10 millis")),
    Effect.timeoutOrElse({ duration: ms, orElse: () => Effect.fail(new WaitTimeout({ what, ms })) }),
    Effect.catchTag("NotYet", () => Effect.fail(new WaitTimeout({ what, ms })))
  )
