import * as EmulatorLog from "@effect-pusher/protocol/EmulatorLog"
import * as Effect from "effect/Effect"

/**
 * The protocol's version number (see `EmulatorLog.Signal`) with its wait as an Effect: `after` waits until
 * the version has moved past what a fiber last saw.
 *
 * @internal
 */
export class Signal extends EmulatorLog.Signal {
  /** The version once it is past `seen`, waiting for a `notify` if it is not yet. */
  after(seen: number): Effect.Effect<number> {
    return Effect.callback<number>((resume) => {
      if (this.current > seen) {
        resume(Effect.succeed(this.current))
        return
      }
      return Effect.sync(this.wait(() => resume(Effect.succeed(this.current))))
    })
  }
}
