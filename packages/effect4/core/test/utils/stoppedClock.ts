import type * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"

/**
 * A clock that reads `now` and never advances, for requests compared with pusher@5.3.4's at one instant:
 * `TestClock.setTime` yields to the scheduler, which costs more than the whole operation. Nothing run under
 * it sleeps.
 */
export const stoppedAt = (now: number): Clock.Clock => {
  const nanos = BigInt(now) * 1_000_000n
  return {
    currentTimeMillisUnsafe: () => now,
    currentTimeMillis: Effect.succeed(now),
    currentTimeNanosUnsafe: () => nanos,
    currentTimeNanos: Effect.succeed(nanos),
    monotonicTimeNanosUnsafe: () => nanos,
    monotonicTimeNanos: Effect.succeed(nanos),
    sleep: () => Effect.never
  }
}
