/**
 * What effect-pusher's operations know about the `HttpClient` they run with.
 *
 * Every operation bounds a request by `PusherConfig.timeout`. A client that enforces a per-request deadline
 * by itself, and fails an expired request with a `RequestError` whose cause is a `TimeoutException`, can
 * say so with {@link withDeadline}: when that deadline equals the configured timeout, the operations start
 * no timer of their own. A client derived from a marked one with a combinator (`mapRequest`, ...) is not
 * marked, so the operations time it themselves.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import { globalValue } from "effect/GlobalValue"
import * as Option from "effect/Option"

// Kept beside the clients rather than on them, so a client carries no extra property; one table for
// every copy of this module, as a `Symbol.for` would be.
const deadlines = globalValue(
  "@effect-pusher/core/PusherHttpClient/deadlines",
  () => new WeakMap<object, Option.Option<Duration.Duration>>()
)

/**
 * A copy of the client marked as enforcing `deadline` on each request by itself (see the module
 * description). The copy sends exactly as the original does.
 *
 * @since 0.1.0
 * @category combinators
 */
export const withDeadline: {
  (deadline: Duration.DurationInput): <E, R>(self: HttpClient.HttpClient.With<E, R>) => HttpClient.HttpClient.With<E, R>
  <E, R>(self: HttpClient.HttpClient.With<E, R>, deadline: Duration.DurationInput): HttpClient.HttpClient.With<E, R>
} = dual(
  2,
  <E, R>(
    self: HttpClient.HttpClient.With<E, R>,
    deadline: Duration.DurationInput
  ): HttpClient.HttpClient.With<E, R> => {
    const marked = HttpClient.makeWith<never, never, E, R>(
      (request) => Effect.flatMap(request, self.execute),
      Effect.succeed
    )
    deadlines.set(marked, Option.some(Duration.decode(deadline)))
    return marked
  }
)

/**
 * The per-request deadline the client enforces by itself, if it was marked with {@link withDeadline}.
 *
 * @since 0.1.0
 * @category accessors
 */
export const deadline = <E, R>(self: HttpClient.HttpClient.With<E, R>): Option.Option<Duration.Duration> =>
  deadlines.get(self) ?? Option.none()
