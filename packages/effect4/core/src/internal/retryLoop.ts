import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type { PusherError } from "../PusherError.js"
import type * as PusherRetry from "../PusherRetry.js"

// The retry loop itself: a checked policy's schedule combined with `Retry-After` and the call's deadline. Only
// `PusherRetry`'s check reaches it statically, and it travels to the request path inside the value it
// installs in the `PusherRetry` reference ({@link Installed}): a program that never turns retries on does not
// bundle the loop, nor the Schedule code it needs (`pnpm check:size`: 0.8 KB gzipped).

/**
 * What tells a `PusherRetry.Installed` apart: a symbol users cannot name, so that a value of that type can
 * only come from `PusherRetry.layer` or `PusherRetry.withPolicy`, which check the policy first.
 *
 * @internal
 */
export const TypeId: unique symbol = /* @__PURE__ */ Symbol.for("@effect-pusher/core/PusherRetry/Installed")

/** @internal */
export type TypeId = typeof TypeId

/**
 * Runs `attempt`, retrying transient failures; `budget` bounds the whole run, past it an attempt still
 * running fails with `onTimeout(attempts)`.
 *
 * @internal
 */
export type Run = <A>(
  budget: Duration.Duration,
  onTimeout: (attempts: number) => PusherError,
  attempt: Effect.Effect<A, PusherError>
) => Effect.Effect<A, PusherError>

/**
 * A checked policy with the loop that runs it.
 *
 * @internal
 */
export interface Installed {
  readonly [TypeId]: TypeId
  /** The policy as checked: `writes` is a boolean. */
  readonly policy: PusherRetry.Policy
  readonly run: Run
}

/** @internal `policy`, already checked, with its loop. */
export const install = (policy: PusherRetry.Policy): Installed => ({
  [TypeId]: TypeId,
  policy,
  run: (budget, onTimeout, attempt) => loop(policy, budget, onTimeout, attempt)
})

/**
 * @internal Whether a failed attempt may succeed if tried again: a 5xx or 429 answer, a network error, an
 * attempt that timed out. Nothing else: the request was refused for what it is, or never sent.
 */
export const isTransient = (error: PusherError): boolean =>
  error._tag === "HttpError"
    ? error.status >= 500 || error.status === 429
    : error._tag === "TransportError" && (error.reason === "Network" || error.reason === "Timeout")

const retryAfterOf = (error: PusherError): Duration.Duration =>
  error._tag === "HttpError" && error.retryAfter !== undefined ? error.retryAfter : Duration.zero

const describe = (error: PusherError): string =>
  error._tag === "HttpError"
    ? `HttpError ${error.status}`
    : `${error._tag}${"reason" in error ? ` ${error.reason}` : ""}`

/**
 * Runs `attempt` under `policy`, retrying transient failures with the policy's waits, a `Retry-After` being
 * the least wait. `budget` bounds the whole run: a wait that would end past it ends the retries with the last
 * error, and an attempt still running at the end fails with `onTimeout(attempts)`. Each retry is an event on
 * the current span, which gets the number of attempts as an attribute.
 */
const loop = <A>(
  policy: PusherRetry.Policy,
  budget: Duration.Duration,
  onTimeout: (attempts: number) => PusherError,
  attempt: Effect.Effect<A, PusherError>
): Effect.Effect<A, PusherError> =>
  Effect.clockWith((clock) =>
    Effect.suspend(() => {
      const start = clock.currentTimeMillisUnsafe()
      const budgetMillis = Duration.toMillis(budget)
      let attempts = 0
      let last: { readonly error: PusherError; readonly wait: Duration.Duration } | undefined
      // The wait is the longer of the policy's and what the server asked for. A non-transient error ends the
      // retries, and so does a wait that would end past the budget.
      const schedule = policy.schedule.pipe(
        Schedule.modifyDelay(({ duration, input }) => Effect.succeed(Duration.max(duration, retryAfterOf(input)))),
        Schedule.while(({ duration, input }) => {
          if (!isTransient(input)) return false
          last = { error: input, wait: duration }
          return clock.currentTimeMillisUnsafe() - start + Duration.toMillis(duration) < budgetMillis
        })
      )
      const once = Effect.suspend(() => {
        attempts++
        return attempts === 1 || last === undefined
          ? attempt
          : Effect.andThen(event(clock, attempts, last.error, last.wait), attempt)
      })
      return Effect.retry(once, schedule).pipe(
        Effect.timeoutOrElse({ duration: budget, orElse: () => Effect.fail(onTimeout(attempts)) }),
        Effect.ensuring(Effect.suspend(() => Effect.annotateCurrentSpan("pusher.attempts", attempts)))
      )
    })
  )

const event = (clock: Clock.Clock, attempt: number, after: PusherError, wait: Duration.Duration) =>
  Effect.ignore(Effect.map(Effect.currentSpan, (span) =>
    span.event("pusher.retry", clock.currentTimeNanosUnsafe(), {
      "pusher.attempt": attempt,
      "pusher.retry.after": describe(after),
      "pusher.retry.wait_ms": Duration.toMillis(wait)
    })))
