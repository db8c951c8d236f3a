import type * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import { type PusherError, TransportError } from "../PusherError.js"
import * as PusherRetry from "../PusherRetry.js"
import * as Client from "./client.js"

// The retry loop of every request (see `PusherRetry` for what is retried and when).

/** @internal The retry policy of a fiber's context, if any. */
export const policyOf = (context: Context.Context<never>): PusherRetry.Policy | undefined =>
  Option.getOrUndefined(Context.get(context, PusherRetry.PusherRetry))

/** @internal The policy under which a write may be retried: only one that opted in for writes. */
export const writePolicyOf = (context: Context.Context<never>): PusherRetry.Policy | undefined => {
  const policy = policyOf(context)
  return policy?.writes === true ? policy : undefined
}

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

/** Whether `policy` retries a call: there is one, and the call is a read or the policy opted in for writes. */
const retries = (policy: PusherRetry.Policy | undefined, write: boolean): policy is PusherRetry.Policy =>
  policy !== undefined && (!write || policy.writes === true)

/**
 * Runs `attempt` under `policy` (once when there is none, or when it is a write and the policy did not opt in
 * for writes), retrying transient failures with the policy's waits, a `Retry-After` being the least wait.
 * `budget` bounds the whole run: a wait that would end past it ends the retries with the last error, and an
 * attempt still running at the end fails with `onTimeout(attempts)`. Each retry is an event on the current
 * span, which gets the number of attempts as an attribute.
 *
 * @internal
 */
export const retrying = <A>(
  policy: PusherRetry.Policy | undefined,
  write: boolean,
  budget: Duration.Duration,
  onTimeout: (attempts: number) => PusherError,
  attempt: Effect.Effect<A, PusherError>
): Effect.Effect<A, PusherError> =>
  !retries(policy, write) ?
    attempt :
    Effect.clockWith((clock) =>
      Effect.suspend(() => {
        const start = clock.unsafeCurrentTimeMillis()
        const budgetMillis = Duration.toMillis(budget)
        let attempts = 0
        let last: { readonly error: PusherError; readonly wait: Duration.Duration } | undefined
        const schedule = policy.schedule.pipe(
          // The intersection waits the longer of the two: the policy's wait, or what the server asked for.
          Schedule.intersect(Schedule.addDelay(Schedule.identity<PusherError>(), retryAfterOf)),
          Schedule.whileInput(isTransient),
          Schedule.delays,
          Schedule.check((error: PusherError, wait: Duration.Duration) => {
            last = { error, wait }
            return clock.unsafeCurrentTimeMillis() - start + Duration.toMillis(wait) < budgetMillis
          })
        )
        const once = Effect.suspend(() => {
          attempts++
          return attempts === 1 || last === undefined
            ? attempt
            : Effect.zipRight(event(clock, attempts, last.error, last.wait), attempt)
        })
        return Effect.retry(once, schedule).pipe(
          Effect.timeoutFail({ duration: budget, onTimeout: () => onTimeout(attempts) }),
          Effect.ensuring(Effect.suspend(() => Effect.annotateCurrentSpan("pusher.attempts", attempts)))
        )
      })
    )

const event = (clock: Clock.Clock, attempt: number, after: PusherError, wait: Duration.Duration) =>
  Effect.ignore(Effect.map(Effect.currentSpan, (span) =>
    span.event("pusher.retry", clock.unsafeCurrentTimeNanos(), {
      "pusher.attempt": attempt,
      "pusher.retry.after": describe(after),
      "pusher.retry.wait_ms": Duration.toMillis(wait)
    })))

/** @internal The failure of a call whose attempts, retries included, outlasted its deadline. */
export const timeoutError = (
  method: string,
  path: string,
  timeout: Duration.Duration,
  attempts: number
): TransportError =>
  new TransportError({
    reason: "Timeout",
    method,
    path,
    description: `no complete answer within the configured timeout of ${Duration.format(timeout)} (${attempts} ${
      attempts === 1 ? "attempt" : "attempts"
    }, retries included)`
  })

/**
 * A signed request (`Client.send`) under `policy`: a POST is a write. The config's timeout bounds all its
 * attempts together.
 *
 * @internal
 */
export const send = <A>(
  policy: PusherRetry.Policy | undefined,
  requestContext: Client.RequestContext,
  method: "GET" | "POST",
  path: string,
  params: ReadonlyArray<readonly [string, string]>,
  body: string | undefined,
  decode: Client.Decoder<A>
): Effect.Effect<A, PusherError> => {
  const write = method === "POST"
  if (!retries(policy, write)) {
    return Client.send(requestContext, method, path, params, body, decode)
  }
  // `retrying`'s timer bounds every attempt, none of which can outlast it: no timer per attempt.
  const attempt = Client.send(requestContext, method, path, params, body, decode, false)
  const timeout = requestContext.config.timeout
  return retrying(
    policy,
    write,
    timeout,
    (attempts) => timeoutError(method, path, timeout, attempts),
    attempt
  )
}
